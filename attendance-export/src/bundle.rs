//! The attendance export bundle: a folder a kiosk writes to a USB stick and a
//! service reads back.
//!
//! ```text
//! insideout-export_HMP-Example_B_20261122-091500Z/
//!   attendance.csv   one row per attendance (pseudonyms only)
//!   sessions.csv     one row per session delivered
//!   summary.json     counts and the period covered
//!   manifest.json    format, kiosk key id, pseudonym key id, site, wing,
//!                    every file's size and SHA-256
//!   manifest.sig     minisign signature of manifest.json by the kiosk's key
//! ```
//!
//! The record types here ([`SessionRecord`], [`AttendanceRecord`],
//! [`ExportSummary`]) are the export format: the kiosk's internal types are
//! not serialisable, so the format changes only when these do.
//!
//! [`BundleWriter`] writes under a temporary name, fsyncs every file and the
//! folder, and renames into place, so a stick pulled out half-way never holds
//! a bundle that looks complete. [`open_bundle`] checks the signature over
//! the exact manifest bytes first, that the signature file is in the
//! canonical form this crate writes, and that the folder holds exactly the
//! listed files; it returns an [`OpenedBundle`], whose files can only be read
//! through [`OpenedBundle::stream`], which checks size and SHA-256 as the
//! bytes go by and fails at the end if they differ. The report reads each
//! file once this way and counts a bundle only once every file has ended
//! cleanly, so a 600 MiB export is never held in memory. [`verify_bundle`]
//! does all of that and reads every file to its end: any changed byte is
//! refused.
//!
//! Format 2 added the pseudonym key id to the manifest and the points and
//! group feedback to `sessions.csv`; format 1 bundles (from kiosks before
//! that) are still read, their people counted per kiosk.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use content_pack::keys::{KeyId, SignatureProblem, SigningKey, TrustedKeys};
use content_pack::manifest::{FileEntry, MANIFEST_NAME, PRODUCT, SIGNATURE_NAME};
use content_pack::untrusted::{open_regular, shown_str};

/// Export format version this build writes.
pub const EXPORT_FORMAT: u32 = 2;
/// The oldest export format this build reads.
pub const OLDEST_EXPORT_FORMAT: u32 = 1;
/// The `kind` of an export manifest (a pack manifest can never pass for one).
pub const EXPORT_KIND: &str = "insideout-attendance-export";
/// Attendance rows.
pub const ATTENDANCE_FILE: &str = "attendance.csv";
/// Session rows.
pub const SESSIONS_FILE: &str = "sessions.csv";
/// Summary.
pub const SUMMARY_FILE: &str = "summary.json";
/// The columns of `attendance.csv`, in the order of [`AttendanceRecord`]'s fields.
pub const ATTENDANCE_COLUMNS: [&str; 7] = [
    "run_id",
    "date",
    "site",
    "wing",
    "session_id",
    "participant",
    "left_early",
];
/// How every bundle folder's name starts.
pub const BUNDLE_PREFIX: &str = "insideout-export_";
/// How the name of a bundle still being written starts.
pub const PARTIAL_PREFIX: &str = ".partial-";
/// The files every bundle holds besides the manifest and signature.
pub const BUNDLE_FILES: [&str; 3] = [ATTENDANCE_FILE, SESSIONS_FILE, SUMMARY_FILE];
/// Largest manifest or signature read before verification.
const MAX_HEADER_BYTES: u64 = 64 << 10;

/// The contents of an export's `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportManifest {
    /// See [`EXPORT_FORMAT`].
    pub format: u32,
    /// See [`EXPORT_KIND`].
    pub kind: String,
    /// The product that wrote it; see [`PRODUCT`].
    pub compatible: String,
    /// The kiosk key that signed it (16 hex digits).
    pub kiosk_key_id: String,
    /// The id of the key the kiosk makes pseudonyms with (16 hex digits; see
    /// [`crate::PseudonymKeyId`]): bundles with the same id have the same
    /// pseudonym for the same person. Empty in format 1.
    #[serde(default)]
    pub pseudonym_key_id: String,
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// When the export was made.
    pub created: DateTime<Utc>,
    /// `new` (rows not exported before) or `all`.
    pub scope: String,
    /// Every file, with size and SHA-256.
    pub files: Vec<FileEntry>,
}

