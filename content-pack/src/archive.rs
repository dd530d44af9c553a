//! The safe pack reader: typestate from an untrusted file to a verified pack.
//!
//! [`UnverifiedPack::open`] reads only the first two entries, `manifest.json`
//! and `manifest.sig`, within tight size limits. [`UnverifiedPack::verify`]
//! checks the signature over the exact manifest bytes *before* parsing them.
//! Only a [`VerifiedPack`] exposes the manifest, and only it can stream the
//! remaining entries, each checked against the manifest by an allow-list:
//! plain files (and their parent folders) with safe relative paths, listed
//! once, with the listed size and SHA-256. Anything else rejects the whole
//! pack; nothing is ever skipped.
//!
//! The open file handle is kept from `open` to the end of streaming, so every
//! byte of the file is read once: a stick that changes its contents between
//! reads cannot get unverified bytes past the checks.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::error::PackError;
use crate::keys::{KeyId, SignatureProblem, TrustedKeys};
use crate::manifest::{
    parse_manifest, FileEntry, Manifest, PackPath, MANIFEST_NAME, PRODUCT, PROGRAMME_NAME,
    SIGNATURE_NAME,
};
use crate::programme::Programme;
use crate::rotation::{self, Rotation, MAX_ROTATIONS_BYTES, ROTATIONS_NAME};
use crate::tar_reader::{Header, Kind, TarReader};
use crate::untrusted;

/// Size limits applied to a pack before and while reading it.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest `manifest.json` accepted.
    pub max_manifest_bytes: u64,
    /// Largest `manifest.sig` accepted.
    pub max_signature_bytes: u64,
    /// Largest single file.
    pub max_file_bytes: u64,
    /// Largest total of all files.
    pub max_total_bytes: u64,
    /// Most files.
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 1 << 20,
            max_signature_bytes: 4 << 10,
            max_file_bytes: 2 << 30,
            max_total_bytes: 8 << 30,
            max_files: 10_000,
        }
    }
}

/// A pack file whose manifest and signature have been read but not trusted.
/// Nothing in it can be looked at until [`verify`](Self::verify) succeeds.
pub struct UnverifiedPack {
    path: PathBuf,
    file: File,
    manifest_bytes: Vec<u8>,
    signature: Vec<u8>,
    /// `key-rotations.toml`, if the pack carries key rotations.
    rotations: Option<Vec<u8>>,
    /// Byte offset of the first entry after `manifest.sig` (and the
    /// rotations).
    rest: u64,
    limits: Limits,
}

/// A pack whose manifest is signed by a trusted key and fits this kiosk.
/// Its files are still to be checked as they are streamed.
pub struct VerifiedPack {
    reader: Reader,
    signer: KeyId,
    rotations: Vec<Rotation>,
}

/// What `pack inspect` shows of a pack whose signature was *not* checked
/// (no trusted key was given). Display only: nothing can be installed from it.
#[derive(Debug)]
pub struct UntrustedInspection {
    /// The manifest, as the file claims it.
    pub manifest: Manifest,
    /// The programme, checked against the manifest's hash (but the manifest
    /// itself is unverified).
    pub programme: Programme,
}

/// An open pack with a parsed manifest; private, so only a verified pack or
/// an explicit untrusted inspection can reach it.
struct Reader {
    path: PathBuf,
    file: File,
    manifest_bytes: Vec<u8>,
    manifest: Manifest,
    /// Byte offset of the first entry after `manifest.sig`.
    rest: u64,
}

fn read_err(path: &Path) -> impl FnOnce(std::io::Error) -> PackError + '_ {
    move |source| PackError::Read {
        path: path.to_owned(),
        source,
    }
}

fn truncated(e: std::io::Error) -> PackError {
    PackError::Truncated(e.to_string())
}

