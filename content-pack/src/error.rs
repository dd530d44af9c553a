//! Typed errors. Every refusal is its own variant, and its message says what
//! was wrong and what a member of staff can do about it.

use std::path::PathBuf;

use crate::keys::KeyId;

/// A rule of the programme model is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {problem}")]
pub struct ProgrammeError {
    /// Where: e.g. "session 3 `s03-urges`, phase Main work" or "tool `abc`".
    pub at: String,
    /// What is wrong there.
    pub problem: String,
}

/// A content pack was refused, or could not be read or installed.
///
/// Whatever the variant, nothing of the refused pack was installed and the
/// content store is as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// The pack file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The pack file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a tar archive or ends early.
    #[error("the pack is damaged or incomplete ({0}); copy it to the USB stick again")]
    Truncated(String),
    /// The archive is not laid out as a pack's archive is: a malformed
    /// header, an oversized extension header, or bytes outside any entry.
    #[error("the pack's archive is malformed: {0}; the pack is not genuine")]
    Malformed(String),
    /// The archive does not start with `manifest.json` then `manifest.sig`.
    #[error("the pack does not start with manifest.json and manifest.sig (found `{found}` at entry {index}); this is not an InsideOut content pack")]
    NotAPack {
        /// Position of the entry, from 1.
        index: usize,
        /// What was there instead.
        found: String,
    },
    /// The manifest or signature is bigger than any real one.
    #[error("{what} is {size} bytes, over the limit of {limit}; the pack is not genuine")]
    HeaderTooLarge {
        /// `manifest.json` or `manifest.sig`.
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The signature file is not a minisign signature.
    #[error("manifest.sig is not a valid signature; the pack is damaged or was not signed: ask the content team for a signed pack")]
    SignatureMalformed,
    /// Signed, but by a key this kiosk does not trust.
    #[error("the pack is signed by key {}, which is not a trusted key here (trusted: {trusted}); ask the content team which key signed it", .signer.map(|k| k.to_string()).unwrap_or_else(|| "(unreadable)".into()))]
    UntrustedSigner {
        /// The key id in the signature, if readable.
        signer: Option<KeyId>,
        /// The trusted key ids, comma-separated.
        trusted: String,
    },
    /// Signed by a key the content team retired when they rotated to a new one.
    #[error("the pack is signed by key {0}, which the content team retired when they moved to a new key; this kiosk no longer accepts it: ask the content team for a pack signed with their current key")]
    RetiredSigner(KeyId),
    /// The pack carries a key rotation that no trusted key signed.
    #[error("the pack is signed by key {signer} and carries a key rotation from key {}, which is not a trusted key here (trusted: {trusted}); the rotation was refused and nothing changed", .from.map(|k| k.to_string()).unwrap_or_else(|| "(none)".into()))]
    UntrustedRotation {
        /// The key the first rotation retires, if there is one.
        from: Option<KeyId>,
        /// The key that signed the manifest.
        signer: KeyId,
        /// The trusted key ids, comma-separated.
        trusted: String,
    },
    /// A key rotation statement cannot be read.
    #[error("the pack's key rotations cannot be read ({0}); ask the content team to build the pack again")]
    RotationMalformed(String),
    /// A key rotation does not match its signature.
    #[error("key rotation {index} does not match its signature by key {key}: it was changed after it was signed, or not signed by that key; do not use this pack")]
    RotationInvalid {
        /// Which rotation, from 1.
        index: usize,
        /// The key it claims to retire.
        key: KeyId,
    },
    /// A chain of key rotations with a gap.
    #[error("key rotation {index} starts from key {found}, but the rotation before it handed over to key {expected}: give the rotations oldest first, each from the key the one before moved to, ending with the key that signs the pack")]
    RotationChainBroken {
        /// Which rotation, from 1 (one past the last: the pack's signer).
        index: usize,
        /// The key the chain had reached.
        expected: KeyId,
        /// The key found instead.
        found: KeyId,
    },
    /// A key rotation back to a key already retired.
    #[error("key rotation {index} hands over to key {key}, which the content team has retired; this kiosk does not go back to a retired key")]
    RotationToRetired {
        /// Which rotation, from 1.
        index: usize,
        /// The retired key.
        key: KeyId,
    },
    /// The signature does not match the manifest: it was changed after signing.
    #[error("the signature does not match the manifest (key {0}): the pack was changed after it was signed; do not use it")]
    SignatureInvalid(KeyId),
    /// The manifest names another signer than the key that signed it.
    #[error("the manifest says it is signed by key {named}, but key {signer} signed it; the pack was not built by `insideout-provision pack build`: ask the content team to build it again")]
    SignerMismatch {
        /// The key id the manifest names.
        named: String,
        /// The key that signed it.
        signer: KeyId,
    },
    /// The signed manifest is not valid JSON of the expected shape.
    #[error(
        "the signed manifest cannot be read ({0}); the pack was built by an incompatible tool"
    )]
    ManifestInvalid(String),
    /// The manifest's format version is not one this software reads.
    #[error("pack format {found} is not supported (this kiosk reads format {supported}); update the kiosk software first")]
    UnsupportedFormat {
        /// The pack's format version.
        found: u32,
        /// The version this build reads.
        supported: u32,
    },
    /// Made for another product.
    #[error("this pack is for `{found}`, not `{expected}`; use a pack made for this kiosk")]
    WrongProduct {
        /// The pack's `compatible` string.
        found: String,
        /// This kiosk's product string.
        expected: String,
    },
    /// The manifest lists a file path that is not allowed.
    #[error("the manifest lists `{path}`: {reason}; the pack is not genuine")]
    BadPath {
        /// The path as written.
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// An archive entry is not a plain file or folder.
    #[error("entry `{path}` is a {kind}, which packs may not contain; the pack is not genuine")]
    ForbiddenEntry {
        /// The entry path.
        path: String,
        /// E.g. "symbolic link", "device".
        kind: &'static str,
    },
    /// An archive entry has a path that is not allowed.
    #[error("entry `{path}`: {reason}; the pack is not genuine")]
    UnsafePath {
        /// The entry path as written (lossy).
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// The same path appears twice.
    #[error("entry `{0}` appears twice; the pack is not genuine")]
    DuplicateEntry(String),
    /// An entry that the manifest does not list.
    #[error("entry `{0}` is not listed in the signed manifest; the pack is not genuine")]
    UnlistedEntry(String),
    /// A listed file is missing from the archive.
    #[error("file `{0}` listed in the manifest is missing; the pack is incomplete: copy it again")]
    MissingFile(String),
    /// An entry's size differs from the manifest.
    #[error("file `{path}` is {actual} bytes but the manifest says {expected}; the pack is damaged or was changed")]
    SizeMismatch {
        /// The file.
        path: String,
        /// Size in the manifest.
        expected: u64,
        /// Size in the archive.
        actual: u64,
    },
    /// An entry's SHA-256 differs from the manifest.
    #[error(
        "file `{0}` does not match its SHA-256 in the manifest; the pack is damaged or was changed"
    )]
    HashMismatch(String),
    /// Limits on size or count were exceeded.
    #[error("{0}; the pack is too large for this kiosk")]
    OverLimit(String),
    /// The pack's expiry date has passed.
    #[error("this pack expired on {expires} (the kiosk's time is {now}); ask the content team for a current pack")]
    Expired {
        /// The pack's expiry.
        expires: String,
        /// The time it was checked against (the kiosk clock, or the newest
        /// creation time already installed if the clock is behind it).
        now: String,
    },
    /// The pack says it was made more than a day after the kiosk's time.
    #[error("this pack says it was made on {created}, more than a day after the kiosk's time ({now}); check the kiosk's date and time, or ask the content team for a pack with the right date")]
    CreatedInFuture {
        /// The pack's creation time.
        created: String,
        /// The kiosk's time.
        now: String,
    },
    /// The version is not newer than the installed one.
    #[error("this pack is version {offered}, but version {installed} is installed; only a newer version can be installed")]
    NotNewer {
        /// The pack's version.
        offered: u64,
        /// The installed version.
        installed: u64,
    },
    /// The signed programme fails validation (a content-team mistake).
    #[error(
        "the programme in the pack is not valid: {0}; ask the content team to fix and re-sign it"
    )]
    Programme(#[from] ProgrammeError),
    /// The install was stopped before the switch; the old pack is still installed.
    #[error("the import was cancelled; the programme already installed is unchanged")]
    Cancelled,
    /// A file system operation in the content store failed.
    #[error("cannot write the content store at {path}: {source}; the programme already installed is unchanged")]
    Store {
        /// The path being written.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The installed content is damaged (for example edited on disk).
    #[error(
        "the installed content at {path} is damaged ({problem}); import the content pack again"
    )]
    InstalledDamaged {
        /// The file or folder.
        path: PathBuf,
        /// What is wrong.
        problem: String,
    },
}

impl PackError {
    pub(crate) fn store(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> PackError {
        let path = path.into();
        move |source| PackError::Store { path, source }
    }
}
