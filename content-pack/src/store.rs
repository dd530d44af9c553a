//! The content store: where a kiosk keeps its installed pack.
//!
//! ```text
//! content/current -> packs/v0000000004   the installed pack (a symlink)
//! content/packs/v0000000004/             manifest.json and the pack's files
//! content/highwater.json                 newest version and creation time ever installed
//! content/staging/                       a pack being installed (removed on open)
//! content/lock                           held (flock) by whoever installs or tidies
//! ```
//!
//! Installs and the tidying on open take an exclusive lock on `lock` first,
//! so two imports at once (the screen's and a console's) run one after the
//! other: the second waits, then finds the first's pack installed.
//!
//! An install streams the pack into `staging/` while hashing (one read pass),
//! fsyncs every file and folder, renames it into `packs/`, then switches
//! `current` with a rename of a new symlink over the old one. The old pack is
//! removed only after that switch is durable. A power cut at any moment
//! leaves `current` pointing at a complete old pack or a complete new one.

use std::fs::{self, File};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::archive::{checked_programme, VerifiedPack};
use crate::error::PackError;
use crate::manifest::{parse_manifest, Manifest, MANIFEST_NAME, PROGRAMME_NAME};
use crate::programme::Programme;

const CURRENT: &str = "current";
const CURRENT_NEW: &str = "current.new";
const PACKS: &str = "packs";
const STAGING: &str = "staging";
const HIGHWATER: &str = "highwater.json";
const LOCK: &str = "lock";

/// How far a pack's creation time may be ahead of the kiosk's clock (time
/// zones and a clock a little slow), and no further.
pub const MAX_CLOCK_LEAD: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// A point in an install, reported to the [`InstallObserver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallStep {
    /// The staging folder exists and is empty.
    StagingCreated,
    /// File number `n` (from 0) was written and synced.
    FileWritten(usize),
    /// Every file and folder in staging is durable and checked.
    StagingComplete,
    /// Staging was renamed into `packs/`.
    PackPlaced,
    /// The new `current` link was made but not yet switched.
    LinkMade,
    /// `current` now names the new pack, durably.
    Switched,
    /// The high-water mark records the new pack.
    HighWaterRecorded,
    /// The old pack was removed.
    OldRemoved,
}

/// Follows an install: progress, and a chance to cancel before the switch.
pub trait InstallObserver {
    /// `done` of `total` bytes have been written to staging.
    fn progress(&mut self, _done: u64, _total: u64) {}
    /// A step finished. Returning `Break` before [`InstallStep::Switched`]
    /// cancels the install (the old pack stays); after it, `Break` is ignored.
    fn step(&mut self, _step: InstallStep) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}

/// An observer that watches nothing.
pub struct NoObserver;
impl InstallObserver for NoObserver {}

/// The newest pack ever installed: the anti-rollback and anti-freeze record.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
struct HighWater {
    version: u64,
    created: DateTime<Utc>,
}

/// The folder holding a kiosk's installed content.
pub struct ContentStore {
    dir: PathBuf,
}

/// The pack `current` points to.
pub struct InstalledPack {
    dir: PathBuf,
    manifest: Manifest,
}

impl InstalledPack {
    /// The installed manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The folder holding the installed files.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads `programme.json`, checking it still matches its hash.
    pub fn programme(&self) -> Result<Programme, PackError> {
        let bytes = self.read_checked(PROGRAMME_NAME)?;
        let programme: Programme =
            serde_json::from_slice(&bytes).map_err(|e| PackError::InstalledDamaged {
                path: self.dir.join(PROGRAMME_NAME),
                problem: e.to_string(),
            })?;
        programme.validate()?;
        Ok(programme)
    }

    /// Reads an installed file, checking its size and SHA-256 against the
    /// manifest (so a file changed on disk is noticed, not used).
    pub fn read_checked(&self, pack_path: &str) -> Result<Vec<u8>, PackError> {
        let path = self.dir.join(pack_path);
        let damaged = |problem: String| PackError::InstalledDamaged {
            path: path.clone(),
            problem,
        };
        let entry = self
            .manifest
            .file(pack_path)
            .ok_or_else(|| damaged("not listed in the installed manifest".into()))?;
        let bytes = fs::read(&path).map_err(|e| damaged(e.to_string()))?;
        if bytes.len() as u64 != entry.size || hex::encode(Sha256::digest(&bytes)) != entry.sha256 {
            return Err(damaged("it no longer matches its SHA-256".into()));
        }
        Ok(bytes)
    }
}