impl UnverifiedPack {
    /// Opens a pack file and reads its manifest and signature (nothing else).
    pub fn open(path: &Path, limits: &Limits) -> Result<UnverifiedPack, PackError> {
        let file = untrusted::open_regular(path).map_err(read_err(path))?;
        let mut tar = TarReader::new(&file, 0, 64 << 10)?;
        let mut header_entry =
            |index: usize, name: &'static str, limit: u64| -> Result<Vec<u8>, PackError> {
                let Some(header) = tar.next(false)? else {
                    return Err(PackError::NotAPack {
                        index,
                        found: "the end of the archive".into(),
                    });
                };
                if header.name != name.as_bytes() || header.kind != Kind::File {
                    return Err(PackError::NotAPack {
                        index,
                        found: header.shown(),
                    });
                }
                if header.size > limit {
                    return Err(PackError::HeaderTooLarge {
                        what: name,
                        size: header.size,
                        limit,
                    });
                }
                let mut bytes = vec![0u8; header.size as usize];
                tar.data().read_exact(&mut bytes).map_err(truncated)?;
                Ok(bytes)
            };
        let manifest_bytes = header_entry(1, MANIFEST_NAME, limits.max_manifest_bytes)?;
        let signature = header_entry(2, SIGNATURE_NAME, limits.max_signature_bytes)?;
        tar.end_entry()?;
        // Key rotations, if any, come next; any other entry is the first of
        // the files, read again from here once the manifest is trusted.
        let mut rest = tar.position();
        let mut rotations = None;
        if let Some(header) = tar.next(false)? {
            if header.name == ROTATIONS_NAME.as_bytes() && header.kind == Kind::File {
                if header.size > MAX_ROTATIONS_BYTES {
                    return Err(PackError::HeaderTooLarge {
                        what: ROTATIONS_NAME,
                        size: header.size,
                        limit: MAX_ROTATIONS_BYTES,
                    });
                }
                let mut bytes = vec![0u8; header.size as usize];
                tar.data().read_exact(&mut bytes).map_err(truncated)?;
                tar.end_entry()?;
                rest = tar.position();
                rotations = Some(bytes);
            }
        }
        Ok(UnverifiedPack {
            path: path.to_owned(),
            file,
            manifest_bytes,
            signature,
            rotations,
            rest,
            limits: limits.clone(),
        })
    }

    /// Checks the signature over the exact manifest bytes, then parses the
    /// manifest and checks its format, product and size limits.
    pub fn verify(self, keys: &TrustedKeys) -> Result<VerifiedPack, PackError> {
        let sig =
            std::str::from_utf8(&self.signature).map_err(|_| PackError::SignatureMalformed)?;
        let problem = |p| match p {
            SignatureProblem::Malformed => PackError::SignatureMalformed,
            SignatureProblem::UntrustedKey(signer) => PackError::UntrustedSigner {
                signer,
                trusted: keys.ids_text(),
            },
            SignatureProblem::Invalid(k) => PackError::SignatureInvalid(k),
            SignatureProblem::Retired(k) => PackError::RetiredSigner(k),
        };
        // A key the kiosk does not trust yet may be reached through the
        // rotations the pack carries, each signed by the key before it.
        let (signer, rotations) = match (keys.verify(&self.manifest_bytes, sig), &self.rotations) {
            (Err(SignatureProblem::UntrustedKey(Some(signer))), Some(chain)) => {
                let walked = rotation::resolve(keys, chain, signer)?;
                let reached = walked.last().map(|r| r.to.clone());
                let signer = TrustedKeys::new(reached.into_iter().collect())
                    .verify(&self.manifest_bytes, sig)
                    .map_err(problem)?;
                (signer, walked)
            }
            (verified, _) => (verified.map_err(problem)?, Vec::new()),
        };
        // From here on the manifest bytes are trusted.
        let reader = self.into_reader()?;
        if reader.manifest.signer_key_id != signer.to_string() {
            return Err(PackError::SignerMismatch {
                named: untrusted::shown_str(&reader.manifest.signer_key_id),
                signer,
            });
        }
        Ok(VerifiedPack {
            reader,
            signer,
            rotations,
        })
    }

    /// Reads the manifest and programme WITHOUT checking the signature, for
    /// display by `insideout-provision pack inspect` when no trusted key is
    /// given. The same limits and file checks apply; the result cannot be
    /// installed.
    pub fn inspect_untrusted(self) -> Result<UntrustedInspection, PackError> {
        let reader = self.into_reader()?;
        let programme = reader.read_programme()?;
        Ok(UntrustedInspection {
            manifest: reader.manifest,
            programme,
        })
    }

    fn into_reader(self) -> Result<Reader, PackError> {
        let manifest = parse_manifest(&self.manifest_bytes)?;
        if manifest.compatible != PRODUCT {
            return Err(PackError::WrongProduct {
                found: manifest.compatible,
                expected: PRODUCT.into(),
            });
        }
        let limits = &self.limits;
        if manifest.files.len() > limits.max_files {
            return Err(PackError::OverLimit(format!(
                "it has {} files (the limit is {})",
                manifest.files.len(),
                limits.max_files
            )));
        }
        if let Some(f) = manifest
            .files
            .iter()
            .find(|f| f.size > limits.max_file_bytes)
        {
            return Err(PackError::OverLimit(format!(
                "file `{}` is {} bytes (the limit is {})",
                f.path, f.size, limits.max_file_bytes
            )));
        }
        let total = manifest
            .files
            .iter()
            .try_fold(0u64, |sum, f| sum.checked_add(f.size))
            .unwrap_or(u64::MAX);
        if total > limits.max_total_bytes {
            return Err(PackError::OverLimit(format!(
                "its files add up to {total} bytes (the limit is {})",
                limits.max_total_bytes
            )));
        }
        Ok(Reader {
            path: self.path,
            file: self.file,
            manifest_bytes: self.manifest_bytes,
            manifest,
            rest: self.rest,
        })
    }
}

