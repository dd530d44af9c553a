//! `insideout-kiosk --demo`: a throw-away kiosk with the sample programme.
//!
//! [`Demo::create`] makes a temporary data folder, writes the sample
//! programme's source (embedded at build time from `content-pack/sample/`)
//! to a temporary folder, builds and signs it with a throw-away key through
//! the normal `load_source` + `build_pack` path, provisions the kiosk to
//! trust that key, imports the pack through the normal import path, adds a
//! demo facilitator with [`DEMO_PIN`], runs a few past sessions so export has
//! rows waiting, and puts version 2 of the pack in the demo USB folder so the
//! import screen has something to offer. Everything is deleted when the
//! [`Demo`] is dropped, and a demo that was killed before it could tidy up
//! is deleted by the next one (each demo folder names its process in
//! `owner.pid`; a folder whose process is gone is stale).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Utc;
use content_pack::{
    build_pack_from_source, generate_keys, load_source, BuildOptions, KeyProtection, SigningKey,
};

use crate::clock::{Clock, FakeClock};
use crate::config::DEFAULT_IDLE_MINUTES;
use crate::error::KioskError;
use crate::kiosk::Kiosk;
use crate::provision::{init_kiosk, set_facilitator_pin, InitOptions, Overwrite};
use crate::simulate::{simulate, SimulateOptions};

include!(concat!(env!("OUT_DIR"), "/sample_files.rs"));

/// The demo facilitator's PIN, shown on the demo's sign-in screen.
pub const DEMO_PIN: &str = "246810";
/// The demo facilitator's id.
pub const DEMO_FACILITATOR: &str = "demo";

/// A throw-away kiosk; its folders are deleted on drop.
pub struct Demo {
    tmp: tempfile::TempDir,
}

fn demo_err(what: &str) -> impl FnOnce(String) -> KioskError + '_ {
    move |e| KioskError::Demo(format!("{what}: {e}"))
}

impl Demo {
    /// Makes the demo kiosk (a second or two: it builds and installs a pack).
    pub fn create() -> Result<Demo, KioskError> {
        sweep_stale(&std::env::temp_dir());
        let tmp = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempdir()
            .map_err(KioskError::io(std::env::temp_dir()))?;
        let owner = tmp.path().join(OWNER);
        std::fs::write(&owner, std::process::id().to_string()).map_err(KioskError::io(&owner))?;
        let demo = Demo { tmp };
        let source = demo.root().join("sample-source");
        write_sample(&source)?;
        let keys = generate_keys(KeyProtection::Unencrypted)?;
        let key = SigningKey::from_text(&keys.secret_key, None)?;
        let usb = demo.usb_dir();
        std::fs::create_dir_all(&usb).map_err(KioskError::io(&usb))?;
        let now = Utc::now();
        let opts = InitOptions {
            site: "Demo prison".into(),
            wing: "Demo wing".into(),
            trusted_keys: vec![keys.public_key.clone()],
            idle_minutes: DEFAULT_IDLE_MINUTES,
            language: content_pack::Language::En,
            usb_dir: usb.clone(),
            overwrite: Overwrite::Refuse,
            pseudonym_key: None,
        };
        init_kiosk(&demo.data_dir(), &opts, now)?;
        set_facilitator_pin(&demo.data_dir(), DEMO_FACILITATOR, DEMO_PIN, now)?;
        let v1 = demo.root().join("sample-v1.iopack");
        build(&source, &key, 1, &v1)?;
        build(&source, &key, 2, &usb.join("insideout-sample-v2.iopack"))?;
        let clock = Arc::new(FakeClock::new(now));
        let mut kiosk = Kiosk::open(&demo.data_dir(), clock.clone())?;
        kiosk.import(&v1, &mut |_, _| {})?;
        let opts = SimulateOptions {
            sessions: 3,
            group_size: 8,
            seed: 1,
            ..Default::default()
        };
        simulate(&mut kiosk, &clock, opts, &mut |_| {})?;
        kiosk.sign_out()?;
        Ok(demo)
    }

