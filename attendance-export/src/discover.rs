//! Finding the bundles in what a data officer points the report at: a
//! bundle folder, the stick's folder, or any folder of them (three levels
//! deep at most, never following a symbolic link). Every entry is either
//! found or listed as skipped with the reason, so nothing is left out
//! silently.

use std::fs;
use std::path::{Path, PathBuf};

use content_pack::manifest::MANIFEST_NAME;
use content_pack::untrusted::shown_str;

use crate::bundle::{is_clutter, PARTIAL_PREFIX};
use crate::report::Skipped;

/// Folders below the one given that are searched.
const MAX_DEPTH: usize = 3;
/// Largest number of entries looked at in all (a stick is not a disk).
const MAX_ENTRIES: usize = 100_000;

/// What was found.
#[derive(Debug, Default)]
pub struct Found {
    /// Folders holding a `manifest.json`: bundles to open, in name order.
    pub bundles: Vec<PathBuf>,
    /// Everything else, and why it is not read.
    pub skipped: Vec<Skipped>,
}

/// Finds the bundles in `paths`.
pub fn find_bundles(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    let mut budget = MAX_ENTRIES;
    for p in paths {
        visit(p, 0, true, &mut found, &mut budget);
    }
    found.bundles.sort();
    found.bundles.dedup();
    found
}

fn skip(found: &mut Found, path: &Path, reason: &str) {
    found.skipped.push(Skipped {
        path: shown_str(&path.display().to_string()),
        reason: reason.to_owned(),
    });
}

fn visit(path: &Path, depth: usize, given: bool, found: &mut Found, budget: &mut usize) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return skip(found, path, &format!("cannot be read ({e})")),
    };
    if meta.file_type().is_symlink() {
        return skip(found, path, "a link, not followed");
    }
    if !meta.is_dir() {
        if !given && is_clutter(&name) {
            return;
        }
        return skip(found, path, "not an export folder");
    }
    if name.starts_with(PARTIAL_PREFIX) {
        return skip(
            found,
            path,
            "an export that did not finish (the stick was pulled out or filled up); export again on the kiosk",
        );
    }
    if path.join(MANIFEST_NAME).exists() {
        found.bundles.push(path.to_owned());
        return;
    }
    if depth >= MAX_DEPTH {
        return skip(
            found,
            path,
            "too deep below the folder given; point the report at it",
        );
    }
    let entries = match fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => return skip(found, path, &format!("cannot be read ({e})")),
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        if *budget == 0 {
            return skip(
                found,
                path,
                "too many files to look through; point the report at the export folders",
            );
        }
        *budget -= 1;
        match entry {
            Ok(e) => children.push(e.path()),
            Err(e) => return skip(found, path, &format!("cannot be read ({e})")),
        }
    }
    children.sort();
    let before = found.bundles.len();
    for c in children {
        // Below the folder given, only folders are of interest: files are
        // the stick's other contents (packs, notes) and are not listed.
        if c.is_dir() || c.is_symlink() {
            visit(&c, depth + 1, false, found, budget);
        }
    }
    if given && found.bundles.len() == before {
        skip(found, path, "holds no export folders (insideout-export_…)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stick_folder_gives_its_bundles_and_says_what_it_skipped() {
        let t = tempfile::tempdir().unwrap();
        let stick = t.path();
        for d in [
            "insideout-export_A_B_1",
            "old/insideout-export_A_B_2",
            ".partial-insideout-export_A_B_3",
            "photos",
            ".Trashes",
        ] {
            fs::create_dir_all(stick.join(d)).unwrap();
        }
        for b in ["insideout-export_A_B_1", "old/insideout-export_A_B_2"] {
            fs::write(stick.join(b).join("manifest.json"), "{}").unwrap();
        }
        fs::write(stick.join("programme.iopack"), "x").unwrap();
        std::os::unix::fs::symlink("/etc", stick.join("link")).unwrap();
        let found = find_bundles(&[stick.to_owned()]);
        assert_eq!(
            found.bundles,
            [
                stick.join("insideout-export_A_B_1"),
                stick.join("old/insideout-export_A_B_2")
            ]
        );
        let reasons: Vec<String> = found
            .skipped
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    Path::new(&s.path).file_name().unwrap().to_string_lossy(),
                    s.reason
                )
            })
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r
                    .starts_with(".partial-insideout-export_A_B_3 an export that did not finish")),
            "{reasons:?}"
        );
        assert!(
            reasons.iter().any(|r| r == "link a link, not followed"),
            "{reasons:?}"
        );
        // Empty folders below are not exports but say nothing worth listing.
        assert!(
            !reasons.iter().any(|r| r.starts_with("programme.iopack")),
            "{reasons:?}"
        );
        let none = find_bundles(&[stick.join("photos"), stick.join("programme.iopack")]);
        assert!(none.bundles.is_empty());
        assert_eq!(none.skipped.len(), 2, "{:?}", none.skipped);
    }
}
