//! `export verify` and `export report`: glue over the `attendance-export`
//! crate (finding bundles, the keyring, the report and its outputs).

use std::path::{Path, PathBuf};

use anyhow::Context;
use attendance_export::discover::{find_bundles, Found};
use attendance_export::keyring::{Keyring, OpenError};
use attendance_export::report::ReportBuilder;
use attendance_export::{open_bundle, BundleError, BundleTrust, Disclosure, OpenedBundle};
use clap::Args;
use content_pack::untrusted::shown_str;
use content_pack::TrustedKey;

/// Where the kiosks' public keys are.
#[derive(Args)]
pub struct KeyArgs {
    /// A folder of kiosk public keys, each named SITE_WING.pub (e.g.
    /// HMP-Example_B.pub): every bundle must be signed by one of them, and
    /// by the one of the site and wing it names.
    #[arg(long = "kiosk-keys", value_name = "DIR")]
    pub kiosk_keys: Option<PathBuf>,
    /// One kiosk's public key (its kiosk.pub), trusted for any wing; repeat for more.
    #[arg(long = "kiosk-key", value_name = "PUB")]
    pub kiosk_key: Vec<PathBuf>,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Export folders (insideout-export_…), or folders holding them (a USB stick).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub keys: KeyArgs,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Export folders (insideout-export_…), or folders holding them (a USB stick).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub keys: KeyArgs,
    /// Report on exports whose signatures cannot be checked (unknown or no
    /// kiosk keys); every output then says the report is not verified.
    #[arg(long)]
    pub unverified: bool,
    /// Exact counts, for the service's own use: every output then says
    /// "not for publication" at the top.
    #[arg(long)]
    pub exact: bool,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Write the report as CSV tables into DIR (one per table, with a header row).
    #[arg(long, value_name = "DIR")]
    pub csv: Option<PathBuf>,
    /// Write the report as one self-contained web page (charts and tables, no
    /// scripts, nothing loaded from elsewhere) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
}

impl KeyArgs {
    fn keyring(&self) -> anyhow::Result<Option<Keyring>> {
        let unbound = self
            .kiosk_key
            .iter()
            .map(|p| {
                TrustedKey::from_file(p).with_context(|| format!("{} is refused", p.display()))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(match &self.kiosk_keys {
            Some(dir) => Some(Keyring::load(dir)?.with_unbound(unbound)),
            None if unbound.is_empty() => None,
            None => Some(Keyring::unbound(unbound)),
        })
    }
}

/// Finds the bundles; an error if there are none.
fn found(paths: &[PathBuf]) -> anyhow::Result<Found> {
    let found = find_bundles(paths);
    if found.bundles.is_empty() {
        let mut text = String::from("no export folders (insideout-export_…) found:");
        for s in &found.skipped {
            text.push_str(&format!("\n  skipped  {}: {}", s.path, s.reason));
        }
        anyhow::bail!(text);
    }
    Ok(found)
}

fn shown(p: &Path) -> String {
    shown_str(&p.display().to_string())
}

pub fn verify(a: VerifyArgs) -> anyhow::Result<()> {
    let Some(keyring) = a.keys.keyring()? else {
        anyhow::bail!(
            "give the kiosks' public keys: --kiosk-keys DIR (a folder of SITE_WING.pub files) or --kiosk-key kiosk.pub"
        );
    };
    let found = found(&a.paths)?;
    let mut lines = Vec::new();
    let mut refused = Vec::new();
    for dir in &found.bundles {
        match keyring
            .open(dir)
            .map_err(anyhow::Error::from)
            .and_then(|b| Ok(b.verify_files()?))
        {
            Ok(b) => {
                let m = b.manifest();
                let mut line = format!(
                    "OK: {}: export from {} {} made {}, signed by kiosk key {}; every file matches",
                    shown(dir),
                    shown_str(&m.site),
                    shown_str(&m.wing),
                    m.created.format("%Y-%m-%d %H:%M UTC"),
                    m.kiosk_key_id
                );
                if !b.ignored().is_empty() {
                    line.push_str(&format!(
                        "\n    ignored (added by a Mac or Windows computer, not part of the export): {}",
                        b.ignored().join(", ")
                    ));
                }
                lines.push(line);
            }
            Err(e) => refused.push(format!("{} is refused: {e:#}", shown(dir))),
        }
    }
    for s in &found.skipped {
        lines.push(format!("skipped: {}: {}", s.path, s.reason));
    }
    if !lines.is_empty() {
        crate::emit(&lines.join("\n"))?;
    }
    if let [one] = &refused[..] {
        anyhow::bail!("{one}");
    }
    if !refused.is_empty() {
        anyhow::bail!(
            "{} of {} export(s) refused; do not use them:\n{}",
            refused.len(),
            found.bundles.len(),
            refused.join("\n")
        );
    }
    Ok(())
}

/// Opens a bundle as `report` may: by the keyring, or (with
/// `--unverified`) checking only its files when its key is unknown.
fn open(keyring: Option<&Keyring>, unverified: bool, dir: &Path) -> Result<OpenedBundle, String> {
    let Some(keyring) = keyring else {
        return open_bundle(dir, BundleTrust::FilesOnly).map_err(|e| e.to_string());
    };
    match keyring.open(dir) {
        Ok(b) => Ok(b),
        Err(OpenError::Bundle(BundleError::WrongKey { .. })) if unverified => {
            open_bundle(dir, BundleTrust::FilesOnly).map_err(|e| e.to_string())
        }
        Err(OpenError::Bundle(e @ BundleError::WrongKey { .. })) => Err(format!(
            "{e}; add its kiosk's key to the keys folder, or give --unverified"
        )),
        Err(e) => Err(e.to_string()),
    }
}

pub fn report(a: ReportArgs) -> anyhow::Result<()> {
    let keyring = a.keys.keyring()?;
    if keyring.is_none() && !a.unverified {
        anyhow::bail!(
            "give the kiosks' public keys with --kiosk-keys DIR (a folder of SITE_WING.pub files) or --kiosk-key kiosk.pub; \
             or --unverified to report without checking who made the exports (every output then says so)"
        );
    }
    let found = found(&a.paths)?;
    let bar = crate::progress::count("Reading", found.bundles.len() as u64);
    let mut builder = ReportBuilder::new();
    for (i, dir) in found.bundles.iter().enumerate() {
        let counted = open(keyring.as_ref(), a.unverified, dir)
            .and_then(|b| builder.add(&b).map_err(|e| e.to_string()));
        if let Err(reason) = counted {
            builder.skip(dir, reason);
        }
        bar.set_position(i as u64 + 1);
    }
    bar.finish_and_clear();
    for s in found.skipped {
        builder.skip(Path::new(&s.path), s.reason);
    }
    let report = builder.finish(if a.exact {
        Disclosure::Exact
    } else {
        Disclosure::Published
    });
    if let Some(dir) = &a.csv {
        let files = attendance_export::output::csv::write_csv(&report, dir)
            .with_context(|| format!("cannot write the CSV tables into {}", dir.display()))?;
        for f in files {
            eprintln!("Wrote {}", f.display());
        }
    }
    if let Some(file) = &a.html {
        std::fs::write(file, attendance_export::output::html::html(&report))
            .with_context(|| format!("cannot write the web page {}", file.display()))?;
        eprintln!("Wrote {}", file.display());
    }
    if a.json {
        crate::emit(&serde_json::to_string_pretty(&report)?)
    } else {
        crate::emit(&attendance_export::output::text(&report))
    }
}
