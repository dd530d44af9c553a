//! Typed errors. Each variant's message says what went wrong and what a member
//! of staff can do about it; no message ever contains a prison number.

use std::path::PathBuf;

/// Something the kiosk could not do.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KioskError {
    /// A file or folder could not be read or written.
    #[error("cannot use {path}: {cause}; check the disk is not full or read-only, then try again")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// The data folder holds no provisioned kiosk.
    #[error("{0} is not a kiosk data folder (no kiosk.toml): run `insideout-provision kiosk init` first")]
    NotProvisioned(PathBuf),
    /// A file of the data folder belongs to another user than the one
    /// running this program (e.g. a command run as root left it so).
    #[error("{path} belongs to {owner}, but this runs as {user}: every file of a kiosk must belong to the user the kiosk runs as. Run staff commands as the kiosk user (`runuser -u kiosk -- …`); to repair, as root: `chown -R kiosk:kiosk {root}`", root = .root.display(), path = .path.display())]
    WrongOwner {
        /// The file or folder.
        path: PathBuf,
        /// The data folder.
        root: PathBuf,
        /// Who owns it.
        owner: String,
        /// Who runs this.
        user: String,
    },
    /// `kiosk init` was asked to write over an existing kiosk.
    #[error("{0} already holds a kiosk; pass --force to replace it (its attendance records and keys are deleted)")]
    AlreadyProvisioned(PathBuf),
    /// `kiosk.toml` or a key file is not valid.
    #[error("the kiosk configuration {path} is not valid: {problem}; fix it or provision the kiosk again")]
    Config {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
    /// A provisioning value was refused (site, wing, facilitator id...).
    #[error("{0}")]
    InvalidSetting(String),
    /// The database failed.
    #[error(
        "the kiosk database failed ({0}); restart the kiosk, and call IT if this happens again"
    )]
    Database(rusqlite::Error),
    /// The database was made by a newer kiosk version.
    #[error("the kiosk database is schema version {found}, newer than this software ({supported}); update the kiosk software")]
    SchemaTooNew {
        /// Version found in the file.
        found: u32,
        /// Newest version this build knows.
        supported: u32,
    },
    /// A key could not be read or used.
    // Shown as its own message only: the wrapped error already names its
    // cause, and `{e:#}` would otherwise print the cause twice.
    #[error("{0}")]
    Key(content_pack::KeyError),
    /// A content pack was refused or could not be installed.
    // Shown as its own message only: the wrapped error already names its
    // cause, and `{e:#}` would otherwise print the cause twice.
    #[error("{0}")]
    Pack(content_pack::PackError),
    /// An export bundle could not be written or verified.
    // Shown as its own message only: the wrapped error already names its
    // cause, and `{e:#}` would otherwise print the cause twice.
    #[error("{0}")]
    Bundle(attendance_export::BundleError),
    /// An action that needs a signed-in facilitator was asked for without one.
    #[error("sign in with your PIN first")]
    NotSignedIn,
    /// No programme is installed yet.
    #[error("no programme is installed: import a content pack from a USB stick")]
    NoProgramme,
    /// The session id is not in the installed programme.
    #[error("session `{0}` is not in the installed programme; choose another session")]
    UnknownSession(String),
    /// The tool id is not in the installed programme.
    #[error("tool `{0}` is not in the installed programme")]
    UnknownTool(String),
    /// A session is already in progress.
    #[error("a session is already in progress: finish it before starting another")]
    SessionInProgress,
    /// The action needs a session in progress.
    #[error("no session is in progress: start one first")]
    NoSession,
    /// The session runner refused the step.
    #[error(transparent)]
    Run(#[from] RunError),
    /// What was typed is not a prison number. The number itself is never repeated.
    #[error("that is not a prison number: it should be one letter, four digits and two letters, like A1234BC; check it and type it again")]
    BadPrisonNumber,
    /// The PIN was refused when setting it.
    #[error("{0}")]
    WeakPin(&'static str),
    /// Another facilitator already has this PIN (PIN-only sign-in must be unambiguous).
    #[error("another facilitator already uses this PIN; choose a different one")]
    PinInUse,
    /// The USB folder does not exist or cannot be listed.
    #[error(
        "no USB stick found at {0}: insert the stick and wait for it to appear, then try again"
    )]
    NoUsb(PathBuf),
    /// The stick could not be made writable for an export (see
    /// [`crate::handshake`]); nothing was exported and nothing was lost.
    // Shown as its own message only: it is already written for staff.
    #[error("{0}")]
    UsbHandshake(#[from] crate::handshake::HandshakeError),
    /// The demo kiosk could not be prepared.
    #[error("could not prepare the demo ({0}); check the sample programme builds with `insideout-provision pack build`")]
    Demo(String),
    /// The export could not be written; nothing was lost.
    #[error("the export could not be written to {path} ({cause}); nothing was lost and the rows are still waiting: {}, then export again", write_remedy(.cause))]
    ExportWrite {
        /// Where it was being written.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// A staff-only action was not confirmed with the facilitator's PIN.
    #[error("{0}")]
    PinNotConfirmed(String),
    /// A backup could not be made or restored.
    #[error(transparent)]
    Backup(BackupError),
    /// The bundle was written, but the kiosk could not record that it was.
    #[error("the export {folder} was written and is complete, but the kiosk could not record that ({cause}); its rows will be exported again next time, which is harmless (the service counts each session once)")]
    ExportNotRecorded {
        /// The bundle written.
        folder: String,
        /// Why it was not recorded.
        cause: Box<KioskError>,
    },
}

/// What staff can do about a write that failed.
fn write_remedy(cause: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match cause.kind() {
        ReadOnlyFilesystem | PermissionDenied => {
            "the stick is read-only: check its write-protect switch or use another stick"
        }
        StorageFull | QuotaExceeded | FileTooLarge => "free some space or use another stick",
        _ => "take the stick out, put it back in, or use another stick",
    }
}

impl KioskError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> KioskError {
        let path = path.into();
        move |cause| KioskError::Io { path, cause }
    }
}