/// One session delivered (a row of `sessions.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Unique id of this delivery (stable across re-exports).
    pub run_id: String,
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// Programme session id.
    pub session_id: String,
    /// Programme session number.
    pub session_number: u32,
    /// Programme version it was run from.
    pub pack_version: u64,
    /// Facilitator id (staff, not a participant).
    pub facilitator_id: String,
    /// Start (RFC 3339, UTC).
    pub started: DateTime<Utc>,
    /// End (RFC 3339, UTC).
    pub ended: DateTime<Utc>,
    /// Planned minutes.
    pub planned_minutes: u32,
    /// Minutes it actually took.
    pub elapsed_minutes: u32,
    /// Phases reached.
    pub phases_completed: u32,
    /// Phases in the session.
    pub phase_count: u32,
    /// Tool ids used, separated by `;`.
    pub tools_used: String,
    /// Attendees (including anonymous ones and those who left early).
    pub attended: u32,
    /// Of whom anonymous.
    pub anonymous: u32,
    /// Of whom left early.
    pub left_early: u32,
    /// The points the session works on, as numbers 1–4 separated by `;`
    /// (empty in format 1).
    #[serde(default)]
    pub points: String,
    /// "How was today?" at check-out, a show of hands: helped. Empty if the
    /// group was not asked.
    #[serde(default)]
    pub feedback_helped: Option<u32>,
    /// … it was OK.
    #[serde(default)]
    pub feedback_ok: Option<u32>,
    /// … it did not help.
    #[serde(default)]
    pub feedback_not_helped: Option<u32>,
}

/// One attendance (a row of `attendance.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttendanceRecord {
    /// The session delivery ([`SessionRecord::run_id`]).
    pub run_id: String,
    /// Day of the session (YYYY-MM-DD, UTC).
    pub date: String,
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// Programme session id.
    pub session_id: String,
    /// The participant's pseudonym on this kiosk (64 hex digits), or empty for
    /// an anonymous attendee.
    pub participant: String,
    /// Left before the end.
    pub left_early: bool,
}

/// The contents of `summary.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportSummary {
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// The kiosk key id.
    pub kiosk_key_id: String,
    /// The pseudonym key id (empty in format 1).
    #[serde(default)]
    pub pseudonym_key_id: String,
    /// When the export was made.
    pub created: DateTime<Utc>,
    /// `new` or `all`.
    pub scope: String,
    /// Rows in `sessions.csv`.
    pub sessions: u64,
    /// Rows in `attendance.csv`.
    pub attendances: u64,
    /// Start of the first session in the bundle.
    pub first_started: Option<DateTime<Utc>>,
    /// End of the last session in the bundle.
    pub last_ended: Option<DateTime<Utc>>,
}

/// An export bundle could not be written, or was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BundleError {
    /// Writing failed (stick full, read-only, pulled out).
    #[error("cannot write {path}: {cause}")]
    Write {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        cause: io::Error,
    },
    /// Reading failed.
    #[error("cannot read {path}: {cause}; check the folder is a complete export")]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        cause: io::Error,
    },
    /// Signing failed.
    #[error("could not sign the export: {0}")]
    Sign(content_pack::KeyError),
    /// `manifest.sig` is not a minisign signature in the canonical form.
    #[error("manifest.sig is damaged or was changed; the export cannot be trusted: ask for it to be exported again")]
    SignatureMalformed,
    /// Signed by another key.
    #[error("the export is signed by key {}, not by the kiosk key given ({expected}); check you have the right kiosk's key", .signer.map(|k| k.to_string()).unwrap_or_else(|| "(unreadable)".into()))]
    WrongKey {
        /// The key in the signature.
        signer: Option<KeyId>,
        /// The key(s) given.
        expected: String,
    },
    /// The signature does not match the manifest.
    #[error("the signature does not match manifest.json: the export was changed after it was made; do not use it")]
    SignatureInvalid,
    /// The signed manifest is not a valid export manifest.
    #[error("manifest.json is not an export manifest this version reads ({0})")]
    ManifestInvalid(String),
    /// A listed file is missing.
    #[error("{0} is missing from the export; it is incomplete: export it again (on the kiosk's home screen, Export everything again)")]
    MissingFile(String),
    /// A file that is not listed.
    #[error(
        "{0} is in the export folder but not in its signed manifest; remove it, or export it again (on the kiosk's home screen, Export everything again)"
    )]
    UnlistedFile(String),
    /// A file's size or hash differs from the manifest.
    #[error(
        "{0} does not match the signed manifest: it was changed or damaged; do not use this export"
    )]
    FileChanged(String),
}

