//! Embeds the sample programme's source folder (`content-pack/sample/`) so
//! `insideout-kiosk --demo` can build and install it on a bare machine: it
//! generates `sample_files.rs`, a table of (relative path, `include_bytes!`).

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

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let sample = manifest.join("../../content-pack/sample");
    println!("cargo:rerun-if-changed={}", sample.display());
    let mut files = Vec::new();
    walk(&sample, &sample, &mut files);
    files.sort();
    let mut code = String::from("/// The sample programme's source files: (path, bytes).\npub(crate) static SAMPLE_FILES: &[(&str, &[u8])] = &[\n");
    for (rel, abs) in files {
        let abs = abs.canonicalize().unwrap_or(abs);
        code.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("sample_files.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
