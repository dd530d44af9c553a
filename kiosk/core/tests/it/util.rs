//! Helpers: a provisioned kiosk in a temporary folder with the sample
//! programme installed, and a facilitator with a known PIN.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use content_pack::{
    build_pack_from_source, generate_keys, load_source, BuildOptions, KeyProtection, SigningKey,
};
use kiosk_core::provision::{init_kiosk, set_facilitator_pin};
use kiosk_core::{FakeClock, InitOptions, Kiosk, Overwrite};

/// The test facilitator's PIN.
pub const PIN: &str = "274913";
/// The test facilitator's id.
pub const FACILITATOR: &str = "f1";

pub fn t0() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-02T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content-pack/sample")
}

pub struct TestKiosk {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub usb: PathBuf,
    pub clock: Arc<FakeClock>,
    pub content_key: SigningKey,
}

impl TestKiosk {
    pub fn open(&self) -> Kiosk {
        Kiosk::open(&self.dir, self.clock.clone())
            .unwrap()
            .with_usb_dir(self.usb.clone())
    }

    /// Builds the sample programme as a pack of `version` into the USB folder.
    pub fn pack(&self, version: u64) -> PathBuf {
        let out = self.usb.join(format!("sample-v{version}.iopack"));
        build_sample(&self.content_key, version, &out);
        out
    }

    pub fn signed_in(&self) -> Kiosk {
        let mut k = self.open();
        k.sign_in(FACILITATOR, PIN).unwrap();
        k
    }
}

pub fn build_sample(key: &SigningKey, version: u64, out: &Path) {
    build_sample_rotating(key, version, &[], out)
}

/// The sample as a pack signed by `key`, carrying key `rotations`.
pub fn build_sample_rotating(key: &SigningKey, version: u64, rotations: &[String], out: &Path) {
    let source = load_source(&sample_dir()).unwrap();
    let opts = BuildOptions {
        version,
        created: t0() - chrono::Duration::days(1),
        expires: None,
        rotations: rotations.to_vec(),
    };
    build_pack_from_source(&source, &opts, key, out, &mut |_, _| {}).unwrap();
}

/// A kiosk with the sample programme (version 1) installed and facilitator f1.
pub fn provisioned() -> TestKiosk {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let usb = tmp.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let keys = generate_keys(KeyProtection::Unencrypted).unwrap();
    let content_key = SigningKey::from_text(&keys.secret_key, None).unwrap();
    let opts = InitOptions {
        site: "HMP Example".into(),
        wing: "B".into(),
        trusted_keys: vec![keys.public_key.clone()],
        idle_minutes: 5,
        language: content_pack::Language::En,
        usb_dir: usb.clone(),
        overwrite: Overwrite::Refuse,
        pseudonym_key: None,
    };
    init_kiosk(&dir, &opts, t0()).unwrap();
    set_facilitator_pin(&dir, FACILITATOR, PIN, t0()).unwrap();
    let clock = Arc::new(FakeClock::new(t0()));
    let tk = TestKiosk {
        tmp,
        dir,
        usb,
        clock,
        content_key,
    };
    let pack = tk.pack(1);
    let mut k = tk.open();
    k.import(&pack, &mut |_, _| {}).unwrap();
    std::fs::remove_file(pack).unwrap();
    tk
}

/// Every file under `dir`, recursively, with its bytes.
pub fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