fn sync_dir(dir: &Path) -> Result<(), PackError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(PackError::store(dir))
}

/// Makes `dir` and any missing parents, fsyncing the folder each new one
/// was made in (so every new folder's name is durable, not only the
/// deepest's); returns the folders it made, outermost first.
fn create_dirs(dir: &Path) -> Result<Vec<PathBuf>, PackError> {
    let missing: Vec<&Path> = dir.ancestors().take_while(|d| !d.exists()).collect();
    for d in missing.iter().rev() {
        match fs::create_dir(d) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other.map_err(PackError::store(*d))?,
        }
        if let Some(parent) = d.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    Ok(missing.into_iter().rev().map(Path::to_owned).collect())
}

fn remove_if_exists(path: &Path) -> Result<(), PackError> {
    let result = match fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => Err(e),
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
    };
    result.map_err(PackError::store(path))
}

impl ContentStore {
    /// Opens (creating if needed) the store at `dir`, and finishes or rolls
    /// back whatever an interrupted install left behind.
    pub fn open(dir: &Path) -> Result<ContentStore, PackError> {
        create_dirs(&dir.join(PACKS))?;
        let store = ContentStore {
            dir: dir.to_owned(),
        };
        let _lock = store.lock()?;
        store.recover()?;
        Ok(store)
    }

    /// Waits for, then holds, the store's exclusive lock until the returned
    /// file is dropped. Only one per process at a time: a second `flock` on
    /// another open of the same file would wait for the first.
    fn lock(&self) -> Result<File, PackError> {
        let path = self.dir.join(LOCK);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(PackError::store(&path))?;
        file.lock().map_err(PackError::store(&path))?;
        Ok(file)
    }

