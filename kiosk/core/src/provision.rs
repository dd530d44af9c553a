//! Provisioning a kiosk's data folder and its facilitators (used by
//! `insideout-provision kiosk …` and by the demo).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use content_pack::{generate_keys, ContentStore, KeyId, KeyProtection};

use crate::auth;
use crate::config::{DataDir, KioskConfig};
use crate::db::{AuditEvent, Db, FacilitatorInfo};
use crate::error::KioskError;
use attendance_export::pseudonym::PseudonymKey;

/// What to do when the folder already holds a kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse (the default).
    Refuse,
    /// Delete the old kiosk's files, including its attendance, and start again.
    Replace,
}

/// Settings for a new kiosk.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// The text of each trusted content key (`.pub` files).
    pub trusted_keys: Vec<String>,
    /// Idle minutes before locking.
    pub idle_minutes: u32,
    /// The language the kiosk starts in.
    pub language: content_pack::Language,
    /// Where USB sticks appear.
    pub usb_dir: PathBuf,
    /// Whether an existing kiosk may be replaced.
    pub overwrite: Overwrite,
    /// The prison's site pseudonym key (`site keygen`), shared by its
    /// kiosks so that a person is counted once across wings; `None` makes
    /// this kiosk its own, and its people are counted per kiosk.
    pub pseudonym_key: Option<PseudonymKey>,
}

/// The new kiosk's export key.
#[derive(Debug, Clone)]
pub struct KioskIdentity {
    /// Key id.
    pub key_id: KeyId,
    /// The public key text (also in `kiosk.pub`): give it to whoever verifies exports.
    pub public_key: String,
}

/// Whether `add-facilitator` added someone or changed a PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinChange {
    /// A new facilitator.
    Added,
    /// An existing facilitator's PIN was replaced.
    Rotated,
}

fn check_label(what: &str, s: &str) -> Result<(), KioskError> {
    crate::config::check_label(what, s).map_err(KioskError::InvalidSetting)
}

fn write_private(path: &Path, text: &[u8]) -> Result<(), KioskError> {
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(KioskError::io(path))?;
    f.write_all(text)
        .and_then(|()| f.sync_all())
        .map_err(KioskError::io(path))
}

/// Creates a kiosk data folder: `secret`, `kiosk.key`/`.pub`, `kiosk.db`,
/// `content/`, and last `kiosk.toml` (so a half-made folder is not a kiosk).
pub fn init_kiosk(
    root: &Path,
    opts: &InitOptions,
    now: DateTime<Utc>,
) -> Result<KioskIdentity, KioskError> {
    check_label("site", &opts.site)?;
    check_label("wing", &opts.wing)?;
    if opts.trusted_keys.is_empty() {
        return Err(KioskError::InvalidSetting(
            "give at least one trusted content key (--trusted-key)".into(),
        ));
    }
    if opts.idle_minutes == 0 {
        return Err(KioskError::InvalidSetting(
            "idle minutes must be at least 1".into(),
        ));
    }
    let dir = DataDir::new(root);
    let config = KioskConfig {
        idle_minutes: opts.idle_minutes,
        language: opts.language,
        ..KioskConfig::new(
            opts.site.clone(),
            opts.wing.clone(),
            opts.usb_dir.clone(),
            opts.trusted_keys.clone(),
        )
    };
    for (i, key) in opts.trusted_keys.iter().enumerate() {
        content_pack::TrustedKey::from_text(key)
            .map_err(|e| KioskError::InvalidSetting(format!("trusted key {}: {e}", i + 1)))?;
    }
    let db_path = dir.database();
    let existing = [
        dir.config(),
        db_path.clone(),
        dir.secret(),
        dir.signing_key(),
    ];
    if existing.iter().any(|p| p.exists()) {
        if opts.overwrite == Overwrite::Refuse {
            return Err(KioskError::AlreadyProvisioned(root.to_owned()));
        }
        let mut all = existing.to_vec();
        all.push(dir.public_key());
        all.push(root.join("kiosk.db-wal"));
        all.push(root.join("kiosk.db-shm"));
        for p in all {
            match fs::remove_file(&p) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(KioskError::io(&p)(e))
                }
                _ => {}
            }
        }
        let content = dir.content();
        if content.exists() {
            fs::remove_dir_all(&content).map_err(KioskError::io(&content))?;
        }
    }
    fs::create_dir_all(root).map_err(KioskError::io(root))?;
    // Only the kiosk's own user may read its data (pseudonyms, PIN hashes, keys).
    fs::set_permissions(root, fs::Permissions::from_mode(0o700)).map_err(KioskError::io(root))?;
    let pseudonym_key = opts
        .pseudonym_key
        .clone()
        .unwrap_or_else(PseudonymKey::generate);
    write_private(&dir.secret(), pseudonym_key.to_hex().as_bytes())?;
    let keys = generate_keys(KeyProtection::Unencrypted)?;
    write_private(&dir.signing_key(), keys.secret_key.as_bytes())?;
    fs::write(dir.public_key(), &keys.public_key).map_err(KioskError::io(dir.public_key()))?;
    // SQLite gives its -wal and -shm files the database file's permissions.
    write_private(&db_path, b"")?;
    let db = Db::open(&db_path)?;
    ContentStore::open(&dir.content())?;
    let tmp = root.join("kiosk.toml.tmp");
    fs::write(&tmp, config.to_toml()?).map_err(KioskError::io(&tmp))?;
    fs::rename(&tmp, dir.config()).map_err(KioskError::io(dir.config()))?;
    db.audit(now, AuditEvent::Provisioned)?;
    Ok(KioskIdentity {
        key_id: keys.key_id,
        public_key: keys.public_key,
    })
}

