//! Benchmark: verifying a 1 GiB multi-file pack, next to `openssl dgst
//! -sha256` over the same bytes. Goal: verifying is no slower than
//! OpenSSL's SHA-256 (with SHA-NI) on the same data, using both cores where
//! the pack has several files.
//!
//! `cargo bench -p content-pack --bench verify` (set `PACK_MIB` to change the
//! size, `PACK_FILES` the number of files: `PACK_MIB=64 PACK_FILES=1800` is
//! a pack like the sample read aloud, 1,765 audio files of 35 kB). Reports
//! the best of three warm runs.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use content_pack::*;

fn fill(seed: u64, len: usize) -> Vec<u8> {
    // xorshift: cheap, incompressible enough, deterministic.
    let mut x = seed | 1;
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn mib_per_s(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / (1 << 20) as f64 / d.as_secs_f64()
}

fn main() {
    let mib: usize = std::env::var("PACK_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let files: usize = std::env::var("PACK_FILES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(16);
    let per_file = mib * (1 << 20) / files;
    let mut media = Vec::new();
    for i in 0..files {
        let path = dir.path().join(format!("m{i}.bin"));
        std::fs::write(&path, fill(i as u64 + 1, per_file)).expect("write media");
        media.push((
            PackPath::new(&format!("media/part-{i:04}.bin")).expect("path"),
            path,
        ));
    }
    let source = load_source(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/sample")))
        .expect("the sample source loads");
    let programme = source.programme;
    media.extend(source.media.into_iter().map(|m| (m.pack_path, m.file)));
    let keys = generate_keys(KeyProtection::Unencrypted).expect("keys");
    let key = SigningKey::from_text(&keys.secret_key, None).expect("key");
    let trusted = TrustedKeys::new(vec![TrustedKey::from_text(&keys.public_key).expect("pub")]);
    let approval = Approval {
        approved_by: "bench".into(),
        reference: "bench".into(),
    };
    let pack = dir.path().join("big.iopack");
    let t = Instant::now();
    let manifest = build_pack(
        &PackInput {
            pack_id: "bench",
            approval: &approval,
            programme: &programme,
            media: &media,
        },
        &BuildOptions {
            version: 1,
            created: chrono::Utc::now(),
            expires: None,
            rotations: Vec::new(),
        },
        &key,
        &pack,
        &mut |_, _| {},
    )
    .expect("build");
    let bytes = manifest.total_bytes();
    println!(
        "built {} MiB in {} files in {:.1?}",
        bytes >> 20,
        manifest.files.len(),
        t.elapsed()
    );
    for (_, p) in media.iter().filter(|(_, p)| p.starts_with(dir.path())) {
        let _ = std::fs::remove_file(p);
    }

    let verify = best_of(3, || {
        let p = UnverifiedPack::open(&pack, &Limits::default())
            .and_then(|p| p.verify(&trusted))
            .expect("verify");
        p.check_contents(&|_, _| {}).expect("contents");
    });
    let openssl = best_of(3, || {
        let out = Command::new("openssl")
            .args(["dgst", "-sha256"])
            .arg(&pack)
            .output();
        assert!(
            out.map(|o| o.status.success()).unwrap_or(false),
            "openssl dgst failed (is openssl installed?)"
        );
    });
    let single = best_of(3, || {
        // The install path: one sequential pass, hashing as it reads.
        let p = UnverifiedPack::open(&pack, &Limits::default())
            .and_then(|p| p.verify(&trusted))
            .expect("verify");
        p.read_programme().expect("stream");
    });
    println!(
        "pack verify (parallel, {} threads): {:>8.0} MiB/s  {:.2?}",
        rayon::current_num_threads(),
        mib_per_s(bytes, verify),
        verify
    );
    println!(
        "sequential stream (install path):    {:>8.0} MiB/s  {:.2?}",
        mib_per_s(bytes, single),
        single
    );
    println!(
        "openssl dgst -sha256 (one stream):   {:>8.0} MiB/s  {:.2?}",
        mib_per_s(bytes, openssl),
        openssl
    );
    println!(
        "verify / openssl time: {:.2}x ({})",
        verify.as_secs_f64() / openssl.as_secs_f64(),
        if verify <= openssl {
            "goal met"
        } else {
            "goal NOT met"
        }
    );
}
