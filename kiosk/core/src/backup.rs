//! Backing up a kiosk and rebuilding it on new hardware.
//!
//! A backup is one file in the age format, encrypted to a staff member's age
//! public key (`age-keygen` makes the pair; the secret half never comes near
//! the kiosk). Inside is a tar archive of what makes this kiosk this kiosk:
//!
//! ```text
//! backup.json   format, when, site, wing, the kiosk's export key id
//! kiosk.toml    its settings and trusted content keys
//! kiosk.key     its export signing key (and kiosk.pub)
//! secret        its pseudonymisation secret: the same prison number gives
//!               the same pseudonym after a restore
//! kiosk.db      a consistent copy of the database (`VACUUM INTO`), with
//!               the attendance not yet exported
//! ```
//!
//! The installed programme is not in it: after a restore, import the pack
//! from the content team's stick again. [`restore`] reads only those names,
//! each once and within a size limit, and writes them as [`init_kiosk`]
//! would, private to the kiosk user; it never replaces a kiosk.
//!
//! [`init_kiosk`]: crate::provision::init_kiosk

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use content_pack::ContentStore;
use serde::{Deserialize, Serialize};

use crate::config::{DataDir, KioskConfig};
use crate::db::{AuditEvent, Db};
pub use crate::error::BackupError;
use crate::error::KioskError;

/// The backup format this build writes and reads.
pub const BACKUP_FORMAT: u32 = 1;
const MANIFEST: &str = "backup.json";
const KIND: &str = "insideout-kiosk-backup";
/// The files of a data folder in a backup, besides [`MANIFEST`].
const FILES: [&str; 5] = ["kiosk.toml", "kiosk.key", "kiosk.pub", "secret", "kiosk.db"];
/// Largest file restored (the database; the others are a few hundred bytes).
const MAX_FILE_BYTES: u64 = 16 << 30;

/// What a backup says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupManifest {
    /// See [`BACKUP_FORMAT`].
    pub format: u32,
    /// Always `insideout-kiosk-backup`.
    pub kind: String,
    /// When the backup was made.
    pub created: DateTime<Utc>,
    /// The kiosk's prison.
    pub site: String,
    /// The kiosk's wing.
    pub wing: String,
}

