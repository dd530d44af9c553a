//! USB import: find content packs on the stick, check them, install one;
//! and whether a stick is mounted at all.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use content_pack::untrusted::{shown, shown_str};
use content_pack::{
    check_offer, ContentStore, InstallObserver, Limits, Rotation, TrustedKeys, UnverifiedPack,
};

use crate::error::KioskError;

/// A pack found on the stick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackOffer {
    /// The file.
    pub path: PathBuf,
    /// Its name, for display.
    pub file_name: String,
    /// Whether it can be installed.
    pub status: OfferStatus,
}

/// Whether an offered pack can be installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferStatus {
    /// Signed by a trusted key, newer than the installed programme, not expired.
    Ready {
        /// Programme version.
        version: u64,
        /// Key id of the signer.
        signer: String,
        /// Who approved the content.
        approved_by: String,
        /// Their reference.
        reference: String,
    },
    /// It would be refused; the reason, as staff should read it.
    Refused(String),
}

/// A successful import.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// The programme version now installed.
    pub version: u64,
    /// The content key rotations the pack carried that this kiosk followed
    /// (oldest first): it now trusts the last one's key instead.
    pub rotations: Vec<Rotation>,
}

impl fmt::Display for ImportOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Installed programme version {}", self.version)?;
        match (self.rotations.first(), self.rotations.last()) {
            (Some(first), Some(last)) => write!(
                f,
                ". The content team's key moved from {} to {}: this kiosk now trusts the new key",
                first.from,
                last.to.key_id()
            ),
            _ => Ok(()),
        }
    }
}

/// Most packs on one stick that are looked at (in name order): each is
/// opened and its signature checked, so a stick of thousands of files must
/// not keep the kiosk busy.
pub const MAX_OFFERS: usize = 20;

/// What checking the packs on a stick needs, taken from the kiosk
/// ([`crate::Kiosk::stick_scan`]) so that the slow part, opening each pack,
/// can run on another thread while the screen stays responsive.
#[derive(Clone)]
pub struct StickScan {
    pub(crate) usb_dir: PathBuf,
    pub(crate) keys: TrustedKeys,
    /// The newest version and creation time installed.
    pub(crate) installed: Option<(u64, DateTime<Utc>)>,
    pub(crate) now: DateTime<Utc>,
}

impl StickScan {
    /// Lists the `*.iopack` files on the stick (plain files only, at most
    /// [`MAX_OFFERS`]), checking each one's signature, version and dates as
    /// an import would (its files are checked on import).
    pub fn offers(&self) -> Result<Vec<PackOffer>, KioskError> {
        let entries = std::fs::read_dir(&self.usb_dir)
            .map_err(|_| KioskError::NoUsb(self.usb_dir.to_owned()))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "iopack"))
            .collect();
        paths.sort();
        paths.truncate(MAX_OFFERS);
        Ok(paths.into_iter().map(|path| self.offer(path)).collect())
    }

    fn offer(&self, path: PathBuf) -> PackOffer {
        let status = match UnverifiedPack::open(&path, &Limits::default())
            .and_then(|p| p.verify(&self.keys))
            .and_then(|p| check_offer(p.manifest(), self.now, self.installed).map(|()| p))
        {
            Ok(p) => {
                let m = p.manifest();
                OfferStatus::Ready {
                    version: m.version,
                    signer: p.signer().to_string(),
                    approved_by: shown_str(&m.approval.approved_by),
                    reference: shown_str(&m.approval.reference),
                }
            }
            Err(e) => OfferStatus::Refused(e.to_string()),
        };
        PackOffer {
            file_name: path
                .file_name()
                .map(|n| shown(n.as_encoded_bytes()))
                .unwrap_or_default(),
            path,
            status,
        }
    }
}

/// Whether `dir` is a mount point: a folder on another device than its
/// parent (or the root). A folder that does not exist is not.
pub fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(here), Ok(parent)) = (std::fs::metadata(dir), std::fs::metadata(dir.join(".."))) else {
        return false;
    };
    here.is_dir() && (here.dev() != parent.dev() || here.ino() == parent.ino())
}

struct Progress<'a>(&'a mut dyn FnMut(u64, u64));

impl InstallObserver for Progress<'_> {
    fn progress(&mut self, done: u64, total: u64) {
        (self.0)(done, total)
    }
}

/// Verifies and installs `pack` into `store`.
pub fn import(
    pack: &Path,
    keys: &TrustedKeys,
    store: &ContentStore,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportOutcome, KioskError> {
    let verified = UnverifiedPack::open(pack, &Limits::default())?.verify(keys)?;
    let rotations = verified.rotations().to_vec();
    let installed = store.install(verified, now, &mut Progress(progress))?;
    Ok(ImportOutcome {
        version: installed.manifest().version,
        rotations,
    })
}
