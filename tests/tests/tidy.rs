//! Tidy checks that keep ARCHITECTURE.md's invariants true as the code grows:
//! every Rust file says what it is for, libraries do not `unwrap` what input
//! can influence, nothing uses network APIs, and only the app knows Slint.

use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.rs` file under the workspace crates (not `target`, not fuzz builds).
fn rust_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = ["content-pack", "kiosk", "provisioning", "tests"]
        .iter()
        .map(|d| workspace().join(d))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !matches!(name.as_str(), "target" | "corpus" | "artifacts") {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                out.push(path);
            }
        }
    }
    assert!(out.len() > 20, "found only {} Rust files", out.len());
    out
}

#[test]
fn every_rust_file_opens_with_a_purpose_doc() {
    let missing: Vec<_> = rust_files()
        .into_iter()
        .filter(|p| {
            let text = fs::read_to_string(p).unwrap();
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            !first.starts_with("//!")
        })
        .collect();
    assert!(missing.is_empty(), "files without a //! doc: {missing:#?}");
}

/// Library code (outside `#[cfg(test)]` modules) has no `unwrap()`/`expect()`
/// unless marked `// ok: why`.
#[test]
fn libraries_do_not_unwrap() {
    let mut hits = Vec::new();
    for crate_src in ["content-pack/src", "kiosk/core/src"] {
        for path in rust_files()
            .into_iter()
            .filter(|p| p.starts_with(workspace().join(crate_src)))
        {
            let text = fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    break; // test modules sit at the end of a file
                }
                let code = line.split("//").next().unwrap_or("");
                if (code.contains(".unwrap()") || code.contains(".expect("))
                    && !line.contains("// ok:")
                {
                    hits.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        hits.is_empty(),
        "unwrap/expect in library code:\n{}",
        hits.join("\n")
    );
}

#[test]
fn no_crate_uses_network_apis() {
    let banned = [
        "std::net",
        "TcpStream",
        "TcpListener",
        "UdpSocket",
        "tokio::net",
        "reqwest",
        "hyper::",
    ];
    let mut hits = Vec::new();
    for path in rust_files() {
        if path.ends_with("tidy.rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        for b in banned {
            if text.contains(b) {
                hits.push(format!("{}: {b}", path.display()));
            }
        }
    }
    assert!(hits.is_empty(), "network APIs used: {hits:#?}");
}

#[test]
fn only_the_app_depends_on_slint() {
    for manifest in [
        "content-pack/Cargo.toml",
        "kiosk/core/Cargo.toml",
        "provisioning/Cargo.toml",
    ] {
        let text = fs::read_to_string(workspace().join(manifest)).unwrap();
        assert!(!text.contains("slint"), "{manifest} depends on Slint");
    }
    let app = fs::read_to_string(workspace().join("kiosk/app/Cargo.toml")).unwrap();
    assert!(app.contains("slint"));
}