fn write_err(path: &Path) -> impl FnOnce(io::Error) -> BundleError + '_ {
    move |cause| BundleError::Write {
        path: path.to_owned(),
        cause,
    }
}

fn read_err(path: &Path) -> impl FnOnce(io::Error) -> BundleError + '_ {
    move |cause| BundleError::Read {
        path: path.to_owned(),
        cause,
    }
}

/// The folder name for an export: FAT32-safe (letters, digits, `-`, `_`; no `:`).
pub fn bundle_dir_name(site: &str, wing: &str, created: DateTime<Utc>) -> String {
    format!(
        "{BUNDLE_PREFIX}{}_{}",
        crate::keyring::key_file_stem(site, wing),
        created.format("%Y%m%d-%H%M%SZ")
    )
}

/// A writer that hashes and counts what passes through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    size: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Writes one bundle: files into a temporary folder, then sign and rename.
pub struct BundleWriter {
    parent: PathBuf,
    temp: PathBuf,
    name: String,
    files: Vec<FileEntry>,
}

impl BundleWriter {
    /// Starts a bundle in `parent` (the USB folder). The final name is
    /// `name`, or `name-2`, `name-3`… if that exists.
    pub fn create(parent: &Path, name: &str) -> Result<BundleWriter, BundleError> {
        let mut final_name = name.to_owned();
        let mut n = 2;
        while parent.join(&final_name).exists() {
            final_name = format!("{name}-{n}");
            n += 1;
        }
        let temp = parent.join(format!("{PARTIAL_PREFIX}{final_name}"));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(write_err(&temp))?;
        }
        fs::create_dir(&temp).map_err(write_err(&temp))?;
        Ok(BundleWriter {
            parent: parent.to_owned(),
            temp,
            name: final_name,
            files: Vec::new(),
        })
    }

    /// The temporary folder being written.
    pub fn temp_dir(&self) -> &Path {
        &self.temp
    }

    /// Writes file `name` with `fill`, fsyncs it and records its hash.
    pub fn add_file(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), BundleError> {
        let path = self.temp.join(name);
        let file = File::create(&path).map_err(write_err(&path))?;
        let mut w = Hashing {
            inner: BufWriter::with_capacity(1 << 20, file),
            hasher: Sha256::new(),
            size: 0,
        };
        fill(&mut w).map_err(write_err(&path))?;
        let file = w
            .inner
            .into_inner()
            .map_err(|e| e.into_error())
            .map_err(write_err(&path))?;
        file.sync_all().map_err(write_err(&path))?;
        self.files.push(FileEntry {
            path: name.to_owned(),
            size: w.size,
            sha256: hex::encode(w.hasher.finalize()),
        });
        Ok(())
    }

    /// Writes and signs the manifest, fsyncs, and renames the folder into
    /// place. Returns the final folder. Until this returns `Ok`, no folder
    /// with the final name exists.
    pub fn finish(
        mut self,
        key: &SigningKey,
        pseudonym_key_id: &str,
        site: &str,
        wing: &str,
        created: DateTime<Utc>,
        scope: &str,
    ) -> Result<PathBuf, BundleError> {
        let manifest = ExportManifest {
            format: EXPORT_FORMAT,
            kind: EXPORT_KIND.into(),
            compatible: PRODUCT.into(),
            kiosk_key_id: key.key_id().to_string(),
            pseudonym_key_id: pseudonym_key_id.into(),
            site: site.into(),
            wing: wing.into(),
            created,
            scope: scope.into(),
            files: std::mem::take(&mut self.files),
        };
        let bytes = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| BundleError::ManifestInvalid(e.to_string()))?;
        let sig = key
            .sign(&bytes, &trusted_comment(&manifest))
            .map_err(BundleError::Sign)?;
        for (name, data) in [
            (MANIFEST_NAME, &bytes[..]),
            (SIGNATURE_NAME, sig.as_bytes()),
        ] {
            let path = self.temp.join(name);
            let mut f = File::create(&path).map_err(write_err(&path))?;
            f.write_all(data).map_err(write_err(&path))?;
            f.sync_all().map_err(write_err(&path))?;
        }
        sync_dir(&self.temp)?;
        let dest = self.parent.join(&self.name);
        fs::rename(&self.temp, &dest).map_err(write_err(&dest))?;
        sync_dir(&self.parent)?;
        Ok(dest)
    }

    /// Removes the temporary folder (after a failure).
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.temp);
    }
}

