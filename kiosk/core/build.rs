//! Generates two tables for kiosk-core:
//!
//! - `sample_files.rs`: the sample programme's source folder
//!   (`content-pack/sample/`), (relative path, `include_bytes!`), so
//!   `insideout-kiosk --demo` can build and install it on a bare machine;
//! - `cy.rs`: the Welsh catalogue, `kiosk/lang/cy/LC_MESSAGES/kiosk.po` (the
//!   one the Slint UI bundles too), as a table sorted by the English, for
//!   the view-models' words. A catalogue that does not parse stops the build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(root, &p, out);
        } else if p.is_file() {
            if let Ok(rel) = p.strip_prefix(root) {
                out.push((rel.to_string_lossy().replace('\\', "/"), p.clone()));
            }
        }
    }
}

fn sample_files(manifest: &Path) -> String {
    let sample = manifest.join("../../content-pack/sample");
    println!("cargo:rerun-if-changed={}", sample.display());
    let mut files = Vec::new();
    walk(&sample, &sample, &mut files);
    files.sort();
    let mut code = String::from("/// The sample programme's source files: (path, bytes).\npub(crate) static SAMPLE_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in files {
        let abs = abs.canonicalize().unwrap_or(abs);
        let _ = writeln!(
            code,
            "    ({rel:?}, include_bytes!({:?})),",
            abs.display().to_string()
        );
    }
    code.push_str("];\n");
    code
}

fn welsh(manifest: &Path) -> String {
    let po = manifest.join("../lang/cy/LC_MESSAGES/kiosk.po");
    println!("cargo:rerun-if-changed={}", po.display());
    let catalogue = match rspolib::pofile(po.as_path()) {
        Ok(c) => c,
        Err(e) => panic!("{} does not parse: {e}", po.display()),
    };
    let mut words: Vec<(&str, &str)> = catalogue
        .entries
        .iter()
        .filter(|e| !e.obsolete && !e.flags.iter().any(|f| f == "fuzzy"))
        .filter_map(|e| Some((e.msgid.as_str(), e.msgstr.as_deref()?)))
        .filter(|(_, cy)| !cy.is_empty())
        .collect();
    words.sort();
    words.dedup_by(|a, b| a.0 == b.0);
    let mut code = String::from(
        "/// English → Welsh, sorted by the English.\npub(crate) static CY: &[(&str, &str)] = &[\n",
    );
    for (en, cy) in words {
        let _ = writeln!(code, "    ({en:?}, {cy:?}),");
    }
    code.push_str("];\n");
    code
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("sample_files.rs"), sample_files(&manifest))
        .expect("OUT_DIR is writable");
    std::fs::write(out.join("cy.rs"), welsh(&manifest)).expect("OUT_DIR is writable");
}
