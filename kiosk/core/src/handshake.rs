//! The USB export hand-shake with the root helper
//! (`/usr/libexec/insideout-kiosk/usb-export`, started by
//! `insideout-usb-export.path`).
//!
//! Under its systemd unit the kiosk is unprivileged and the stick is mounted
//! read-only, so it asks the helper to make the stick writable for one export.
//! Files only, in two folders, so that root never writes where the kiosk user
//! could plant a symlink (issue 11); the helper script is the source of truth:
//!
//! - the **run folder** (`/run/insideout-kiosk`, the kiosk's
//!   `RuntimeDirectory`, 0700 kiosk) holds the kiosk's files,
//!   `export-request` and `export-done`. Only the kiosk creates them; the
//!   helper only looks whether they are there and removes them.
//! - the **answer folder** (`/run/insideout-usb-export`, the helper unit's
//!   `RuntimeDirectory`, 0755 root, kept when the unit stops) holds the
//!   helper's answers, `export-ready` and `export-failed`. The kiosk only
//!   reads them, and only plain files: a symlink, folder or device there is
//!   refused ([`HandshakeError::NotAFile`]) and never read.
//!
//! The rounds:
//!
//! 1. the kiosk notes which answers are there already (an earlier round's:
//!    `export-failed` stays until the helper next starts, as the kiosk cannot
//!    remove it), then creates `export-request` (`create_new`);
//! 2. the helper removes every earlier answer (and `export-done`) before
//!    anything else, then writes `export-ready`, holding the folder to write
//!    to (`/media/insideout-export`), or `export-failed`, holding one line
//!    for the screen, each as a new file renamed into place;
//! 3. the kiosk takes the first answer that is not one it noted in step 1, and
//!    writes the export there;
//! 4. the kiosk creates `export-done`, whatever happened (it means "finished",
//!    not "succeeded"), also if the work panicked;
//! 5. the helper syncs, puts the stick back read-only and removes
//!    `export-ready`, `export-done` and, last, `export-request`: once
//!    `export-request` is gone the stick can be taken out.
//!
//! **An old answer is never taken for a new one.** Step 1 notes each answer
//! by its file's identity (device, inode and change time), not its text or
//! age: the helper only ever renames a fresh file into place, so an answer it
//! wrote for this round is a different file even if it says the same thing,
//! and one left from an earlier round is skipped until the helper, starting,
//! removes it. No clock is compared, so a clock set back changes nothing.
//!
//! If the helper does not answer within the timeout, or refuses, or names no
//! usable folder, the kiosk creates `export-done` and withdraws the request
//! (removes `export-request`), so a helper that starts late puts the stick
//! straight back and the path unit does not start it again.
//!
//! **A leftover `export-request`** (an earlier export that crashed, or whose
//! helper never removed it) is ended first: the kiosk creates `export-done`
//! so that a helper still holding the stick writable puts it back, and waits
//! up to the timeout for the request to go. If nobody removes it (no helper is
//! running) the kiosk removes it itself. A leftover `export-done` is then
//! deleted, the answers there are noted (step 1), and a fresh request is made.
//!
//! [`Handshake::run`] does all of this around a closure that does the writing.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{ErrorKind, Read};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The run folder under `insideout-kiosk.service` (its `RuntimeDirectory`).
pub const SYSTEM_RUN_DIR: &str = "/run/insideout-kiosk";
/// The answer folder under `insideout-usb-export.service` (its
/// `RuntimeDirectory`, root's).
pub const SYSTEM_ANSWER_DIR: &str = "/run/insideout-usb-export";
/// Created by the kiosk, in the run folder, to ask for a writable stick.
pub const REQUEST: &str = "export-request";
/// Written by the helper, in the answer folder: the folder to export into.
pub const READY: &str = "export-ready";
/// Written by the helper, in the answer folder: one line saying why the
/// stick cannot be written.
pub const FAILED: &str = "export-failed";
/// Created by the kiosk, in the run folder, when it has finished writing (or
/// failed to).
pub const DONE: &str = "export-done";
/// How long the kiosk waits for the helper by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const POLL: Duration = Duration::from_millis(100);
/// The most of an answer file that is read (one path or one line).
const ANSWER_LIMIT: u64 = 4096;