fn trusted_comment(m: &ExportManifest) -> String {
    format!(
        "InsideOut export {} {} {}",
        m.site,
        m.wing,
        m.created.to_rfc3339()
    )
}

fn sync_dir(dir: &Path) -> Result<(), BundleError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(write_err(dir))
}

/// A bundle whose signature (unless opened with [`BundleTrust::FilesOnly`]),
/// manifest and file list were checked; its files are checked as they are
/// read, through [`OpenedBundle::stream`].
#[derive(Debug)]
pub struct OpenedBundle {
    dir: PathBuf,
    manifest: ExportManifest,
    signer: Option<KeyId>,
    ignored: Vec<String>,
}

/// A bundle every byte of which was checked ([`verify_bundle`]).
#[derive(Debug)]
pub struct VerifiedBundle(OpenedBundle);

impl std::ops::Deref for VerifiedBundle {
    type Target = OpenedBundle;
    fn deref(&self) -> &OpenedBundle {
        &self.0
    }
}

impl OpenedBundle {
    /// The signed manifest.
    pub fn manifest(&self) -> &ExportManifest {
        &self.manifest
    }
    /// The key whose signature was checked (`None` if only the files were).
    pub fn signer(&self) -> Option<KeyId> {
        self.signer
    }
    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// Files in the folder that were not read because another computer
    /// adds them to every folder (see [`is_clutter`]), escaped for display.
    pub fn ignored(&self) -> &[String] {
        &self.ignored
    }
    /// Opens one of [`BUNDLE_FILES`] for reading. The reader yields at most
    /// the listed size, and its last read fails with
    /// [`io::ErrorKind::InvalidData`] (carrying [`BundleError::FileChanged`])
    /// if the size or SHA-256 differs from the manifest: use nothing read
    /// from it unless it reached its end cleanly.
    pub fn stream(&self, name: &str) -> Result<CheckedFile, BundleError> {
        let entry = self
            .manifest
            .files
            .iter()
            .find(|f| f.path == name)
            .ok_or_else(|| BundleError::MissingFile(name.to_owned()))?;
        let path = self.dir.join(&entry.path);
        let file = open_file(&path)?;
        Ok(CheckedFile {
            inner: file.take(entry.size + 1),
            name: entry.path.clone(),
            size: entry.size,
            sha256: entry.sha256.clone(),
            hasher: Sha256::new(),
            read: 0,
            checked: false,
        })
    }
    /// Reads one file whole, checking it. For small files and tests; the
    /// report streams.
    pub fn read(&self, name: &str) -> Result<Vec<u8>, BundleError> {
        let mut bytes = Vec::new();
        self.stream(name)?
            .read_to_end(&mut bytes)
            .map_err(|e| from_stream_error(name, &self.dir, e))?;
        Ok(bytes)
    }
    /// Reads every file to its end, checking size and SHA-256.
    pub fn verify_files(self) -> Result<VerifiedBundle, BundleError> {
        for f in &self.manifest.files {
            io::copy(&mut self.stream(&f.path)?, &mut io::sink())
                .map_err(|e| from_stream_error(&f.path, &self.dir, e))?;
        }
        Ok(VerifiedBundle(self))
    }
}

