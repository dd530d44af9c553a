//! `kiosk init`, the facilitator commands and `kiosk trust`: glue over
//! `kiosk_core::provision`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use attendance_export::pseudonym::PseudonymKey;
use clap::Args;
use clap::Subcommand;
use kiosk_core::provision::{
    facilitators, init_kiosk, remove_facilitator, set_facilitator_pin, trust_key, trusted_key_ids,
    untrust_key,
};
use kiosk_core::{InitOptions, Overwrite, PinChange};

/// `--data-dir DIR`, shared by the kiosk commands.
#[derive(Args)]
pub struct DataDir {
    /// The kiosk's data directory.
    #[arg(long, value_name = "DIR")]
    pub data_dir: PathBuf,
}

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub dir: DataDir,
    /// The prison, e.g. "HMP Example".
    #[arg(long)]
    pub site: String,
    /// The wing, e.g. "B".
    #[arg(long)]
    pub wing: String,
    /// A public key (.pub) whose content packs this kiosk accepts; repeat for more.
    #[arg(long = "trusted-key", value_name = "PUB", required = true)]
    pub trusted_keys: Vec<PathBuf>,
    /// Minutes without input before the kiosk locks.
    #[arg(long, default_value_t = kiosk_core::config::DEFAULT_IDLE_MINUTES)]
    pub idle_minutes: u32,
    /// Where USB sticks are mounted.
    #[arg(long, value_name = "DIR", default_value = kiosk_core::config::DEFAULT_USB_DIR)]
    pub usb_dir: PathBuf,
    /// The language the kiosk starts in, and goes back to at each sign-out:
    /// en (English) or cy (Welsh). The sign-in and run screens switch it.
    #[arg(long, value_name = "CODE", default_value = "en")]
    pub language: content_pack::Language,
    /// Replace an existing kiosk in this folder (deletes its attendance records and keys).
    #[arg(long)]
    pub force: bool,
    /// The prison's site pseudonym key (from `site keygen`): give every
    /// kiosk of one prison the same key and the report counts each person
    /// once across wings. Without it the kiosk makes its own, and people
    /// are counted per kiosk.
    #[arg(long, value_name = "FILE")]
    pub pseudonym_key: Option<PathBuf>,
}

#[derive(Args)]
pub struct AddFacilitatorArgs {
    #[command(flatten)]
    pub dir: DataDir,
    /// The facilitator's staff id (never a name).
    #[arg(long)]
    pub id: String,
}

pub fn init(a: InitArgs) -> anyhow::Result<()> {
    let trusted_keys = a
        .trusted_keys
        .iter()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let opts = InitOptions {
        site: a.site,
        wing: a.wing,
        trusted_keys,
        idle_minutes: a.idle_minutes,
        language: a.language,
        usb_dir: a.usb_dir,
        overwrite: if a.force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        },
        pseudonym_key: a
            .pseudonym_key
            .as_deref()
            .map(PseudonymKey::read)
            .transpose()?,
    };
    let id = init_kiosk(&a.dir.data_dir, &opts, chrono::Utc::now())?;
    let people = match &opts.pseudonym_key {
        Some(k) => format!(
            "it uses site pseudonym key {}, so people are counted once across the kiosks that share it",
            k.id()
        ),
        None => "it has its own pseudonym key, so its people are counted apart from other kiosks'"
            .to_owned(),
    };
    crate::emit(&format!(
        "Kiosk ready in {} (export key {}; its public key is {}/kiosk.pub; {people}).\n\
         Give the service a copy of kiosk.pub named {}.pub (site_wing), for `export report --kiosk-keys`.\n\
         Next: add facilitators with `insideout-provision kiosk add-facilitator`.",
        a.dir.data_dir.display(),
        id.key_id,
        a.dir.data_dir.display(),
        attendance_export::keyring::key_file_stem(&opts.site, &opts.wing),
    ))
}

fn read_pin() -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let pin = rpassword::prompt_password("New PIN (6 to 12 digits): ")
            .context("cannot read the PIN")?;
        let again =
            rpassword::prompt_password("Same PIN again: ").context("cannot read the PIN")?;
        if pin != again {
            anyhow::bail!("the two PINs differ; nothing was changed");
        }
        return Ok(pin);
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("cannot read the PIN from standard input")?;
    let pin = line.trim_end_matches(['\n', '\r']).to_owned();
    if pin.is_empty() {
        anyhow::bail!("no PIN on standard input: give the PIN on one line");
    }
    Ok(pin)
}

pub fn add_facilitator(a: AddFacilitatorArgs) -> anyhow::Result<()> {
    let pin = read_pin()?;
    let change = set_facilitator_pin(&a.dir.data_dir, &a.id, &pin, chrono::Utc::now())?;
    crate::emit(&match change {
        PinChange::Added => format!("Facilitator {} added.", a.id),
        PinChange::Rotated => format!("Facilitator {}'s PIN was changed.", a.id),
    })
}

#[derive(Args)]
pub struct RemoveFacilitatorArgs {
    #[command(flatten)]
    pub dir: DataDir,
    /// The facilitator's staff id.
    #[arg(long)]
    pub id: String,
}

