//! What the user typed (clap) and the dispatch to one command.

use clap::{Parser, Subcommand};

/// Staff tools for InsideOut kiosks: keys, content packs, kiosk set-up, exports.
#[derive(Parser)]
#[command(name = "insideout-provision", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a minisign key pair (the secret key is password-protected unless --unencrypted).
    Keygen(crate::keys::KeygenArgs),
    /// Sign, with the content key being retired, a statement handing over to a new key (for `pack build --rotation`).
    RotateKey(crate::keys::RotateKeyArgs),
    /// Build, verify and inspect content packs.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Set up a kiosk's data directory and facilitators.
    #[command(subcommand)]
    Kiosk(KioskCommand),
    /// Verify and report on attendance exports.
    #[command(subcommand)]
    Export(ExportCommand),
    /// The establishment's pseudonym key, shared by its kiosks.
    #[command(subcommand)]
    Site(SiteCommand),
}

#[derive(Subcommand)]
enum SiteCommand {
    /// Make a site pseudonym key, so the prison's kiosks count each person once across wings.
    Keygen(crate::site::SiteKeygenArgs),
}

#[derive(Subcommand)]
enum PackCommand {
    /// Check a source folder against every content rule, without building.
    Check(crate::pack::CheckArgs),
    /// Build and sign a pack from a source folder (it must pass every content rule).
    Build(crate::pack::BuildArgs),
    /// Check a pack's signature and every file's hash.
    Verify(crate::pack::VerifyArgs),
    /// Show a pack's manifest, sessions and tools (after checking its signature if keys are given).
    Inspect(crate::pack::InspectArgs),
    /// Write printable facilitator guides and tool handouts (HTML) from a verified pack.
    Handouts(crate::handouts::HandoutsArgs),
}

#[derive(Subcommand)]
enum KioskCommand {
    /// Create a kiosk data directory.
    Init(crate::kiosk::InitArgs),
    /// Add a facilitator, or change their PIN (PIN read from stdin).
    AddFacilitator(crate::kiosk::AddFacilitatorArgs),
    /// List the facilitators (ids and dates, never PINs).
    Facilitators(crate::kiosk::DataDir),
    /// Remove a facilitator: their PIN stops working.
    RemoveFacilitator(crate::kiosk::RemoveFacilitatorArgs),
    /// List, add or remove trusted content keys (nothing else changes).
    #[command(subcommand)]
    Trust(crate::kiosk::TrustCommand),
    /// Write an encrypted backup of a kiosk (settings, keys, secret, database).
    Backup(crate::kiosk::BackupArgs),
    /// Rebuild a kiosk from a backup, on new hardware.
    Restore(crate::kiosk::RestoreArgs),
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Check export bundles' signatures and every file's hash (give the bundles or the stick's folder).
    Verify(crate::export::VerifyArgs),
    /// Aggregate many export bundles into a report (give the bundles or the stick's folder).
    Report(crate::export::ReportArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Keygen(a) => crate::keys::keygen(a),
        Command::RotateKey(a) => crate::keys::rotate_key(a),
        Command::Pack(PackCommand::Check(a)) => crate::pack::check(a),
        Command::Pack(PackCommand::Build(a)) => crate::pack::build(a),
        Command::Pack(PackCommand::Verify(a)) => crate::pack::verify(a),
        Command::Pack(PackCommand::Inspect(a)) => crate::pack::inspect(a),
        Command::Pack(PackCommand::Handouts(a)) => crate::handouts::handouts(a),
        Command::Kiosk(KioskCommand::Init(a)) => crate::kiosk::init(a),
        Command::Kiosk(KioskCommand::AddFacilitator(a)) => crate::kiosk::add_facilitator(a),
        Command::Kiosk(KioskCommand::Facilitators(a)) => crate::kiosk::list_facilitators(a),
        Command::Kiosk(KioskCommand::RemoveFacilitator(a)) => {
            crate::kiosk::remove_facilitator_cmd(a)
        }
        Command::Kiosk(KioskCommand::Trust(c)) => crate::kiosk::trust(c),
        Command::Kiosk(KioskCommand::Backup(a)) => crate::kiosk::backup(a),
        Command::Kiosk(KioskCommand::Restore(a)) => crate::kiosk::restore(a),
        Command::Export(ExportCommand::Verify(a)) => crate::export::verify(a),
        Command::Export(ExportCommand::Report(a)) => crate::export::report(a),
        Command::Site(SiteCommand::Keygen(a)) => crate::site::keygen(a),
    }
}
