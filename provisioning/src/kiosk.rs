//! `kiosk init` and `kiosk add-facilitator`: glue over `kiosk_core::provision`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use kiosk_core::provision::{init_kiosk, set_facilitator_pin};
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
    /// Replace an existing kiosk in this folder (deletes its attendance records and keys).
    #[arg(long)]
    pub force: bool,
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
        usb_dir: a.usb_dir,
        overwrite: if a.force {
            Overwrite::Replace
        } else {
            Overwrite::Refuse
        },
    };
    let id = init_kiosk(&a.dir.data_dir, &opts, chrono::Utc::now())?;
    crate::emit(&format!(
        "Kiosk ready in {} (export key {}; its public key is {}/kiosk.pub).\n\
         Next: add facilitators with `insideout-provision kiosk add-facilitator`.",
        a.dir.data_dir.display(),
        id.key_id,
        a.dir.data_dir.display()
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
