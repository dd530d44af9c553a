//! `export verify` and `export report`: glue over `content_pack::bundle` and
//! `kiosk_core::report`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use content_pack::untrusted::shown_str;
use content_pack::{open_bundle, verify_bundle, BundleTrust, TrustedKey, TrustedKeys};
use kiosk_core::report::build_report;

#[derive(Args)]
pub struct VerifyArgs {
    /// The export folder (insideout-export_…).
    pub export_dir: PathBuf,
    /// The kiosk's public key (its kiosk.pub); repeat to accept any of several kiosks.
    #[arg(long = "kiosk-key", value_name = "PUB", required = true)]
    pub kiosk_keys: Vec<PathBuf>,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Export folders to aggregate.
    #[arg(required = true, value_name = "EXPORT_DIR")]
    pub export_dirs: Vec<PathBuf>,
    /// Kiosk public keys: when given, every bundle's signature must check
    /// against one of them; without them only the file hashes are checked.
    #[arg(long = "kiosk-key", value_name = "PUB")]
    pub kiosk_keys: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

fn keys(paths: &[PathBuf]) -> anyhow::Result<TrustedKeys> {
    Ok(TrustedKeys::new(
        paths
            .iter()
            .map(|p| TrustedKey::from_file(p))
            .collect::<Result<Vec<_>, _>>()?,
    ))
}

pub fn verify(a: VerifyArgs) -> anyhow::Result<()> {
    let keys = keys(&a.kiosk_keys)?;
    let b = verify_bundle(&a.export_dir, &keys)
        .with_context(|| format!("{} is refused", a.export_dir.display()))?;
    let m = b.manifest();
    let mut text = format!(
        "OK: export from {} {} made {}, signed by kiosk key {}; every file matches",
        shown_str(&m.site),
        shown_str(&m.wing),
        m.created.format("%Y-%m-%d %H:%M UTC"),
        m.kiosk_key_id
    );
    if !b.ignored().is_empty() {
        text.push_str(&format!(
            "\nignored (added by a Mac or Windows computer, not part of the export): {}",
            b.ignored().join(", ")
        ));
    }
    crate::emit(&text)
}

pub fn report(a: ReportArgs) -> anyhow::Result<()> {
    let keys = keys(&a.kiosk_keys)?;
    let trust = if a.kiosk_keys.is_empty() {
        eprintln!("note: no --kiosk-key given: file hashes are checked, signatures are not");
        BundleTrust::FilesOnly
    } else {
        BundleTrust::SignedBy(&keys)
    };
    let bundles = a
        .export_dirs
        .iter()
        .map(|d| open_bundle(d, trust).with_context(|| format!("{} is refused", d.display())))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let report = build_report(&bundles)?;
    if a.json {
        crate::emit(&serde_json::to_string_pretty(&report)?)
    } else {
        crate::emit(&report.to_string())
    }
}