    fn root(&self) -> &Path {
        self.tmp.path()
    }

    /// The demo's data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.root().join("data")
    }

    /// The demo's USB folder (holds version 2 of the sample pack).
    pub fn usb_dir(&self) -> PathBuf {
        self.root().join("usb")
    }

    /// Opens the demo kiosk.
    pub fn open(&self, clock: Arc<dyn Clock>) -> Result<Kiosk, KioskError> {
        Kiosk::open(&self.data_dir(), clock)
    }
}

const PREFIX: &str = "insideout-demo-";
const OWNER: &str = "owner.pid";

/// Deletes demo folders in `tmp` left by demo processes that no longer run
/// (killed before they could delete their own). Best effort: a folder that
/// cannot be read or deleted is left for the next try.
pub fn sweep_stale(tmp: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(PREFIX))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let pid = std::fs::read_to_string(e.path().join(OWNER)).ok();
            let alive = pid
                .as_deref()
                .and_then(|p| p.trim().parse::<u32>().ok())
                .is_some_and(|p| Path::new("/proc").join(p.to_string()).exists());
            !alive
        })
        .filter(|e| std::fs::remove_dir_all(e.path()).is_ok())
        .count()
}

/// Writes the embedded sample source into `dir`.
fn write_sample(dir: &Path) -> Result<(), KioskError> {
    for (rel, bytes) in SAMPLE_FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(KioskError::io(parent))?;
        }
        std::fs::write(&path, bytes).map_err(KioskError::io(&path))?;
    }
    Ok(())
}

fn build(source: &Path, key: &SigningKey, version: u64, out: &Path) -> Result<(), KioskError> {
    let src = load_source(source).map_err(|e| demo_err("the sample programme")(e.to_string()))?;
    let opts = BuildOptions {
        version,
        created: Utc::now() - chrono::Duration::minutes(1),
        expires: None,
        rotations: Vec::new(),
    };
    build_pack_from_source(&src, &opts, key, out, &mut |_, _| {})
        .map_err(|e| demo_err("building the sample pack")(e.to_string()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SystemClock;

    #[test]
    fn the_demo_has_the_sample_programme_a_pin_and_an_offer() {
        assert!(SAMPLE_FILES.iter().any(|(p, _)| *p == "pack.toml"));
        let demo = Demo::create().unwrap();
        let mut k = demo.open(Arc::new(SystemClock)).unwrap();
        assert_eq!(k.programme_version(), Some(1));
        assert!(k.sessions().len() >= 3);
        assert_eq!(k.export_backlog().unwrap().sessions, 3);
        let offers = k.usb_offers().unwrap();
        assert!(matches!(
            offers[0].status,
            crate::OfferStatus::Ready { version: 2, .. }
        ));
        assert_eq!(
            k.sign_in(DEMO_FACILITATOR, DEMO_PIN)
                .unwrap()
                .facilitator_id,
            DEMO_FACILITATOR
        );
        let dir = demo.data_dir();
        drop(k);
        drop(demo);
        assert!(!dir.exists());
    }

    #[test]
    fn a_killed_demos_folder_is_swept_and_a_running_ones_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dead = tmp.path().join("insideout-demo-dead");
        let live = tmp.path().join("insideout-demo-live");
        let other = tmp.path().join("someone-elses");
        for d in [&dead, &live, &other] {
            std::fs::create_dir_all(d.join("data")).unwrap();
        }
        // No process has pid u32::MAX - 1; this test's own process runs.
        std::fs::write(dead.join(OWNER), (u32::MAX - 1).to_string()).unwrap();
        std::fs::write(live.join(OWNER), std::process::id().to_string()).unwrap();
        assert_eq!(sweep_stale(tmp.path()), 1);
        assert!(!dead.exists() && live.exists() && other.exists());
    }
}