    /// The store's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn recover(&self) -> Result<(), PackError> {
        remove_if_exists(&self.dir.join(STAGING))?;
        remove_if_exists(&self.dir.join(CURRENT_NEW))?;
        remove_if_exists(&self.dir.join(format!("{HIGHWATER}.tmp")))?;
        let current = self.current_name()?;
        // An install cut off after the switch may not have recorded the
        // high-water mark yet: record it now.
        if let Some(installed) = self.installed()? {
            self.raise_highwater(installed.manifest())?;
        }
        self.remove_packs_except(current.as_deref())
    }

    fn remove_packs_except(&self, keep: Option<&str>) -> Result<(), PackError> {
        let packs = self.dir.join(PACKS);
        for entry in fs::read_dir(&packs).map_err(PackError::store(&packs))? {
            let entry = entry.map_err(PackError::store(&packs))?;
            if Some(entry.file_name().to_string_lossy().as_ref()) != keep {
                remove_if_exists(&entry.path())?;
            }
        }
        Ok(())
    }

    /// The folder name under `packs/` that `current` points to.
    fn current_name(&self) -> Result<Option<String>, PackError> {
        let link = self.dir.join(CURRENT);
        let target = match fs::read_link(&link) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(PackError::InstalledDamaged {
                    path: link,
                    problem: e.to_string(),
                })
            }
            Ok(t) => t,
        };
        let name = target
            .strip_prefix(PACKS)
            .ok()
            .and_then(|n| n.to_str())
            .filter(|n| is_pack_dir_name(n))
            .ok_or_else(|| PackError::InstalledDamaged {
                path: link.clone(),
                problem: format!("it points to {} instead of a pack folder", target.display()),
            })?;
        Ok(Some(name.to_owned()))
    }

    /// The installed pack, if any.
    pub fn installed(&self) -> Result<Option<InstalledPack>, PackError> {
        let Some(name) = self.current_name()? else {
            return Ok(None);
        };
        let dir = self.dir.join(PACKS).join(name);
        let path = dir.join(MANIFEST_NAME);
        let bytes = fs::read(&path).map_err(|e| PackError::InstalledDamaged {
            path: path.clone(),
            problem: e.to_string(),
        })?;
        // These bytes were verified before install; parse them the same way.
        let manifest = parse_manifest(&bytes).map_err(|e| PackError::InstalledDamaged {
            path,
            problem: e.to_string(),
        })?;
        Ok(Some(InstalledPack { dir, manifest }))
    }

    fn highwater(&self) -> Result<Option<HighWater>, PackError> {
        let path = self.dir.join(HIGHWATER);
        match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(PackError::store(path)(e)),
            Ok(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| PackError::InstalledDamaged {
                        path,
                        problem: e.to_string(),
                    })
            }
        }
    }

    /// The newest version and creation time ever installed here, from the
    /// high-water record and the installed manifest, whichever is newer.
    fn newest(&self) -> Result<Option<HighWater>, PackError> {
        let installed = self.installed()?.map(|p| HighWater {
            version: p.manifest.version,
            created: p.manifest.created,
        });
        Ok(match (self.highwater()?, installed) {
            (Some(a), Some(b)) => Some(HighWater {
                version: a.version.max(b.version),
                created: a.created.max(b.created),
            }),
            (a, b) => a.or(b),
        })
    }

    /// The newest version and the newest creation time of any pack ever
    /// installed here (what [`check_offer`] compares an offer with).
    pub fn high_water(&self) -> Result<Option<(u64, DateTime<Utc>)>, PackError> {
        Ok(self.newest()?.map(|n| (n.version, n.created)))
    }

    fn raise_highwater(&self, manifest: &Manifest) -> Result<(), PackError> {
        let new = HighWater {
            version: manifest.version,
            created: manifest.created,
        };
        let merged = match self.highwater()? {
            Some(old) if old.version >= new.version && old.created >= new.created => return Ok(()),
            Some(old) => HighWater {
                version: old.version.max(new.version),
                created: old.created.max(new.created),
            },
            None => new,
        };
        let tmp = self.dir.join(format!("{HIGHWATER}.tmp"));
        let bytes = serde_json::to_vec(&merged).map_err(|e| PackError::Store {
            path: tmp.clone(),
            source: std::io::Error::other(e),
        })?;
        File::create(&tmp)
            .and_then(|mut f| f.write_all(&bytes).and_then(|()| f.sync_all()))
            .map_err(PackError::store(&tmp))?;
        fs::rename(&tmp, self.dir.join(HIGHWATER)).map_err(PackError::store(&tmp))?;
        sync_dir(&self.dir)
    }

    /// Checks that `manifest` may replace what is installed at time `now`:
    /// see [`check_offer`], with the newest version and creation time ever
    /// installed here.
    pub fn check_acceptable(
        &self,
        manifest: &Manifest,
        now: DateTime<Utc>,
    ) -> Result<(), PackError> {
        check_offer(manifest, now, self.high_water()?)
    }

    /// Installs a verified pack, making it `current`. On any error before
    /// the switch, the installed pack is unchanged and what the attempt wrote
    /// is removed.
    pub fn install(
        &self,
        pack: VerifiedPack,
        now: DateTime<Utc>,
        observer: &mut dyn InstallObserver,
    ) -> Result<InstalledPack, PackError> {
        let _lock = self.lock()?;
        let result = self.install_steps(pack, now, observer);
        if result.is_err() {
            // Best effort: the error already says what went wrong, and the
            // next open tidies again.
            let _ = self.recover();
        }
        result
    }

    fn install_steps(
        &self,
        pack: VerifiedPack,
        now: DateTime<Utc>,
        observer: &mut dyn InstallObserver,
    ) -> Result<InstalledPack, PackError> {
        let manifest = pack.manifest().clone();
        self.check_acceptable(&manifest, now)?;
        let cancel = |flow: ControlFlow<()>| match flow {
            ControlFlow::Break(()) => Err(PackError::Cancelled),
            ControlFlow::Continue(()) => Ok(()),
        };

        let staging = self.dir.join(STAGING);
        remove_if_exists(&staging)?;
        fs::create_dir(&staging).map_err(PackError::store(&staging))?;
        cancel(observer.step(InstallStep::StagingCreated))?;

        let total = manifest.total_bytes();
        let mut done = 0u64;
        let mut written = 0usize;
        let mut folders = vec![staging.clone()];
        pack.stream(|entry, reader| {
            let path = staging.join(&entry.path);
            if let Some(parent) = path.parent() {
                folders.extend(create_dirs(parent)?);
            }
            let mut out = File::create(&path).map_err(PackError::store(&path))?;
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = reader
                    .read(&mut buf)
                    .map_err(|e| PackError::Truncated(e.to_string()))?;
                if n == 0 {
                    break;
                }
                out.write_all(&buf[..n]).map_err(PackError::store(&path))?;
                done += n as u64;
                observer.progress(done, total);
            }
            out.sync_all().map_err(PackError::store(&path))?;
            cancel(observer.step(InstallStep::FileWritten(written)))?;
            written += 1;
            Ok(())
        })?;

        let manifest_path = staging.join(MANIFEST_NAME);
        File::create(&manifest_path)
            .and_then(|mut f| {
                f.write_all(pack.manifest_bytes())
                    .and_then(|()| f.sync_all())
            })
            .map_err(PackError::store(&manifest_path))?;
        // A signed but invalid programme is refused before it is switched in.
        let staged = InstalledPack {
            dir: staging.clone(),
            manifest: manifest.clone(),
        };
        checked_programme(&staged.read_checked(PROGRAMME_NAME)?, &manifest)?;
        folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
        for folder in &folders {
            sync_dir(folder)?;
        }
        cancel(observer.step(InstallStep::StagingComplete))?;

        let name = pack_dir_name(manifest.version);
        let placed = self.dir.join(PACKS).join(&name);
        remove_if_exists(&placed)?;
        fs::rename(&staging, &placed).map_err(PackError::store(&placed))?;
        sync_dir(&self.dir.join(PACKS))?;
        sync_dir(&self.dir)?;
        cancel(observer.step(InstallStep::PackPlaced))?;

        let link_new = self.dir.join(CURRENT_NEW);
        remove_if_exists(&link_new)?;
        std::os::unix::fs::symlink(Path::new(PACKS).join(&name), &link_new)
            .map_err(PackError::store(&link_new))?;
        cancel(observer.step(InstallStep::LinkMade))?;

        fs::rename(&link_new, self.dir.join(CURRENT)).map_err(PackError::store(&link_new))?;
        sync_dir(&self.dir)?;
        // From here the new pack is installed, and an error would wrongly say
        // it was not: the later steps only tidy up, and whatever they leave
        // undone the next open finishes (`recover`). Until then the
        // installed manifest itself keeps older versions out.
        let _ = observer.step(InstallStep::Switched);
        if self.raise_highwater(&manifest).is_ok() {
            let _ = observer.step(InstallStep::HighWaterRecorded);
        }
        if self.remove_packs_except(Some(&name)).is_ok() {
            let _ = observer.step(InstallStep::OldRemoved);
        }

        Ok(InstalledPack {
            dir: placed,
            manifest,
        })
    }
}