/// Where one file's bytes sit in the archive.
struct Located<'m> {
    entry: &'m FileEntry,
    offset: u64,
}

/// Checks entries against the manifest as they are met. Shared by every way
/// of reading a pack, so they refuse exactly the same things.
struct EntryChecker<'m> {
    listed: HashMap<&'m str, &'m FileEntry>,
    folders: HashSet<String>,
    seen: HashSet<String>,
}

impl<'m> EntryChecker<'m> {
    fn new(manifest: &'m Manifest) -> Self {
        let listed: HashMap<_, _> = manifest
            .files
            .iter()
            .map(|f| (f.path.as_str(), f))
            .collect();
        let folders = manifest
            .files
            .iter()
            .flat_map(|f| {
                let parts: Vec<&str> = f.path.split('/').collect();
                (1..parts.len()).map(move |n| parts[..n].join("/"))
            })
            .collect();
        EntryChecker {
            listed,
            folders,
            seen: HashSet::new(),
        }
    }

    /// Returns the manifest entry for a file entry, `None` for an allowed
    /// folder, or the refusal.
    fn check(&mut self, entry: &Header) -> Result<Option<&'m FileEntry>, PackError> {
        let shown = entry.shown();
        let is_dir = entry.kind == Kind::Folder;
        let text = std::str::from_utf8(&entry.name).map_err(|_| PackError::UnsafePath {
            path: shown.clone(),
            reason: "the name is not valid UTF-8",
        })?;
        let text = if is_dir {
            text.strip_suffix('/').unwrap_or(text)
        } else {
            text
        };
        let path = PackPath::new(text).map_err(|reason| PackError::UnsafePath {
            path: shown.clone(),
            reason,
        })?;
        if !self.seen.insert(path.as_str().to_owned()) {
            return Err(PackError::DuplicateEntry(shown));
        }
        if is_dir {
            return if self.folders.contains(path.as_str()) {
                Ok(None)
            } else {
                Err(PackError::UnlistedEntry(shown))
            };
        }
        let listed = *self
            .listed
            .get(path.as_str())
            .ok_or(PackError::UnlistedEntry(shown))?;
        let actual = entry.size;
        if actual != listed.size {
            return Err(PackError::SizeMismatch {
                path: listed.path.clone(),
                expected: listed.size,
                actual,
            });
        }
        Ok(Some(listed))
    }

    fn finish(&self) -> Result<(), PackError> {
        // Report the first missing file in manifest order.
        let mut missing: Vec<&str> = self
            .listed
            .keys()
            .filter(|p| !self.seen.contains(**p))
            .copied()
            .collect();
        missing.sort_unstable();
        match missing.first() {
            Some(p) => Err(PackError::MissingFile((*p).to_owned())),
            None => Ok(()),
        }
    }
}

