//! The signed manifest: what a pack is, who approved it, and every file in it
//! with its size and SHA-256.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::PackError;

/// The pack format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// The product string a kiosk of this generation accepts.
pub const PRODUCT: &str = "insideout-kiosk/1";

/// Name of the manifest entry, always first in the archive.
pub const MANIFEST_NAME: &str = "manifest.json";
/// Name of the signature entry, always second.
pub const SIGNATURE_NAME: &str = "manifest.sig";
/// Name of the programme file every pack carries.
pub const PROGRAMME_NAME: &str = "programme.json";

/// The contents of `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Pack format version; see [`FORMAT_VERSION`].
    pub format: u32,
    /// Names the programme line, e.g. `insideout-sample`.
    pub pack_id: String,
    /// The product this pack is for; see [`PRODUCT`].
    pub compatible: String,
    /// Strictly increasing release number.
    pub version: u64,
    /// When the pack was built.
    pub created: DateTime<Utc>,
    /// After this moment the pack is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime<Utc>>,
    /// Who approved this content, and their reference.
    pub approval: Approval,
    /// Id of the key that signed this manifest (16 hex digits).
    pub signer_key_id: String,
    /// Every file in the pack after the manifest and signature, in archive order.
    pub files: Vec<FileEntry>,
}

/// Who approved the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Name or role of the approver, e.g. "Content lead, HMP Example".
    pub approved_by: String,
    /// Their reference for this release, e.g. "CR-2026-014".
    pub reference: String,
}

/// One file of the pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// Relative path inside the pack.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the contents, lower-case hex.
    pub sha256: String,
}

impl Manifest {
    /// Total bytes of all listed files.
    pub fn total_bytes(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }

    /// The entry for `path`.
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// A path allowed inside a pack: relative, forward slashes, each component
/// made of letters, digits, `.`, `_` and `-`, none starting with a dot.
/// Anything else is refused, so a path can never escape the install folder
/// or mean different things on different file systems.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PackPath(String);

/// Longest path allowed in a pack.
pub const MAX_PATH_LEN: usize = 200;

impl PackPath {
    /// Validates `path`.
    pub fn new(path: &str) -> Result<PackPath, &'static str> {
        if path.is_empty() {
            return Err("the path is empty");
        }
        if path.len() > MAX_PATH_LEN {
            return Err("the path is too long");
        }
        if path.starts_with('/') {
            return Err("absolute paths are not allowed");
        }
        if path.contains('\\') {
            return Err("backslashes are not allowed");
        }
        for part in path.split('/') {
            if part == ".." {
                return Err("`..` is not allowed");
            }
            if part.is_empty() || part == "." {
                return Err("empty or `.` path parts are not allowed");
            }
            if part.starts_with('.') {
                return Err("hidden names (starting with a dot) are not allowed");
            }
            if !part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            {
                return Err("only letters, digits, `.`, `_` and `-` are allowed in names");
            }
        }
        Ok(PackPath(path.to_owned()))
    }

    /// The path as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PackPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses and checks the manifest's own rules (called only on signed bytes).
pub(crate) fn parse_manifest(bytes: &[u8]) -> Result<Manifest, PackError> {
    // Read the format first, so a newer format gets the "update the kiosk"
    // message rather than a parse error about fields it added.
    #[derive(Deserialize)]
    struct FormatOnly {
        format: u32,
    }
    let format: FormatOnly =
        serde_json::from_slice(bytes).map_err(|e| PackError::ManifestInvalid(e.to_string()))?;
    if format.format != FORMAT_VERSION {
        return Err(PackError::UnsupportedFormat {
            found: format.format,
            supported: FORMAT_VERSION,
        });
    }
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| PackError::ManifestInvalid(e.to_string()))?;
    let mut seen = std::collections::HashSet::new();
    for f in &manifest.files {
        PackPath::new(&f.path).map_err(|reason| PackError::BadPath {
            path: f.path.clone(),
            reason,
        })?;
        if f.path == MANIFEST_NAME || f.path == SIGNATURE_NAME {
            return Err(PackError::BadPath {
                path: f.path.clone(),
                reason: "that name is reserved",
            });
        }
        if !seen.insert(f.path.as_str()) {
            return Err(PackError::BadPath {
                path: f.path.clone(),
                reason: "it is listed twice",
            });
        }
        if f.sha256.len() != 64
            || !f
                .sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(PackError::BadPath {
                path: f.path.clone(),
                reason: "its SHA-256 is not 64 lower-case hex digits",
            });
        }
    }
    // A folder and a file of the same name cannot both be installed.
    for f in &manifest.files {
        let prefix = format!("{}/", f.path);
        if manifest.files.iter().any(|g| g.path.starts_with(&prefix)) {
            return Err(PackError::BadPath {
                path: f.path.clone(),
                reason: "it is both a file and a folder",
            });
        }
    }
    if manifest.file(PROGRAMME_NAME).is_none() {
        return Err(PackError::MissingFile(PROGRAMME_NAME.into()));
    }
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_paths() {
        for ok in ["programme.json", "media/a.png", "media/sub/b-c_d.ogg"] {
            assert!(PackPath::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../b",
            "a//b",
            "./a",
            ".hidden",
            "a\\b",
            "a:b",
            "é",
            "a/",
            "a b",
        ] {
            assert!(PackPath::new(bad).is_err(), "{bad}");
        }
    }
}
