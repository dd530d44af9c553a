//! Installs run in child processes (this test binary, started again): two
//! imports at once on one store, and an install watched by `strace` to see
//! that every folder it makes is fsynced.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use content_pack::*;

use crate::util::*;

const CHILD_PACK: &str = "IOPACK_TEST_INSTALL_PACK";
const CHILD_STORE: &str = "IOPACK_TEST_INSTALL_STORE";
const CHILD_KEY: &str = "IOPACK_TEST_INSTALL_KEY";

/// Not a test on its own: in a child started by the tests below, installs
/// one pack and prints `installed N` or `refused: …`.
#[test]
fn child_install() {
    let (Ok(pack), Ok(store), Ok(key)) = (
        std::env::var(CHILD_PACK),
        std::env::var(CHILD_STORE),
        std::env::var(CHILD_KEY),
    ) else {
        return;
    };
    let trusted = TrustedKeys::new(vec![TrustedKey::from_text(&key).unwrap()]);
    let result = UnverifiedPack::open(Path::new(&pack), &Limits::default())
        .and_then(|p| p.verify(&trusted))
        .and_then(|p| ContentStore::open(Path::new(&store))?.install(p, t0(), &mut NoObserver));
    match result {
        Ok(p) => println!("installed {}", p.manifest().version),
        Err(e) => println!("refused: {e}"),
    }
}

fn child(fx: &Fixture, pack: &Path, store: &Path, strace: Option<&Path>) -> Child {
    let exe = std::env::current_exe().unwrap();
    let mut command = match strace {
        Some(log) => {
            let mut c = Command::new("strace");
            c.args([
                "-f",
                "-y",
                "-qq",
                "-e",
                "trace=mkdir,mkdirat,fsync,fdatasync",
                "-o",
            ])
            .arg(log)
            .arg(exe);
            c
        }
        None => Command::new(exe),
    };
    command
        .args([
            "--exact",
            "processes::child_install",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_PACK, pack)
        .env(CHILD_STORE, store)
        .env(CHILD_KEY, fx.key.public_key_text().unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    command.spawn().expect("the test binary starts again")
}

fn outcome(child: Child) -> String {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    // The test harness prints the line after `test processes::child_install ... `.
    text.lines()
        .find_map(|l| {
            l.find("installed ")
                .or(l.find("refused: "))
                .map(|at| &l[at..])
        })
        .unwrap_or_else(|| panic!("no outcome in {text}"))
        .to_owned()
}

/// Every listed file of the installed pack is there and matches its hash.
fn complete(store: &Path) -> u64 {
    let installed = ContentStore::open(store)
        .unwrap()
        .installed()
        .unwrap()
        .unwrap();
    for f in &installed.manifest().files {
        installed.read_checked(&f.path).unwrap();
    }
    installed.manifest().version
}

#[test]
fn two_imports_at_once_run_one_after_the_other() {
    let fx = Fixture::new();
    let (v2, v3) = (fx.build(2), fx.build(3));
    let v1 = fx.build(1);
    let trials = 100;
    for trial in 0..trials {
        let store = fx.path(&format!("content-{trial}"));
        let p = UnverifiedPack::open(&v1, &Limits::default())
            .unwrap()
            .verify(&fx.trusted)
            .unwrap();
        ContentStore::open(&store)
            .unwrap()
            .install(p, t0(), &mut NoObserver)
            .unwrap();
        let (first, second) = if trial % 2 == 0 {
            (&v2, &v3)
        } else {
            (&v3, &v2)
        };
        let a = child(&fx, first, &store, None);
        let b = child(&fx, second, &store, None);
        let (a, b) = (outcome(a), outcome(b));
        let v3_result = if trial % 2 == 0 { &b } else { &a };
        assert_eq!(v3_result, "installed 3", "trial {trial}: {a} / {b}");
        let v2_result = if trial % 2 == 0 { &a } else { &b };
        assert!(
            v2_result == "installed 2" || v2_result.contains("version 3 is installed"),
            "trial {trial}: {v2_result}"
        );
        assert_eq!(complete(&store), 3, "trial {trial}");
        fs::remove_dir_all(&store).unwrap();
    }
}

#[test]
fn every_folder_an_install_makes_is_fsynced() {
    if Command::new("strace").arg("-V").output().is_err() {
        panic!("strace is needed (.ci/setup installs it)");
    }
    let fx = Fixture::new();
    let deep = "media/a/b/c/d/e/f/g/h/i/j/deep.svg";
    let media = fx.media(&[(deep, b"<svg>deep</svg>"), ("media/a/side.svg", b"<svg/>")]);
    let pack = fx.build_with(&tiny_programme("deep"), 1, None, &media);
    let store = fx.path("new/content/store");
    let log = fx.path("strace.log");
    assert_eq!(
        outcome(child(&fx, &pack, &store, Some(&log))),
        "installed 1"
    );

    let trace = fs::read_to_string(&log).unwrap();
    // `mkdir("/x/y", 0777) = 0` and `fsync(3</x/y>) = 0`, in order.
    let mut made: Vec<PathBuf> = vec![];
    let mut synced_after: Vec<(usize, PathBuf)> = vec![];
    for (n, line) in trace.lines().enumerate() {
        if let Some(rest) = line.split_once("mkdir").map(|(_, r)| r) {
            if line.ends_with("= 0") {
                let path = rest.split('"').nth(1).unwrap();
                made.push(PathBuf::from(path));
                synced_after.push((n, PathBuf::new()));
            }
        } else if line.contains("fsync(") && line.ends_with("= 0") {
            let path = line
                .split('<')
                .nth(1)
                .and_then(|r| r.split('>').next())
                .unwrap();
            synced_after.push((n, PathBuf::from(path)));
        }
    }
    let made_at = |p: &Path| {
        trace
            .lines()
            .position(|l| l.contains(&format!("\"{}\"", p.display())))
    };
    assert!(
        made.len() >= 14,
        "the install made {} folders: {trace}",
        made.len()
    );
    for folder in &made {
        let at = made_at(folder).unwrap();
        let parent = folder.parent().unwrap();
        for needed in [folder.as_path(), parent] {
            assert!(
                synced_after.iter().any(|(n, p)| *n > at && p == needed),
                "{} made but {} never fsynced after",
                folder.display(),
                needed.display()
            );
        }
    }
}
