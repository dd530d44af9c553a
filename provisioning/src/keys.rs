//! `keygen`: make a minisign key pair for signing packs; `rotate-key`: the
//! old key's statement handing over to a new one.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use content_pack::{generate_keys, sign_rotation, KeyProtection, TrustedKey};

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (never leaves the signing machine).
    #[arg(long, value_name = "FILE")]
    secret_key: PathBuf,
    /// Where to write the public key (give this to kiosks).
    #[arg(long, value_name = "FILE")]
    public_key: PathBuf,
    /// Do not protect the secret key with a password (test and demo keys only).
    #[arg(long)]
    unencrypted: bool,
}

pub fn keygen(a: KeygenArgs) -> anyhow::Result<()> {
    for path in [&a.secret_key, &a.public_key] {
        if path.exists() {
            anyhow::bail!(
                "{} already exists; choose another name or move the old key away first",
                path.display()
            );
        }
    }
    let protection = if a.unencrypted {
        KeyProtection::Unencrypted
    } else {
        KeyProtection::Password(crate::password::new_password()?)
    };
    let keys = generate_keys(protection)?;
    write_new(&a.secret_key, &keys.secret_key, 0o600)?;
    write_new(&a.public_key, &keys.public_key, 0o644)?;
    crate::emit(&format!(
        "key {} written: secret {} (keep it offline), public {}",
        keys.key_id,
        a.secret_key.display(),
        a.public_key.display()
    ))
}

#[derive(Args)]
pub struct RotateKeyArgs {
    /// The content key being retired (asks for its password, or reads
    /// INSIDEOUT_KEY_PASSWORD).
    #[arg(long, value_name = "FILE")]
    secret_key: PathBuf,
    /// The public key of the content team's new key.
    #[arg(long, value_name = "FILE")]
    new_public_key: PathBuf,
    /// Where to write the rotation statement (*.rotation), for
    /// `pack build --rotation`.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

pub fn rotate_key(a: RotateKeyArgs) -> anyhow::Result<()> {
    if a.out.exists() {
        anyhow::bail!(
            "{} already exists; choose another name or move the old statement away first",
            a.out.display()
        );
    }
    let new = std::fs::read_to_string(&a.new_public_key)
        .with_context(|| format!("cannot read {}", a.new_public_key.display()))?;
    let new_id = TrustedKey::from_text(&new)
        .with_context(|| format!("{} is not a public key", a.new_public_key.display()))?
        .key_id();
    let old = crate::pack::load_key(&a.secret_key)?;
    let statement = sign_rotation(&old, &new, chrono::Utc::now())?;
    write_new(&a.out, &statement, 0o644)?;
    crate::emit(&format!(
        "rotation from key {} to key {new_id} written to {}: build the next packs with --secret-key for the new key and --rotation {}; kiosks move to the new key when they install one",
        old.key_id(),
        a.out.display(),
        a.out.display()
    ))
}

/// Creates `path` (refusing to replace a file) with `mode`, and syncs it.
pub fn write_new(path: &Path, text: &str, mode: u32) -> anyhow::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}
