//! Building and signing a pack (the content team's side).
//!
//! The archive is written deterministically (fixed owner, mode and time) to a
//! temporary file next to the output, synced, then renamed into place, so a
//! half-written pack never carries the final name. [`build_new_pack_from_source`]
//! never replaces a file already at the output's name.

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::error::ProgrammeError;
use crate::keys::KeyError;
use crate::keys::SigningKey;
use crate::manifest::{
    Approval, FileEntry, Manifest, PackPath, FORMAT_VERSION, MANIFEST_NAME, PRODUCT,
    PROGRAMME_NAME, SIGNATURE_NAME,
};
use crate::programme::Programme;

/// What goes into a pack.
pub struct PackInput<'a> {
    /// The programme line's id, e.g. `insideout-sample`.
    pub pack_id: &'a str,
    /// Who approved the content.
    pub approval: &'a Approval,
    /// The programme (validated again here).
    pub programme: &'a Programme,
    /// Media files: their path in the pack and on disk.
    pub media: &'a [(PackPath, PathBuf)],
}

/// Release details chosen when building.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The pack version; must be above the version installed on kiosks.
    pub version: u64,
    /// Build time recorded in the manifest.
    pub created: DateTime<Utc>,
    /// Optional expiry.
    pub expires: Option<DateTime<Utc>>,
    /// Key rotations to carry (the text of `.rotation` files, oldest first),
    /// ending with the key the pack is signed with: kiosks that trust the
    /// first key move to it when they install the pack.
    pub rotations: Vec<String>,
}

/// A pack could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The programme breaks a rule.
    #[error("the programme is not valid: {0}")]
    Programme(#[from] ProgrammeError),
    /// A phase names a media file that is not in the source.
    #[error("media file `{0}` is used by the programme but is not in the source's media/ folder")]
    MissingMedia(String),
    /// The key could not sign.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// Reading a source file or writing the pack failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A media file changed between hashing and packing.
    #[error("{0} changed while the pack was being built; build again")]
    Changed(PathBuf),
    /// The expiry is not after the creation time.
    #[error("the expiry {0} is not after the build time; choose a later expiry")]
    ExpiryInPast(String),
    /// Version 0 is reserved.
    #[error("the version must be 1 or more")]
    ZeroVersion,
    /// The key rotations given do not make a chain to the signing key.
    #[error("the key rotations cannot go in the pack: {0}")]
    Rotation(#[from] crate::error::PackError),
    /// Something is already at the output's name, and it may not be replaced.
    #[error("{0} already exists and was left as it is; choose another name for the pack, or remove the old file first")]
    Exists(PathBuf),
}

/// What to do when the output's name is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    /// Refuse, leaving what is there.
    Refuse,
    /// Replace it, in one rename.
    Replace,
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Hashes a file, calling `progress` with the bytes read so far.
fn hash_file(path: &Path, progress: &mut dyn FnMut(u64)) -> Result<(u64, String), BuildError> {
    let mut file = File::open(path).map_err(io_err(path))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io_err(path))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        progress(n as u64);
    }
    Ok((size, hex::encode(hasher.finalize())))
}

fn header(size: u64, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_uid(0);
    h.set_gid(0);
    h.set_mtime(mtime);
    h
}