/// A reader that hashes what passes through it and counts bytes.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Sha256::new(),
            count: 0,
        }
    }

    /// Checks that exactly the listed bytes were read.
    pub(crate) fn check(self, entry: &FileEntry) -> Result<(), PackError> {
        if self.count != entry.size {
            return Err(PackError::Truncated(format!("`{}` ends early", entry.path)));
        }
        if hex::encode(self.hasher.finalize()) != entry.sha256 {
            return Err(PackError::HashMismatch(entry.path.clone()));
        }
        Ok(())
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }
}

impl VerifiedPack {
    /// The signed manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.reader.manifest
    }

    /// The exact signed bytes of `manifest.json`.
    pub fn manifest_bytes(&self) -> &[u8] {
        &self.reader.manifest_bytes
    }

    /// The trusted key that signed the manifest.
    pub fn signer(&self) -> KeyId {
        self.signer
    }

    /// The key rotations walked to reach the signer from a trusted key,
    /// oldest first (empty when the signer was trusted already). Installing
    /// the pack moves the kiosk to the signer and retires each `from`.
    pub fn rotations(&self) -> &[Rotation] {
        &self.rotations
    }

    /// The pack file.
    pub fn path(&self) -> &Path {
        &self.reader.path
    }

    /// Reads the whole pack, checking every file, and returns its programme
    /// (checked as [`checked_programme`] does).
    pub fn read_programme(&self) -> Result<Programme, PackError> {
        self.reader.read_programme()
    }

    /// Checks every file's size and SHA-256 without installing anything,
    /// hashing files on all cores, and returns the programme, checked as
    /// [`checked_programme`] does. `progress` gets (bytes done, total).
    pub fn check_contents(
        &self,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Programme, PackError> {
        self.reader.check_contents(progress)
    }

    pub(crate) fn stream(
        &self,
        sink: impl FnMut(&FileEntry, &mut dyn Read) -> Result<(), PackError>,
    ) -> Result<(), PackError> {
        self.reader.stream(sink)
    }
}

impl Reader {
    fn read_programme(&self) -> Result<Programme, PackError> {
        let mut bytes = Vec::new();
        self.stream(|entry, reader| {
            if entry.path == PROGRAMME_NAME {
                reader
                    .read_to_end(&mut bytes)
                    .map_err(|e| PackError::Truncated(e.to_string()))?;
            }
            Ok(())
        })?;
        checked_programme(&bytes, &self.manifest)
    }

    /// Streams every remaining entry once, in archive order, checking it
    /// against the manifest. `sink` receives each listed file with a reader
    /// of exactly its bytes; the bytes are hashed as they are read, and a
    /// mismatch is reported after the sink returns (so a sink must not act on
    /// a file until the whole stream has succeeded).
    fn stream(
        &self,
        mut sink: impl FnMut(&FileEntry, &mut dyn Read) -> Result<(), PackError>,
    ) -> Result<(), PackError> {
        let mut tar = TarReader::new(&self.file, self.rest, 1 << 20)?;
        let mut checker = EntryChecker::new(&self.manifest);
        while let Some(entry) = tar.next(false)? {
            let Some(listed) = checker.check(&entry)? else {
                continue;
            };
            let mut reader = HashingReader::new(tar.data());
            sink(listed, &mut reader)?;
            // Drain what the sink left, so the hash covers every byte.
            std::io::copy(&mut reader, &mut std::io::sink()).map_err(truncated)?;
            reader.check(listed)?;
        }
        checker.finish()
    }