/// `kiosk trust …`: which content teams' keys this kiosk accepts packs from.
#[derive(Subcommand)]
pub enum TrustCommand {
    /// List the trusted keys' ids.
    List(DataDir),
    /// Trust one more key (nothing else on the kiosk changes).
    Add {
        #[command(flatten)]
        dir: DataDir,
        /// The key's public key file (.pub).
        #[arg(long, value_name = "PUB")]
        key: PathBuf,
    },
    /// Stop trusting a key (the last one cannot be removed).
    Remove {
        #[command(flatten)]
        dir: DataDir,
        /// The key's id, as `kiosk trust list` shows it.
        #[arg(long, value_name = "ID")]
        key_id: String,
    },
}

pub fn list_facilitators(a: DataDir) -> anyhow::Result<()> {
    let list = facilitators(&a.data_dir)?;
    if list.is_empty() {
        return crate::emit("No facilitators yet: add one with `kiosk add-facilitator`.");
    }
    let now = chrono::Utc::now();
    let mut text = format!(
        "{:<32} {:<17} {:<17} {}",
        "id", "added", "PIN last set", "sign-in"
    );
    for f in list {
        let state = match f.locked_until.filter(|t| *t > now) {
            Some(t) => format!(
                "locked until {} (a new PIN unlocks it)",
                t.format("%H:%M:%S UTC")
            ),
            None => "open".into(),
        };
        text.push_str(&format!(
            "\n{:<32} {:<17} {:<17} {state}",
            f.id,
            f.added.format("%Y-%m-%d %H:%M"),
            f.pin_changed.format("%Y-%m-%d %H:%M")
        ));
    }
    crate::emit(&text)
}

pub fn remove_facilitator_cmd(a: RemoveFacilitatorArgs) -> anyhow::Result<()> {
    remove_facilitator(&a.dir.data_dir, &a.id, chrono::Utc::now())?;
    crate::emit(&format!(
        "Facilitator {} removed: their PIN no longer works.",
        a.id
    ))
}

pub fn trust(command: TrustCommand) -> anyhow::Result<()> {
    match command {
        TrustCommand::List(dir) => {
            let mut lines: Vec<String> = trusted_key_ids(&dir.data_dir)?
                .iter()
                .map(ToString::to_string)
                .collect();
            let config = kiosk_core::KioskConfig::load(&kiosk_core::DataDir::new(&dir.data_dir))?;
            lines.extend(
                config
                    .retired_keys
                    .iter()
                    .map(|id| format!("{id} (retired by a key rotation: never accepted again)")),
            );
            crate::emit(&lines.join("\n"))
        }
        TrustCommand::Add { dir, key } => {
            let text = std::fs::read_to_string(&key)
                .with_context(|| format!("cannot read {}", key.display()))?;
            let id = trust_key(&dir.data_dir, &text, chrono::Utc::now())?;
            crate::emit(&format!(
                "Key {id} is trusted now: packs it signs can be imported (from the next import)."
            ))
        }
        TrustCommand::Remove { dir, key_id } => {
            untrust_key(&dir.data_dir, &key_id, chrono::Utc::now())?;
            crate::emit(&format!(
                "Key {key_id} is no longer trusted: packs it signs are refused. The installed programme stays."
            ))
        }
    }
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub dir: DataDir,
    /// The staff member's age public key file (from `age-keygen -y KEY > STAFF.pub`).
    #[arg(long, value_name = "STAFF.pub")]
    pub to_recipient: PathBuf,
    /// The backup file to write (a new file).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The staff member's age key file (made by `age-keygen`).
    #[arg(long, value_name = "KEY")]
    pub identity: PathBuf,
    /// The new kiosk's data directory (new, or empty).
    #[command(flatten)]
    pub dir: DataDir,
}

pub fn backup(a: BackupArgs) -> anyhow::Result<()> {
    let recipient = std::fs::read_to_string(&a.to_recipient)
        .with_context(|| format!("cannot read {}", a.to_recipient.display()))?;
    let m = kiosk_core::backup::backup(&a.dir.data_dir, &recipient, &a.out, chrono::Utc::now())?;
    crate::emit(&format!(
        "Backed up the kiosk of {} {} to {} (encrypted to {}): its settings, keys, secret and database. Keep it as securely as the prison's own records.",
        m.site,
        m.wing,
        a.out.display(),
        a.to_recipient.display()
    ))
}

pub fn restore(a: RestoreArgs) -> anyhow::Result<()> {
    let identity = std::fs::read_to_string(&a.identity)
        .with_context(|| format!("cannot read {}", a.identity.display()))?;
    let m = kiosk_core::backup::restore(&a.from, &identity, &a.dir.data_dir, chrono::Utc::now())?;
    crate::emit(&format!(
        "Restored the kiosk of {} {} (backed up {}) into {}. Next: import the programme from the content team's stick, then start the kiosk.",
        m.site,
        m.wing,
        m.created.format("%Y-%m-%d %H:%M UTC"),
        a.dir.data_dir.display()
    ))
}