/// Writes a backup of the kiosk at `root`, encrypted to the age public key
/// `recipient` (the text of its `.pub` file), to `out` (a new file).
pub fn backup(
    root: &Path,
    recipient: &str,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<BackupManifest, KioskError> {
    let dir = DataDir::new(root);
    let config = KioskConfig::load(&dir)?;
    let recipient_line = recipient
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default();
    let recipient = age::x25519::Recipient::from_str(recipient_line).map_err(|_| {
        BackupError::NotARecipient(content_pack::untrusted::shown_str(recipient_line))
    })?;
    let manifest = BackupManifest {
        format: BACKUP_FORMAT,
        kind: KIND.into(),
        created: now,
        site: config.site.clone(),
        wing: config.wing.clone(),
    };

    // A consistent copy of the database, made inside the private folder.
    let snapshot = root.join("kiosk.db.backup");
    remove_if_exists(&snapshot)?;
    let db = Db::open(&dir.database())?;
    db.snapshot_to(&snapshot)?;
    let result = (|| {
        let tmp = out.with_extension("partial");
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(KioskError::io(&tmp))?;
        let written = write_archive(&file, &recipient, &manifest, &dir, &snapshot)
            .and_then(|()| file.sync_all().map_err(KioskError::io(&tmp)));
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        if out.exists() {
            let _ = fs::remove_file(&tmp);
            return Err(KioskError::InvalidSetting(format!(
                "{} already exists; choose a new file name",
                out.display()
            )));
        }
        fs::rename(&tmp, out).map_err(KioskError::io(out))
    })();
    let _ = fs::remove_file(&snapshot);
    result?;
    db.audit(now, AuditEvent::BackedUp)?;
    Ok(manifest)
}

fn write_archive(
    file: &File,
    recipient: &age::x25519::Recipient,
    manifest: &BackupManifest,
    dir: &DataDir,
    snapshot: &Path,
) -> Result<(), KioskError> {
    let encrypt = |e: &dyn std::fmt::Display| BackupError::Encrypt(e.to_string());
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
            .map_err(|e| encrypt(&e))?;
    let mut stream = encryptor
        .wrap_output(std::io::BufWriter::new(file))
        .map_err(|e| encrypt(&e))?;
    {
        let mut tar = tar::Builder::new(&mut stream);
        let manifest_json = serde_json::to_vec_pretty(manifest).map_err(|e| encrypt(&e))?;
        let mut append = |name: &str, data: &mut dyn Read, size: u64| {
            let mut header = tar::Header::new_ustar();
            header.set_size(size);
            header.set_mode(0o600);
            header.set_mtime(manifest.created.timestamp().max(0) as u64);
            header.set_entry_type(tar::EntryType::Regular);
            tar.append_data(&mut header, name, data)
                .map_err(|e| encrypt(&e))
        };
        append(
            MANIFEST,
            &mut &manifest_json[..],
            manifest_json.len() as u64,
        )?;
        for name in FILES {
            let path = if name == "kiosk.db" {
                snapshot.to_owned()
            } else {
                dir.root().join(name)
            };
            let f = File::open(&path).map_err(KioskError::io(&path))?;
            let size = f.metadata().map_err(KioskError::io(&path))?.len();
            append(name, &mut f.take(size), size)?;
        }
        tar.finish().map_err(|e| encrypt(&e))?;
    }
    let mut inner = stream.finish().map_err(|e| encrypt(&e))?;
    inner.flush().map_err(|e| encrypt(&e))?;
    Ok(())
}

/// Rebuilds a kiosk in `root` (a new or empty folder) from a backup, with
/// the age identity `identity` (the text of the staff member's key file).
/// The installed programme is not in a backup: import it again afterwards.
pub fn restore(
    backup_file: &Path,
    identity: &str,
    root: &Path,
    now: DateTime<Utc>,
) -> Result<BackupManifest, KioskError> {
    let identity = identity
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .and_then(|l| age::x25519::Identity::from_str(l).ok())
        .ok_or_else(|| BackupError::NotAnIdentity("the key file".into()))?;
    if root.exists() {
        let mut entries = fs::read_dir(root).map_err(KioskError::io(root))?;
        if entries.next().is_some() {
            return Err(BackupError::NotEmpty(root.to_owned()).into());
        }
    }
    let file =
        content_pack::untrusted::open_regular(backup_file).map_err(KioskError::io(backup_file))?;
    let decrypt = |e: &dyn std::fmt::Display| BackupError::Decrypt(e.to_string());
    let decryptor =
        age::Decryptor::new_buffered(std::io::BufReader::new(file)).map_err(|e| decrypt(&e))?;
    let reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| decrypt(&e))?;
    let files = read_archive(reader)?;
    let manifest: BackupManifest = serde_json::from_slice(&files[MANIFEST])
        .map_err(|e| BackupError::NotABackup(format!("{MANIFEST}: {e}")))?;
    if manifest.format != BACKUP_FORMAT || manifest.kind != KIND {
        return Err(BackupError::NotABackup(format!(
            "format {} `{}`; this version restores format {BACKUP_FORMAT}",
            manifest.format,
            content_pack::untrusted::shown_str(&manifest.kind)
        ))
        .into());
    }

    fs::create_dir_all(root).map_err(KioskError::io(root))?;
    fs::set_permissions(root, fs::Permissions::from_mode(0o700)).map_err(KioskError::io(root))?;
    // kiosk.toml last, as `kiosk init` does: a half-restored folder is not a kiosk.
    for name in FILES
        .iter()
        .filter(|n| **n != "kiosk.toml")
        .chain(["kiosk.toml"].iter())
    {
        let path = root.join(name);
        let mode = if *name == "kiosk.pub" { 0o644 } else { 0o600 };
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&path)
            .map_err(KioskError::io(&path))?;
        f.write_all(&files[*name])
            .and_then(|()| f.sync_all())
            .map_err(KioskError::io(&path))?;
        if *name == "kiosk.db" {
            ContentStore::open(&DataDir::new(root).content())?;
        }
    }
    File::open(root)
        .and_then(|d| d.sync_all())
        .map_err(KioskError::io(root))?;
    let dir = DataDir::new(root);
    KioskConfig::load(&dir)?;
    Db::open(&dir.database())?.audit(now, AuditEvent::Restored(manifest.created))?;
    Ok(manifest)
}

/// The backup's archive: exactly [`MANIFEST`] and [`FILES`], each a plain
/// file, once, within the size limit.
fn read_archive(reader: impl Read) -> Result<BTreeMap<&'static str, Vec<u8>>, KioskError> {
    let bad = |what: String| BackupError::NotABackup(what);
    let mut files = BTreeMap::new();
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().map_err(|e| bad(e.to_string()))? {
        let mut entry = entry.map_err(|e| bad(e.to_string()))?;
        let raw = entry.path_bytes().into_owned();
        let name = [MANIFEST]
            .into_iter()
            .chain(FILES)
            .find(|n| n.as_bytes() == raw.as_slice())
            .ok_or_else(|| {
                bad(format!(
                    "it holds `{}`",
                    content_pack::untrusted::shown(&raw)
                ))
            })?;
        if entry.header().entry_type() != tar::EntryType::Regular
            || entry.size() > MAX_FILE_BYTES
            || files.contains_key(name)
        {
            return Err(bad(format!("`{name}` is not one plain file of a sensible size")).into());
        }
        let mut bytes = Vec::new();
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| bad(e.to_string()))?;
        files.insert(name, bytes);
    }
    if let Some(missing) = [MANIFEST]
        .into_iter()
        .chain(FILES)
        .find(|n| !files.contains_key(n))
    {
        return Err(bad(format!("`{missing}` is missing")).into());
    }
    Ok(files)
}

fn remove_if_exists(path: &Path) -> Result<(), KioskError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(KioskError::io(path)(e)),
        _ => Ok(()),
    }
}