/// Why the stick could not be made writable. Every message is for staff.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The helper did not answer within the timeout.
    #[error(
        "The USB stick could not be made writable. Take it out, put it back in and try again."
    )]
    NoAnswer,
    /// The helper answered with `export-failed`: its line, as it is.
    #[error("{0}")]
    Refused(String),
    /// The helper's `export-ready` did not name an absolute folder.
    #[error("The USB stick could not be made writable (the system named no usable folder). Take it out, put it back in and try again; call IT if this happens again.")]
    BadAnswer,
    /// An answer is not a plain file (a symlink, a folder, a device): it was
    /// not read.
    #[error("The USB stick could not be made writable: {path} is not a plain file, so the kiosk did not read it. Restart the kiosk PC and try again; call IT if this happens again.")]
    NotAFile {
        /// The answer.
        path: PathBuf,
    },
    /// A hand-shake file could not be read or written.
    #[error("the USB stick could not be made writable: cannot use {path}: {cause}; restart the kiosk, and call IT if this happens again")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
}

/// Whether the helper was seen to put the stick back read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// `export-request` went away: the stick is read-only and can be taken out.
    Released,
    /// `export-request` was still there after the timeout (the helper may
    /// still be writing the stick's buffers out).
    Pending,
}

/// The hand-shake between one run folder and one answer folder.
#[derive(Debug, Clone)]
pub struct Handshake {
    run_dir: PathBuf,
    answer_dir: PathBuf,
    timeout: Duration,
}

impl Handshake {
    /// The hand-shake with the kiosk's files in `run_dir` and the helper's
    /// answers in `answer_dir`, waiting [`DEFAULT_TIMEOUT`] for the helper.
    pub fn new(run_dir: impl Into<PathBuf>, answer_dir: impl Into<PathBuf>) -> Handshake {
        Handshake {
            run_dir: run_dir.into(),
            answer_dir: answer_dir.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The hand-shake in [`SYSTEM_RUN_DIR`] and [`SYSTEM_ANSWER_DIR`] if the
    /// run folder exists (the kiosk runs under its systemd unit), otherwise
    /// `None` (demo, development and tests write straight into the USB
    /// folder). The answer folder need not exist yet: the helper's unit makes
    /// it the first time it runs.
    pub fn system() -> Option<Handshake> {
        Path::new(SYSTEM_RUN_DIR)
            .is_dir()
            .then(|| Handshake::new(SYSTEM_RUN_DIR, SYSTEM_ANSWER_DIR))
    }

    /// Waits at most `timeout` for each answer from the helper (the folder or
    /// a refusal; a leftover request to go; the stick to be released).
    pub fn with_timeout(mut self, timeout: Duration) -> Handshake {
        self.timeout = timeout;
        self
    }

    /// The run folder (the kiosk's files).
    pub fn run_dir(&self) -> &Path {
        &self.run_dir
    }

    /// The answer folder (the helper's files).
    pub fn answer_dir(&self) -> &Path {
        &self.answer_dir
    }

    /// The timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    fn file(&self, name: &str) -> PathBuf {
        self.run_dir.join(name)
    }

    fn answer(&self, name: &str) -> PathBuf {
        self.answer_dir.join(name)
    }

    /// Asks for a writable stick, calls `work` with the folder to write into,
    /// then says it has finished and waits for the stick to be released.
    /// `work`'s own error is returned as it is (after `export-done`); the
    /// hand-shake's errors are turned into `E`.
    pub fn run<T, E: From<HandshakeError>>(
        &self,
        work: impl FnOnce(&Path) -> Result<T, E>,
    ) -> Result<(T, Release), E> {
        let folder = self.open()?;
        // From here on, export-done is written on every path, also on a panic.
        let mut done = DoneGuard(Some(self));
        let result = work(&folder);
        let finished = done.finish();
        let release = self.wait_released();
        let value = result?;
        finished?;
        Ok((value, release))
    }

    /// Steps 1 to 3: the folder to write into.
    fn open(&self) -> Result<PathBuf, HandshakeError> {
        self.end_leftover_request()?;
        remove(&self.file(DONE))?;
        let (ready, failed) = (self.answer(READY), self.answer(FAILED));
        // Noted before the request exists, so nothing written for it is among them.
        let earlier_ready = FileId::of_path(&ready)?;
        let earlier_failed = FileId::of_path(&failed)?;
        self.create_request()?;
        let deadline = Instant::now() + self.timeout;
        loop {
            // Looked at before the answers: the helper publishes export-failed
            // before it removes export-request, never after.
            let requested = self.file(REQUEST).exists();
            match read_answer(&ready, earlier_ready) {
                Ok(Some(text)) => {
                    let folder = PathBuf::from(text.trim());
                    if folder.is_absolute() {
                        return Ok(folder);
                    }
                    self.withdraw();
                    return Err(HandshakeError::BadAnswer);
                }
                Ok(None) => {}
                Err(e) => {
                    self.withdraw();
                    return Err(e);
                }
            }
            match read_answer(&failed, earlier_failed) {
                Ok(Some(text)) => {
                    // The helper has ended the round already; this makes sure.
                    self.withdraw();
                    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
                    return Err(match line {
                        Some(line) => HandshakeError::Refused(line.to_owned()),
                        None => HandshakeError::NoAnswer,
                    });
                }
                Ok(None) => {}
                Err(e) => {
                    self.withdraw();
                    return Err(e);
                }
            }
            // A helper finishing an earlier round removes export-request on its
            // way out; it never does so before answering this one, so ask again.
            if !requested {
                self.create_request()?;
            }
            if Instant::now() >= deadline {
                self.withdraw();
                return Err(HandshakeError::NoAnswer);
            }
            std::thread::sleep(POLL);
        }
    }

    /// Ends a request left from an earlier export (see the module docs).
    fn end_leftover_request(&self) -> Result<(), HandshakeError> {
        let request = self.file(REQUEST);
        if !request.exists() {
            return Ok(());
        }
        self.write_done()?;
        if !wait_gone(&request, self.timeout) {
            remove(&request)?;
        }
        Ok(())
    }

    fn create_request(&self) -> Result<(), HandshakeError> {
        let path = self.file(REQUEST);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(_) => Ok(()),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(()),
            Err(cause) => Err(HandshakeError::Io { path, cause }),
        }
    }