/// The error a [`CheckedFile`] read ended with, as a [`BundleError`].
pub fn from_stream_error(name: &str, dir: &Path, e: io::Error) -> BundleError {
    match e.into_inner() {
        Some(inner) => match inner.downcast::<BundleError>() {
            Ok(b) => *b,
            Err(other) => BundleError::Read {
                path: dir.join(name),
                cause: io::Error::other(other),
            },
        },
        None => BundleError::FileChanged(name.to_owned()),
    }
}

/// One bundle file being read, checked against the manifest as it goes.
pub struct CheckedFile {
    inner: io::Take<File>,
    name: String,
    size: u64,
    sha256: String,
    hasher: Sha256,
    read: u64,
    checked: bool,
}

impl Read for CheckedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.size {
            return Err(changed(&self.name));
        }
        self.hasher.update(&buf[..n]);
        if n == 0 && !buf.is_empty() && !self.checked {
            self.checked = true;
            let digest = hex::encode(std::mem::take(&mut self.hasher).finalize());
            if self.read != self.size || digest != self.sha256 {
                return Err(changed(&self.name));
            }
        }
        Ok(n)
    }
}

fn changed(name: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        BundleError::FileChanged(name.to_owned()),
    )
}

fn open_file(path: &Path) -> Result<File, BundleError> {
    open_regular(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => BundleError::MissingFile(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ),
        _ => BundleError::Read {
            path: path.to_owned(),
            cause: e,
        },
    })
}

fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, BundleError> {
    let mut bytes = Vec::new();
    open_file(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err(path))?;
    if bytes.len() as u64 > limit {
        return Err(BundleError::ManifestInvalid(format!(
            "{} is larger than any genuine one",
            path.display()
        )));
    }
    Ok(bytes)
}

/// How much of a bundle [`open_bundle`] checks.
#[derive(Clone, Copy)]
pub enum BundleTrust<'a> {
    /// The signature by one of these kiosk keys, then every file.
    SignedBy(&'a TrustedKeys),
    /// Only that the files match the manifest (when the kiosk's public key
    /// is not at hand): proves the bundle is intact, not who made it.
    FilesOnly,
}

/// Checks a bundle: signature by one of `keys` over the exact manifest bytes,
/// the manifest's kind and format, exactly the listed files in the folder,
/// and each file's size and SHA-256.
pub fn verify_bundle(dir: &Path, keys: &TrustedKeys) -> Result<VerifiedBundle, BundleError> {
    open_bundle(dir, BundleTrust::SignedBy(keys))?.verify_files()
}