/// Builds and signs a pack at `out`, replacing any file of that name.
/// `progress` gets (bytes done, total).
pub fn build_pack(
    input: &PackInput<'_>,
    options: &BuildOptions,
    key: &SigningKey,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Manifest, BuildError> {
    build(input, options, key, out, Existing::Replace, progress)
}

fn build(
    input: &PackInput<'_>,
    options: &BuildOptions,
    key: &SigningKey,
    out: &Path,
    existing: Existing,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Manifest, BuildError> {
    if existing == Existing::Refuse && fs::symlink_metadata(out).is_ok() {
        return Err(BuildError::Exists(out.to_owned()));
    }
    if options.version == 0 {
        return Err(BuildError::ZeroVersion);
    }
    if let Some(expires) = options.expires {
        if expires <= options.created {
            return Err(BuildError::ExpiryInPast(expires.to_rfc3339()));
        }
    }
    input.programme.validate()?;
    for used in input.programme.media_paths() {
        if !input.media.iter().any(|(p, _)| p.as_str() == used) {
            return Err(BuildError::MissingMedia(used.to_owned()));
        }
    }
    let programme_json =
        serde_json::to_vec_pretty(input.programme).map_err(|e| BuildError::Io {
            path: PROGRAMME_NAME.into(),
            source: std::io::Error::other(e),
        })?;

    let mut media_total = 0u64;
    for (_, path) in input.media {
        media_total += fs::metadata(path).map_err(io_err(path))?.len();
    }
    let total = media_total * 2;
    let mut done = 0u64;

    let mut files = vec![FileEntry {
        path: PROGRAMME_NAME.into(),
        size: programme_json.len() as u64,
        sha256: hex::encode(Sha256::digest(&programme_json)),
    }];
    for (pack_path, path) in input.media {
        let (size, sha256) = hash_file(path, &mut |n| {
            done += n;
            progress(done, total);
        })?;
        files.push(FileEntry {
            path: pack_path.as_str().to_owned(),
            size,
            sha256,
        });
    }
    let manifest = Manifest {
        format: FORMAT_VERSION,
        pack_id: input.pack_id.to_owned(),
        compatible: PRODUCT.into(),
        version: options.version,
        created: options.created,
        expires: options.expires,
        approval: input.approval.clone(),
        signer_key_id: key.key_id().to_string(),
        files,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| BuildError::Io {
        path: MANIFEST_NAME.into(),
        source: std::io::Error::other(e),
    })?;
    let signature = key.sign(
        &manifest_json,
        &format!(
            "InsideOut pack {} version {} for {}",
            manifest.pack_id, manifest.version, PRODUCT
        ),
    )?;

    let rotations = if options.rotations.is_empty() {
        None
    } else {
        Some(crate::rotation::join_rotations(
            &options.rotations,
            key.key_id(),
        )?)
    };

    let tmp = out.with_extension("iopack.partial");
    let mtime = options.created.timestamp().max(0) as u64;
    let result = (|| {
        let file = File::create(&tmp).map_err(io_err(&tmp))?;
        let mut tar = tar::Builder::new(BufWriter::with_capacity(1 << 20, file));
        let mut append = |path: &str, size: u64, data: &mut dyn Read| {
            // append_data sets the path (with a long-name entry if needed)
            // and the checksum.
            tar.append_data(&mut header(size, mtime), path, data)
                .map_err(io_err(&tmp))
        };
        append(
            MANIFEST_NAME,
            manifest_json.len() as u64,
            &mut &manifest_json[..],
        )?;
        append(
            SIGNATURE_NAME,
            signature.len() as u64,
            &mut signature.as_bytes(),
        )?;
        if let Some(rotations) = &rotations {
            append(
                crate::rotation::ROTATIONS_NAME,
                rotations.len() as u64,
                &mut &rotations[..],
            )?;
        }
        append(
            PROGRAMME_NAME,
            programme_json.len() as u64,
            &mut &programme_json[..],
        )?;
        for ((pack_path, path), listed) in input.media.iter().zip(&manifest.files[1..]) {
            let file = File::open(path).map_err(io_err(path))?;
            // Hash again while packing: a file edited mid-build is caught.
            let mut on_read = |n| {
                done += n;
                progress(done, total);
            };
            let mut reader = crate::archive::HashingReader::new(ProgressReader {
                inner: file.take(listed.size),
                on_read: &mut on_read,
            });
            append(pack_path.as_str(), listed.size, &mut reader)?;
            reader
                .check(listed)
                .map_err(|_| BuildError::Changed(path.clone()))?;
        }
        let mut writer = tar.into_inner().map_err(io_err(&tmp))?;
        writer.flush().map_err(io_err(&tmp))?;
        let file = writer.into_inner().map_err(|e| BuildError::Io {
            path: tmp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(io_err(&tmp))?;
        match existing {
            Existing::Replace => fs::rename(&tmp, out).map_err(io_err(out)),
            Existing::Refuse => place_new(&tmp, out),
        }
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map(|()| manifest)
}

/// Gives `tmp` the name `out` only if nothing has it: a hard link cannot
/// replace a file, so a file made at `out` during the build is kept. Where
/// links cannot be made (FAT sticks), the name is checked just before the
/// rename.
fn place_new(tmp: &Path, out: &Path) -> Result<(), BuildError> {
    match fs::hard_link(tmp, out) {
        Ok(()) => {
            // The pack has its name; a temporary name left over is only untidy.
            let _ = fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(BuildError::Exists(out.to_owned()))
        }
        Err(_) if fs::symlink_metadata(out).is_ok() => Err(BuildError::Exists(out.to_owned())),
        Err(_) => fs::rename(tmp, out).map_err(io_err(out)),
    }
}

struct ProgressReader<'a, R> {
    inner: R,
    on_read: &'a mut dyn FnMut(u64),
}

impl<R: Read> Read for ProgressReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

/// Builds and signs a pack from a loaded source folder (see
/// [`crate::load_source`]), replacing any file at `out`.
pub fn build_pack_from_source(
    source: &crate::source::Source,
    options: &BuildOptions,
    key: &SigningKey,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Manifest, BuildError> {
    from_source(source, options, key, out, Existing::Replace, progress)
}

/// [`build_pack_from_source`], refused with [`BuildError::Exists`] if
/// anything has the name `out`, before the build or when it ends.
pub fn build_new_pack_from_source(
    source: &crate::source::Source,
    options: &BuildOptions,
    key: &SigningKey,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Manifest, BuildError> {
    from_source(source, options, key, out, Existing::Refuse, progress)
}

fn from_source(
    source: &crate::source::Source,
    options: &BuildOptions,
    key: &SigningKey,
    out: &Path,
    existing: Existing,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Manifest, BuildError> {
    let media: Vec<(PackPath, PathBuf)> = source
        .media
        .iter()
        .map(|m| (m.pack_path.clone(), m.file.clone()))
        .collect();
    let input = PackInput {
        pack_id: &source.pack_id,
        approval: &source.approval,
        programme: &source.programme,
        media: &media,
    };
    build(&input, options, key, out, existing, progress)
}