/// Checks a facilitator id: 1 to 32 letters, digits, `.`, `_` or `-`.
pub fn check_facilitator_id(id: &str) -> Result<(), KioskError> {
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(KioskError::InvalidSetting(
            "a facilitator id must be 1 to 32 letters, digits, `.`, `_` or `-` (a staff id, never a name)".into(),
        ))
    }
}

/// Adds a facilitator, or gives an existing one a new PIN. The PIN must pass
/// [`auth::check_new_pin`] and must not be another facilitator's PIN.
pub fn set_facilitator_pin(
    root: &Path,
    id: &str,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<PinChange, KioskError> {
    let dir = DataDir::new(root);
    KioskConfig::load(&dir)?;
    check_facilitator_id(id)?;
    auth::check_new_pin(pin)?;
    let db = Db::open(&dir.database())?;
    if db
        .facilitators()?
        .iter()
        .any(|(other, hash)| other != id && auth::pin_matches(pin, hash))
    {
        return Err(KioskError::PinInUse);
    }
    let hash = auth::hash_pin(pin)?;
    let rotated = db.set_facilitator(id, &hash, now)?;
    Ok(if rotated {
        db.audit(now, AuditEvent::PinRotated(id))?;
        PinChange::Rotated
    } else {
        db.audit(now, AuditEvent::FacilitatorAdded(id))?;
        PinChange::Added
    })
}

/// The facilitators of a kiosk, by id (never their PINs).
pub fn facilitators(root: &Path) -> Result<Vec<FacilitatorInfo>, KioskError> {
    let dir = DataDir::new(root);
    KioskConfig::load(&dir)?;
    Db::open(&dir.database())?.facilitator_list()
}

/// Removes a facilitator: their PIN stops working at once. Audited.
pub fn remove_facilitator(root: &Path, id: &str, now: DateTime<Utc>) -> Result<(), KioskError> {
    let dir = DataDir::new(root);
    KioskConfig::load(&dir)?;
    let db = Db::open(&dir.database())?;
    if !db.remove_facilitator(id)? {
        return Err(KioskError::InvalidSetting(format!(
            "there is no facilitator `{}` on this kiosk; `kiosk facilitators` lists them",
            content_pack::untrusted::shown_str(id)
        )));
    }
    db.audit(now, AuditEvent::FacilitatorRemoved(id))
}

/// The ids of the content keys a kiosk trusts, in `kiosk.toml`'s order.
pub fn trusted_key_ids(root: &Path) -> Result<Vec<KeyId>, KioskError> {
    let dir = DataDir::new(root);
    Ok(KioskConfig::load(&dir)?.trusted()?.ids())
}

/// Adds a trusted content key (the text of its `.pub` file) without touching
/// anything else: attendance, facilitators, the kiosk's own keys and the
/// installed programme stay. Audited; a key already trusted is refused.
pub fn trust_key(root: &Path, key_text: &str, now: DateTime<Utc>) -> Result<KeyId, KioskError> {
    let dir = DataDir::new(root);
    let config = KioskConfig::load(&dir)?;
    let key = content_pack::TrustedKey::from_text(key_text)
        .map_err(|e| KioskError::InvalidSetting(format!("the key to trust: {e}")))?;
    let id = key.key_id();
    if config.retired_keys.contains(&id.to_string()) {
        return Err(KioskError::InvalidSetting(format!(
            "key {id} was retired by a key rotation from the content team and cannot be trusted again; ask them for their current public key"
        )));
    }
    if config.trusted()?.ids().contains(&id) {
        return Err(KioskError::InvalidSetting(format!(
            "key {id} is already trusted here"
        )));
    }
    let mut keys = config.trusted_keys.clone();
    keys.push(key_text.trim_end().to_owned() + "\n");
    write_trusted_keys(&dir, &keys, None)?;
    Db::open(&dir.database())?.audit(now, AuditEvent::TrustAdded(&id.to_string()))?;
    Ok(id)
}

/// Stops trusting a content key: packs it signs are refused from now on
/// (the installed programme stays). Audited; the last trusted key cannot be
/// removed, or no pack could ever be installed again.
pub fn untrust_key(root: &Path, key_id: &str, now: DateTime<Utc>) -> Result<(), KioskError> {
    let dir = DataDir::new(root);
    let config = KioskConfig::load(&dir)?;
    let ids = config.trusted()?.ids();
    let Some(at) = ids
        .iter()
        .position(|id| id.to_string().eq_ignore_ascii_case(key_id))
    else {
        return Err(KioskError::InvalidSetting(format!(
            "key {} is not trusted here (trusted: {})",
            content_pack::untrusted::shown_str(key_id),
            config.trusted()?.ids_text()
        )));
    };
    if ids.len() == 1 {
        return Err(KioskError::InvalidSetting(format!(
            "key {} is the only trusted key: add its replacement first (`kiosk trust add`), then remove it",
            ids[at]
        )));
    }
    let mut keys = config.trusted_keys.clone();
    keys.remove(at);
    write_trusted_keys(&dir, &keys, None)?;
    Db::open(&dir.database())?.audit(now, AuditEvent::TrustRemoved(&ids[at].to_string()))
}

/// Moves the kiosk along content key rotations it has checked (oldest
/// first): each `from` key is retired and no longer trusted, and the last
/// key is trusted. Audited, one line per link.
pub(crate) fn follow_rotations(
    dir: &DataDir,
    rotations: &[content_pack::Rotation],
    db: &Db,
    now: DateTime<Utc>,
) -> Result<(), KioskError> {
    let Some(last) = rotations.last() else {
        return Ok(());
    };
    let config = KioskConfig::load(dir)?;
    let retiring: Vec<String> = rotations.iter().map(|r| r.from.to_string()).collect();
    let mut keys: Vec<String> = config
        .trusted_keys
        .iter()
        .filter(|text| {
            content_pack::TrustedKey::from_text(text)
                .map_or(true, |k| !retiring.contains(&k.key_id().to_string()))
        })
        .cloned()
        .collect();
    keys.push(last.to_public_key.clone());
    let mut retired = config.retired_keys.clone();
    retired.extend(
        retiring
            .into_iter()
            .filter(|id| !config.retired_keys.contains(id)),
    );
    write_trusted_keys(dir, &keys, Some(&retired))?;
    for r in rotations {
        db.audit(
            now,
            AuditEvent::KeyRotated {
                from: r.from.to_string(),
                to: r.to.key_id().to_string(),
            },
        )?;
    }
    Ok(())
}

/// Replaces `trusted_keys` (and `retired_keys`, if given) in `kiosk.toml`,
/// keeping every other line (and comment) as it was, through a synced
/// temporary file and a rename.
fn write_trusted_keys(
    dir: &DataDir,
    keys: &[String],
    retired: Option<&[String]>,
) -> Result<(), KioskError> {
    let path = dir.config();
    let text = fs::read_to_string(&path).map_err(KioskError::io(&path))?;
    let mut doc: toml_edit::DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| KioskError::Config {
                path: path.clone(),
                problem: e.to_string(),
            })?;
    let mut array = toml_edit::Array::new();
    for key in keys {
        array.push(key.as_str());
    }
    doc["trusted_keys"] = toml_edit::value(array);
    if let Some(retired) = retired {
        doc["retired_keys"] = toml_edit::value(retired.iter().collect::<toml_edit::Array>());
    }
    let tmp = dir.root().join("kiosk.toml.tmp");
    let mut f = fs::File::create(&tmp).map_err(KioskError::io(&tmp))?;
    f.write_all(doc.to_string().as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(KioskError::io(&tmp))?;
    fs::rename(&tmp, &path).map_err(KioskError::io(&path))?;
    fs::File::open(dir.root())
        .and_then(|d| d.sync_all())
        .map_err(KioskError::io(dir.root()))
}