/// Opens a bundle, checking as much as `trust` says of its signature, its
/// manifest and its file list; the files are checked as they are read.
pub fn open_bundle(dir: &Path, trust: BundleTrust<'_>) -> Result<OpenedBundle, BundleError> {
    let sig_bytes = read_limited(&dir.join(SIGNATURE_NAME), MAX_HEADER_BYTES)?;
    let manifest_bytes = read_limited(&dir.join(MANIFEST_NAME), MAX_HEADER_BYTES)?;
    let sig = std::str::from_utf8(&sig_bytes).map_err(|_| BundleError::SignatureMalformed)?;
    let lines: Vec<&str> = sig.split('\n').collect();
    let signer = match trust {
        BundleTrust::FilesOnly => None,
        BundleTrust::SignedBy(keys) => {
            let signer = keys.verify(&manifest_bytes, sig).map_err(|p| match p {
                SignatureProblem::Malformed => BundleError::SignatureMalformed,
                SignatureProblem::UntrustedKey(signer) => BundleError::WrongKey {
                    signer,
                    expected: keys.ids_text(),
                },
                // Export keys are never retired; a key that is counts as not expected.
                SignatureProblem::Retired(signer) => BundleError::WrongKey {
                    signer: Some(signer),
                    expected: keys.ids_text(),
                },
                SignatureProblem::Invalid(_) => BundleError::SignatureInvalid,
            })?;
            // `verify` accepted only the canonical form we write (untrusted
            // comment and line endings included), so no byte can change.
            Some(signer)
        }
    };
    let manifest: ExportManifest = serde_json::from_slice(&manifest_bytes)
        .map_err(|e| BundleError::ManifestInvalid(e.to_string()))?;
    if !(OLDEST_EXPORT_FORMAT..=EXPORT_FORMAT).contains(&manifest.format)
        || manifest.kind != EXPORT_KIND
    {
        return Err(BundleError::ManifestInvalid(format!(
            "format {} kind `{}`; this version reads formats {OLDEST_EXPORT_FORMAT} to {EXPORT_FORMAT} `{EXPORT_KIND}`",
            manifest.format, manifest.kind
        )));
    }
    let key_id_ok = match manifest.format {
        1 => manifest.pseudonym_key_id.is_empty(),
        _ => crate::PseudonymKeyId::parse(&manifest.pseudonym_key_id).is_some(),
    };
    if !key_id_ok {
        return Err(BundleError::ManifestInvalid(
            "its pseudonym key id is not 16 hex digits".into(),
        ));
    }
    if let Some(signer) = signer {
        if manifest.kiosk_key_id != signer.to_string() {
            return Err(BundleError::ManifestInvalid(
                "the manifest names another key than the one that signed it".into(),
            ));
        }
        if lines.get(2).copied()
            != Some(&format!("trusted comment: {}", trusted_comment(&manifest)))
        {
            return Err(BundleError::SignatureMalformed);
        }
    }
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for name in BUNDLE_FILES {
        if !listed.contains(&name) {
            return Err(BundleError::MissingFile(name.into()));
        }
    }
    if listed.len() != BUNDLE_FILES.len() {
        return Err(BundleError::ManifestInvalid(
            "it lists files other than the three export files".into(),
        ));
    }
    let mut ignored = Vec::new();
    for entry in fs::read_dir(dir).map_err(read_err(dir))? {
        let entry = entry.map_err(read_err(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == MANIFEST_NAME || name == SIGNATURE_NAME || listed.contains(&name.as_str()) {
            continue;
        }
        if is_clutter(&name) {
            ignored.push(shown_str(&name));
        } else {
            return Err(BundleError::UnlistedFile(shown_str(&name)));
        }
    }
    ignored.sort();
    Ok(OpenedBundle {
        dir: dir.to_owned(),
        manifest,
        signer,
        ignored,
    })
}

/// Files other computers add to any folder they open: macOS (`._*` and
/// `.DS_Store`) and Windows (`Thumbs.db`, `desktop.ini`). They are not part
/// of a bundle, and are ignored (and listed as ignored) rather than
/// refusing a genuine bundle that has been looked at on such a computer.
pub fn is_clutter(name: &str) -> bool {
    name.starts_with("._")
        || [".DS_Store", "Thumbs.db", "desktop.ini"]
            .iter()
            .any(|c| name.eq_ignore_ascii_case(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_columns_match_the_record_type() {
        // serde_json keeps field order, as the csv crate does for headers.
        let rec = AttendanceRecord {
            run_id: String::new(),
            date: String::new(),
            site: String::new(),
            wing: String::new(),
            session_id: String::new(),
            participant: String::new(),
            left_early: false,
        };
        let v = serde_json::to_value(&rec).unwrap();
        let json = serde_json::to_string(&v).unwrap();
        let text = serde_json::to_string(&rec).unwrap();
        assert_eq!(v.as_object().unwrap().len(), ATTENDANCE_COLUMNS.len());
        let mut at = 0;
        for col in ATTENDANCE_COLUMNS {
            let pos = text[at..].find(&format!("\"{col}\"")).map(|p| p + at);
            assert!(pos.is_some(), "{col} out of order in {text} ({json})");
            at = pos.unwrap_or(at);
        }
    }
}