    fn write_done(&self) -> Result<(), HandshakeError> {
        let path = self.file(DONE);
        File::create(&path)
            .map(drop)
            .map_err(|cause| HandshakeError::Io { path, cause })
    }

    /// Gives up on the helper: "finished", and no request any more.
    fn withdraw(&self) {
        // Best effort: the error the caller returns is the one to show.
        let _ = self.write_done();
        let _ = remove(&self.file(REQUEST));
    }

    /// Step 5.
    fn wait_released(&self) -> Release {
        if wait_gone(&self.file(REQUEST), self.timeout) {
            Release::Released
        } else {
            Release::Pending
        }
    }
}

/// Writes export-done when dropped, unless [`DoneGuard::finish`] did.
struct DoneGuard<'a>(Option<&'a Handshake>);

impl DoneGuard<'_> {
    fn finish(&mut self) -> Result<(), HandshakeError> {
        match self.0.take() {
            Some(h) => h.write_done(),
            None => Ok(()),
        }
    }
}

impl Drop for DoneGuard<'_> {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}

/// Which file a name stands for: the same name with another identity is a
/// new answer (the helper renames a fresh file into place for every answer).
/// The change time as well as the inode, in case a file system hands a freed
/// inode number straight out again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
    ctime: i64,
    ctime_nsec: i64,
}

impl FileId {
    fn of(meta: &Metadata) -> FileId {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
            ctime: meta.ctime(),
            ctime_nsec: meta.ctime_nsec(),
        }
    }

    /// The identity of whatever is called `path` (a symlink itself, never
    /// what it points to), or `None` if nothing is.
    fn of_path(path: &Path) -> Result<Option<FileId>, HandshakeError> {
        match std::fs::symlink_metadata(path) {
            Ok(meta) => Ok(Some(FileId::of(&meta))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(cause) => Err(HandshakeError::Io {
                path: path.to_owned(),
                cause,
            }),
        }
    }
}

fn remove(path: &Path) -> Result<(), HandshakeError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(cause) => Err(HandshakeError::Io {
            path: path.to_owned(),
            cause,
        }),
    }
}

/// The text of the answer `path` (at most [`ANSWER_LIMIT`] bytes), or `None`
/// if there is none yet: nothing there, or still the answer `earlier` noted
/// before the request.
///
/// Only a plain file is read, and only the very file that was looked at: the
/// name is looked at without following a symlink, then opened, and the open
/// file must be that same plain file (else it changed in between, and is
/// looked at again on the next poll). So nothing is ever read through a
/// symlink, even one swapped in between the look and the open. Only root can
/// write in the answer folder: this guards against a mistake there, and
/// keeps the kiosk from ever reading, as an answer, a file it was pointed at.
fn read_answer(path: &Path, earlier: Option<FileId>) -> Result<Option<String>, HandshakeError> {
    let io = |cause| HandshakeError::Io {
        path: path.to_owned(),
        cause,
    };
    let seen = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    if Some(FileId::of(&seen)) == earlier {
        return Ok(None);
    }
    if !seen.file_type().is_file() {
        return Err(HandshakeError::NotAFile {
            path: path.to_owned(),
        });
    }
    // Not following a link and not waiting on a FIFO, whatever is there now.
    let file = match content_pack::untrusted::open_regular(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) if e.kind() == ErrorKind::InvalidInput => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    let opened = file.metadata().map_err(io)?;
    if !opened.is_file() || (opened.dev(), opened.ino()) != (seen.dev(), seen.ino()) {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    file.take(ANSWER_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

fn wait_gone(path: &Path, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if !path.exists() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}
