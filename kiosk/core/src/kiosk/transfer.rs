//! USB: whether a stick is in, the packs on it, import, and export (to the
//! stick through the root helper's hand-shake, or straight into a folder).

use std::path::Path;

use super::{Kiosk, StaffConfirmed};
use crate::config::KioskConfig;
use crate::db::AuditEvent;
use crate::error::KioskError;
use crate::export::{self, ExportBacklog, ExportOutcome, ExportScope, StickExport};
use crate::usb::{self, ImportOutcome, PackOffer, StickScan};

impl Kiosk {
    /// Whether a USB stick is in. Under the systemd unit (a hand-shake is in
    /// use) the USB folder always exists, so a stick is in only when the folder
    /// is a mount point; otherwise, when the folder exists.
    pub fn stick_present(&self) -> bool {
        if self.handshake.is_some() {
            usb::is_mount_point(&self.usb_dir)
        } else {
            self.usb_dir.is_dir()
        }
    }

    /// "Export to USB stick": under the systemd unit, asks the root helper to
    /// make the stick writable, exports into the folder it names, and waits
    /// for the stick to be read-only again (see [`crate::handshake`]);
    /// otherwise exports straight into the USB folder. Nothing waiting (for
    /// [`ExportScope::New`]) returns at once without touching the stick.
    pub fn export_to_stick(
        &mut self,
        scope: ExportScope,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<StickExport, KioskError> {
        let Some(handshake) = self.handshake.clone() else {
            let usb = self.usb_dir.clone();
            let outcome = self.export(&usb, scope, progress)?;
            return Ok(StickExport {
                outcome,
                release: None,
            });
        };
        if scope == ExportScope::New && self.export_backlog()?.sessions == 0 {
            return Ok(StickExport {
                outcome: ExportOutcome::NothingToExport,
                release: None,
            });
        }
        let result = handshake.run(|folder| self.export(folder, scope, progress));
        match result {
            Ok((outcome, release)) => Ok(StickExport {
                outcome,
                release: Some(release),
            }),
            Err(e) => {
                if matches!(e, KioskError::UsbHandshake(_)) {
                    // Best effort, as in `export`.
                    let _ = self
                        .db
                        .audit(self.now(), AuditEvent::ExportFailed(&e.to_string()));
                }
                Err(e)
            }
        }
    }

    /// The trusted content keys as `kiosk.toml` says now, so a key added or
    /// removed with `insideout-provision kiosk trust` counts from the next
    /// import, without a restart.
    fn trusted_keys(&self) -> Result<content_pack::TrustedKeys, KioskError> {
        KioskConfig::load(&self.dir)?.trusted()
    }

    /// "Export everything again" (staff only): every session recorded here,
    /// also those exported before. Needs the signed-in facilitator's PIN
    /// again ([`Kiosk::confirm_own_pin`]). Audited.
    pub fn export_everything_again(
        &mut self,
        confirmed: StaffConfirmed,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<StickExport, KioskError> {
        self.db.audit(
            self.now(),
            AuditEvent::ExportEverythingAgain(&confirmed.facilitator),
        )?;
        self.export_to_stick(ExportScope::All, progress)
    }

    /// What checking the stick's packs needs, to run
    /// [`StickScan::offers`] off the UI thread.
    pub fn stick_scan(&self) -> Result<StickScan, KioskError> {
        Ok(StickScan {
            usb_dir: self.usb_dir.clone(),
            keys: self.trusted_keys()?,
            installed: self.content.high_water()?,
            now: self.now(),
        })
    }

    /// Content packs (`*.iopack`) in the USB folder, each checked against the
    /// trusted keys: its version and signer, or why it would be refused.
    pub fn usb_offers(&self) -> Result<Vec<PackOffer>, KioskError> {
        self.stick_scan()?.offers()
    }

    /// The first pack on the stick that can be installed, if any.
    pub fn installable_offer(&self) -> Result<Option<PackOffer>, KioskError> {
        Ok(self
            .usb_offers()?
            .into_iter()
            .find(|o| matches!(o.status, crate::usb::OfferStatus::Ready { .. })))
    }

    /// Verifies and installs a pack. `progress(done, total)` follows the bytes.
    /// A session in progress carries on from the content saved with it; the
    /// new programme is used from the next session.
    pub fn import(
        &mut self,
        pack: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, KioskError> {
        let now = self.now();
        let result = usb::import(pack, &self.trusted_keys()?, &self.content, now, progress);
        // The pack is installed: follow the key rotations it carried. Were
        // this to fail, the kiosk still trusts the old key, and the next
        // pack carrying the same rotations moves it then.
        if let Ok(o) = &result {
            if !o.rotations.is_empty() {
                crate::provision::follow_rotations(&self.dir, &o.rotations, &self.db, now)?;
            }
        }
        // Best effort: the outcome is what the screen must say (the pack is
        // installed, or why not), even if the disk is too full to log it.
        let _ = match &result {
            Ok(o) => self.db.audit(now, AuditEvent::Imported(o.version)),
            Err(e) => self
                .db
                .audit(now, AuditEvent::ImportRefused(&e.to_string())),
        };
        self.reload_programme();
        result
    }

    /// Finished sessions and attendances not yet exported.
    pub fn export_backlog(&self) -> Result<ExportBacklog, KioskError> {
        export::backlog(&self.db)
    }

    /// Writes a signed export bundle into `to` (normally the USB folder).
    /// The watermark moves only once the bundle is complete and durable.
    pub fn export(
        &mut self,
        to: &Path,
        scope: ExportScope,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ExportOutcome, KioskError> {
        let now = self.now();
        let result = export::export(&self.db, &self.dir, &self.config, to, scope, now, progress);
        if let Err(e) = &result {
            // Best effort: the export error is what the user must see, even
            // if the disk is too full to record it.
            let _ = self.db.audit(now, AuditEvent::ExportFailed(&e.to_string()));
        }
        result
    }
}