/// Whether a kiosk whose clock says `now`, with `installed` (the newest
/// version and creation time it has installed, if any), accepts a pack with
/// `manifest`: made no more than [`MAX_CLOCK_LEAD`] after `now` (a pack from
/// the future would raise the newest creation time for good), a higher
/// version, and not expired. The clock used for expiry is never earlier than
/// the newest creation time installed, so winding the clock back does not
/// revive an expired pack.
pub fn check_offer(
    manifest: &Manifest,
    now: DateTime<Utc>,
    installed: Option<(u64, DateTime<Utc>)>,
) -> Result<(), PackError> {
    if manifest.created > now + MAX_CLOCK_LEAD {
        return Err(PackError::CreatedInFuture {
            created: manifest.created.to_rfc3339(),
            now: now.to_rfc3339(),
        });
    }
    if let Some((version, _)) = installed {
        if manifest.version <= version {
            return Err(PackError::NotNewer {
                offered: manifest.version,
                installed: version,
            });
        }
    }
    if let Some(expires) = manifest.expires {
        let now = installed.map_or(now, |(_, created)| now.max(created));
        if expires <= now {
            return Err(PackError::Expired {
                expires: expires.to_rfc3339(),
                now: now.to_rfc3339(),
            });
        }
    }
    Ok(())
}

/// The folder under `packs/` for a version: `v` and at least ten digits, so
/// that every `u64` version has a name (`v18446744073709551615` the longest).
fn pack_dir_name(version: u64) -> String {
    format!("v{version:010}")
}

/// Whether `name` is one [`pack_dir_name`] makes.
fn is_pack_dir_name(name: &str) -> bool {
    name.strip_prefix('v')
        .and_then(|digits| digits.parse::<u64>().ok())
        .is_some_and(|version| pack_dir_name(version) == name)
}
