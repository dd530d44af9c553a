//! USB import: find content packs on the stick, check them, install one;
//! and whether a stick is mounted at all.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use content_pack::{ContentStore, InstallObserver, Limits, TrustedKeys, UnverifiedPack};

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportOutcome {
    /// The programme version now installed.
    pub version: u64,
}

impl fmt::Display for ImportOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Installed programme version {}", self.version)
    }
}

/// Lists `*.iopack` files in `usb_dir`, checking each one's signature,
/// version and expiry (the files themselves are checked on import).
pub fn offers(
    usb_dir: &Path,
    keys: &TrustedKeys,
    store: &ContentStore,
    now: DateTime<Utc>,
) -> Result<Vec<PackOffer>, KioskError> {
    let entries = std::fs::read_dir(usb_dir).map_err(|_| KioskError::NoUsb(usb_dir.to_owned()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "iopack") && p.is_file())
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|path| {
            let status = match UnverifiedPack::open(&path, &Limits::default())
                .and_then(|p| p.verify(keys))
                .and_then(|p| store.check_acceptable(p.manifest(), now).map(|()| p))
            {
                Ok(p) => OfferStatus::Ready {
                    version: p.manifest().version,
                    signer: p.signer().to_string(),
                    approved_by: p.manifest().approval.approved_by.clone(),
                    reference: p.manifest().approval.reference.clone(),
                },
                Err(e) => OfferStatus::Refused(e.to_string()),
            };
            PackOffer {
                file_name: path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path,
                status,
            }
        })
        .collect())
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
    let installed = store.install(verified, now, &mut Progress(progress))?;
    Ok(ImportOutcome {
        version: installed.manifest().version,
    })
}