    fn check_contents(&self, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<Programme, PackError> {
        let mut tar = TarReader::new(&self.file, self.rest, 64 << 10)?;
        let mut checker = EntryChecker::new(&self.manifest);
        let mut located = Vec::with_capacity(self.manifest.files.len());
        // Pass 1: the structure, seeking over the file data.
        while let Some(entry) = tar.next(true)? {
            if let Some(listed) = checker.check(&entry)? {
                located.push(Located {
                    entry: listed,
                    offset: entry.data_offset,
                });
            }
        }
        checker.finish()?;
        let file_len = self.file.metadata().map_err(read_err(&self.path))?.len();
        if let Some(l) = located.iter().find(|l| l.offset + l.entry.size > file_len) {
            return Err(PackError::Truncated(format!(
                "`{}` ends early",
                l.entry.path
            )));
        }
        // Pass 2: hash in parallel, splitting big files is not possible
        // (SHA-256 is sequential), so the unit of work is a file.
        let total = self.manifest.total_bytes();
        let done = std::sync::atomic::AtomicU64::new(0);
        located.sort_by_key(|l| std::cmp::Reverse(l.entry.size));
        // The programme's bytes are kept as they are hashed: read once, so
        // what is checked is what was hashed.
        let programme = std::sync::Mutex::new(Vec::new());
        // One read buffer per worker, not per file: a pack read aloud holds
        // thousands of small audio files.
        located.par_iter().try_for_each_init(Vec::new, |buf, l| {
            let keep = l.entry.path == PROGRAMME_NAME;
            let mut hasher = Sha256::new();
            buf.resize(1 << 20, 0);
            let mut pos = 0u64;
            while pos < l.entry.size {
                let want = (l.entry.size - pos).min(buf.len() as u64) as usize;
                let n = self
                    .file
                    .read_at(&mut buf[..want], l.offset + pos)
                    .map_err(read_err(&self.path))?;
                if n == 0 {
                    return Err(PackError::Truncated(format!(
                        "`{}` ends early",
                        l.entry.path
                    )));
                }
                hasher.update(&buf[..n]);
                if keep {
                    programme
                        .lock()
                        .map_err(|_| PackError::Truncated("a reading thread failed".into()))?
                        .extend_from_slice(&buf[..n]);
                }
                pos += n as u64;
                let so_far = done.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
                progress(so_far + n as u64, total);
            }
            if hex::encode(hasher.finalize()) != l.entry.sha256 {
                return Err(PackError::HashMismatch(l.entry.path.clone()));
            }
            Ok(())
        })?;
        let bytes = programme
            .into_inner()
            .map_err(|_| PackError::Truncated("a reading thread failed".into()))?;
        checked_programme(&bytes, &self.manifest)
    }
}

/// What a kiosk checks of a signed pack's programme before installing it:
/// it parses, follows the programme's rules, and every picture and sound it
/// names is in the pack.
pub(crate) fn checked_programme(bytes: &[u8], manifest: &Manifest) -> Result<Programme, PackError> {
    let programme: Programme = serde_json::from_slice(bytes)
        .map_err(|e| PackError::ManifestInvalid(format!("{PROGRAMME_NAME}: {e}")))?;
    programme.validate()?;
    if let Some(m) = programme
        .media_paths()
        .into_iter()
        .find(|m| manifest.file(m).is_none())
    {
        return Err(PackError::MissingFile(m.to_owned()));
    }
    Ok(programme)
}