impl From<rusqlite::Error> for KioskError {
    fn from(e: rusqlite::Error) -> Self {
        KioskError::Database(e)
    }
}

impl From<content_pack::KeyError> for KioskError {
    fn from(e: content_pack::KeyError) -> Self {
        KioskError::Key(e)
    }
}

impl From<content_pack::PackError> for KioskError {
    fn from(e: content_pack::PackError) -> Self {
        KioskError::Pack(e)
    }
}

impl From<attendance_export::BundleError> for KioskError {
    fn from(e: attendance_export::BundleError) -> Self {
        KioskError::Bundle(e)
    }
}

/// A step the session runner (`crate::runner::step`) refuses. It lives here,
/// beside [`KioskError`] which wraps it, so that the error types depend on
/// no module that uses them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// Back from the first phase.
    #[error("this is already the first phase")]
    AtFirstPhase,
    /// Next from the last phase.
    #[error("this is the last phase: finish the session instead")]
    AtLastPhase,
    /// The same person was added twice.
    #[error("that person is already here as Participant {0}")]
    AlreadyHere(u32),
    /// No attendee with that number.
    #[error("there is no Participant {0}")]
    NoSuchAttendee(u32),
    /// The group is at its limit.
    #[error("the group is full: {0} is the most for one group; take someone off the list first, or run a second group")]
    GroupFull(usize),
    /// A tool this session's content does not have.
    #[error("tool `{0}` is not in this session's programme")]
    UnknownTool(String),
    /// A worksheet box the tool does not have, or a score above 10.
    #[error("tool `{tool}` has no worksheet box {field} that takes this")]
    NoSuchBox {
        /// Tool id.
        tool: String,
        /// Box index.
        field: usize,
    },
    /// Hands counted outside the check-out.
    #[error("the group is asked how today was at check-out: go on to the check-out first")]
    NotAtCheckOut,
    /// One hand more than there are people here.
    #[error("{}", hands_full(*.0))]
    MoreHandsThanPeople(usize),
}

fn hands_full(present: usize) -> String {
    match present {
        0 => "nobody is on the attendance yet: add the group first, then count hands".into(),
        1 => "1 person is here and has a hand counted already: take it off first, or add whoever is missing to the attendance".into(),
        n => format!("{n} people are here and each has a hand counted already: take one off first, or add whoever is missing to the attendance"),
    }
}

/// An error and its causes on one line, the way both binaries print every
/// error: each cause is added after `: ` unless its text is already in the
/// line (our messages name their cause themselves, and also return it as
/// their `source` for callers that want it), so no cause prints twice.
pub fn one_line(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = c.source();
    }
    line
}

/// A backup or restore failed; nothing was replaced.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackupError {
    /// The staff public key is not an age public key.
    #[error("{0} is not an age public key (it should be one line starting `age1`, as `age-keygen -y` prints); give the staff member's public key")]
    NotARecipient(String),
    /// The identity is not an age secret key.
    #[error("{0} holds no age secret key (a line starting `AGE-SECRET-KEY-1`, as `age-keygen` writes); give the staff member's key file")]
    NotAnIdentity(String),
    /// The backup could not be decrypted with this key.
    #[error("the backup cannot be opened with this key ({0}): it was made for another staff key, or it is damaged")]
    Decrypt(String),
    /// The backup's contents are not a kiosk backup.
    #[error("this is not a kiosk backup this software can restore ({0})")]
    NotABackup(String),
    /// The target folder already holds a kiosk.
    #[error("{0} already holds a kiosk; restore into a new, empty folder")]
    NotEmpty(std::path::PathBuf),
    /// Encryption failed.
    #[error("the backup could not be encrypted: {0}")]
    Encrypt(String),
}

impl From<BackupError> for KioskError {
    fn from(e: BackupError) -> Self {
        KioskError::Backup(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cause_already_named_is_not_repeated() {
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let named = KioskError::io("/x/kiosk.toml")(io());
        assert_eq!(named.to_string().matches("no such file").count(), 1);
        assert_eq!(one_line(&named), named.to_string());
        #[derive(Debug, thiserror::Error)]
        #[error("cannot start")]
        struct Outer(#[source] KioskError);
        let outer = Outer(KioskError::io("/x/kiosk.toml")(io()));
        assert_eq!(one_line(&outer), format!("cannot start: {named}"));
    }
}
