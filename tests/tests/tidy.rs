//! Tidy checks that keep ARCHITECTURE.md's invariants true as the code grows:
//! every Rust file says what it is for, no crate `unwrap`s what input can
//! influence, nothing uses network APIs, only the app knows Slint, the app
//! only binds (it does not know the content format), and no crate's modules
//! import each other in a cycle.

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

/// Crate code (outside `#[cfg(test)]` modules: the libraries, the app and
/// the staff CLI) has no `unwrap()`/`expect()` unless marked `// ok: why`.
#[test]
fn libraries_do_not_unwrap() {
    let mut hits = Vec::new();
    for crate_src in [
        "content-pack/src",
        "kiosk/core/src",
        "kiosk/app/src",
        "provisioning/src",
    ] {
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
        "attendance-export/Cargo.toml",
        "kiosk/core/Cargo.toml",
        "provisioning/Cargo.toml",
    ] {
        let text = fs::read_to_string(workspace().join(manifest)).unwrap();
        assert!(!text.contains("slint"), "{manifest} depends on Slint");
    }
    let app = fs::read_to_string(workspace().join("kiosk/app/Cargo.toml")).unwrap();
    assert!(app.contains("slint"));
}

/// The service side reads exports from USB sticks and runs on a data
/// officer's machine: its crate links no SQLite, no Argon2 and none of the
/// kiosk's code (the demo among it), as cargo's own dependency tree shows.
#[test]
fn the_report_path_links_no_sqlite_argon2_or_kiosk_code() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "attendance-export",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--locked",
            "--offline",
        ])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.starts_with("attendance-export "), "{tree}");
    assert!(tree.contains("content-pack "), "{tree}");
    for banned in [
        "rusqlite",
        "libsqlite3-sys",
        "argon2",
        "kiosk-core",
        "slint",
    ] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{banned} "))),
            "attendance-export links {banned}:\n{tree}"
        );
    }
}

/// The app only binds kiosk-core's view-models: it does not depend on the
/// content format, so no decision about a session or tool can live there.
#[test]
fn the_app_only_binds() {
    let manifest = fs::read_to_string(workspace().join("kiosk/app/Cargo.toml")).unwrap();
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("the app has a [dependencies] section");
    assert!(
        !deps.contains("content-pack"),
        "kiosk/app depends on content-pack:\n{deps}"
    );
    let src = workspace().join("kiosk/app/src");
    let uses: Vec<_> = rust_files()
        .into_iter()
        .filter(|p| p.starts_with(&src))
        .filter(|p| fs::read_to_string(p).unwrap().contains("content_pack"))
        .collect();
    assert!(uses.is_empty(), "the app names content_pack: {uses:#?}");
}

/// The top-level module a source file belongs to (`kiosk/session.rs` and
/// `kiosk/mod.rs` both belong to `kiosk`).
fn top_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// `crate::a::…` paths a file names, as the top-level module `a`.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        // Not `kiosk_crate::`, not inside a longer identifier.
        if text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.push(name);
        }
        // `use crate::{a, b::c}`: every name in the braces.
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
    }
    out
}

#[test]
fn no_crate_has_a_module_import_cycle() {
    use std::collections::{BTreeMap, BTreeSet};
    for crate_src in [
        "content-pack/src",
        "kiosk/core/src",
        "kiosk/app/src",
        "provisioning/src",
    ] {
        let src = workspace().join(crate_src);
        let files: Vec<PathBuf> = rust_files()
            .into_iter()
            .filter(|p| p.starts_with(&src))
            .collect();
        let modules: BTreeSet<String> = files.iter().map(|f| top_module(&src, f)).collect();
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &files {
            let from = top_module(&src, file);
            if from == "lib" || from == "main" {
                continue; // the crate root re-exports; it is not a module
            }
            let text = fs::read_to_string(file).unwrap();
            // Imports in test modules and names in comments do not count.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for to in crate_paths(&code) {
                if to != from && modules.contains(&to) && to != "lib" {
                    edges.entry(from.clone()).or_default().insert(to);
                }
            }
        }
        // Depth-first search for a path back to where it started.
        fn cycle(
            edges: &BTreeMap<String, BTreeSet<String>>,
            path: &mut Vec<String>,
        ) -> Option<Vec<String>> {
            let last = path.last().cloned().unwrap();
            for next in edges.get(&last).into_iter().flatten() {
                if let Some(at) = path.iter().position(|p| p == next) {
                    let mut c = path[at..].to_vec();
                    c.push(next.clone());
                    return Some(c);
                }
                path.push(next.clone());
                if let Some(c) = cycle(edges, path) {
                    return Some(c);
                }
                path.pop();
            }
            None
        }
        for start in edges.keys() {
            if let Some(c) = cycle(&edges, &mut vec![start.clone()]) {
                panic!(
                    "{crate_src}: modules import each other in a cycle: {}",
                    c.join(" → ")
                );
            }
        }
    }
}
