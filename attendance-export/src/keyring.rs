//! The service's keyring: a folder of kiosk public keys, each named by the
//! site and wing it belongs to (`HMP-Example_B.pub`, the site and wing as in
//! the kiosk's export folder names: letters, digits and `-`).
//!
//! `export verify` and `export report --kiosk-keys DIR` check every bundle's
//! signature against the keyring, and that the site and wing its signed
//! manifest names are the ones its key's file is named for: a wing's kiosk
//! cannot speak for another wing, whatever it writes in its manifest.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use content_pack::untrusted::shown_str;
use content_pack::{KeyError, KeyId, TrustedKey, TrustedKeys};

use crate::bundle::{open_bundle, BundleError, BundleTrust, OpenedBundle};

/// Largest number of keys read from one folder.
const MAX_KEYS: usize = 10_000;

/// A label as it appears in file names: letters and digits kept, anything
/// else `-`, at most 40 characters (FAT32-safe, never `_`).
pub fn file_safe(label: &str) -> String {
    let mut out: String = label
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out.truncate(40);
    out
}

/// The name (without `.pub`) a kiosk's key has in the keyring.
pub fn key_file_stem(site: &str, wing: &str) -> String {
    format!("{}_{}", file_safe(site), file_safe(wing))
}

/// Where a key belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The site part of its file name.
    pub site: String,
    /// The wing part.
    pub wing: String,
    /// The file it came from.
    pub file: PathBuf,
}

impl Binding {
    fn matches(&self, site: &str, wing: &str) -> bool {
        self.site.eq_ignore_ascii_case(&file_safe(site))
            && self.wing.eq_ignore_ascii_case(&file_safe(wing))
    }
}

impl fmt::Display for Binding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.site, self.wing)
    }
}

/// The keyring could not be read, or a bundle does not fit it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyringError {
    /// The folder could not be read.
    #[error("cannot read the kiosk keys folder {path}: {cause}")]
    Read {
        /// The folder.
        path: PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// No `.pub` files in it.
    #[error("{0} holds no kiosk keys (.pub files named SITE_WING.pub, e.g. HMP-Example_B.pub)")]
    Empty(PathBuf),
    /// A file name is not `SITE_WING.pub`.
    #[error("{0}: a kiosk key's file must be named SITE_WING.pub (letters, digits and -, e.g. HMP-Example_B.pub), so the report knows which wing it belongs to; rename it")]
    BadName(String),
    /// A key file is not a key.
    #[error("{file}: {cause}")]
    BadKey {
        /// The file.
        file: String,
        /// Why.
        cause: KeyError,
    },
    /// One key under two names.
    #[error("{first} and {second} hold the same key ({key}); one kiosk key belongs to one wing: remove the wrong file")]
    TwoNames {
        /// The key.
        key: KeyId,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
    /// Too many files.
    #[error(
        "{0} holds more than {MAX_KEYS} files; point --kiosk-keys at the folder of kiosk keys only"
    )]
    TooMany(PathBuf),
}

/// Kiosk keys, each bound to a site and wing if it came from a keyring folder.
pub struct Keyring {
    keys: TrustedKeys,
    bound: HashMap<KeyId, Binding>,
}

/// A bundle refused by [`Keyring::open`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The bundle itself.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// Signed by a wing's key, but names another wing.
    #[error("it is signed by the key of {binding} ({file}) but says it is from {site} {wing}; do not use it")]
    WrongWing {
        /// Where the key belongs (site and wing as in its file name).
        binding: String,
        /// The key file, for display.
        file: String,
        /// The site the manifest names.
        site: String,
        /// The wing the manifest names.
        wing: String,
    },
}

impl Keyring {
    /// Reads every `SITE_WING.pub` in `dir` (other files are ignored).
    pub fn load(dir: &Path) -> Result<Keyring, KeyringError> {
        let read = |cause| KeyringError::Read {
            path: dir.to_owned(),
            cause,
        };
        let mut names: Vec<PathBuf> = Vec::new();
        for entry in fs::read_dir(dir).map_err(read)? {
            let path = entry.map_err(read)?.path();
            if path.extension().is_some_and(|e| e == "pub") {
                names.push(path);
            }
            if names.len() > MAX_KEYS {
                return Err(KeyringError::TooMany(dir.to_owned()));
            }
        }
        names.sort();
        if names.is_empty() {
            return Err(KeyringError::Empty(dir.to_owned()));
        }
        let mut keys = Vec::new();
        let mut bound: HashMap<KeyId, Binding> = HashMap::new();
        for file in names {
            let shown = shown_str(&file.display().to_string());
            let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let parts = stem.split_once('_').filter(|(site, wing)| {
                let ok = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                };
                ok(site) && ok(wing)
            });
            let Some((site, wing)) = parts else {
                return Err(KeyringError::BadName(shown));
            };
            let key = TrustedKey::from_file(&file).map_err(|cause| KeyringError::BadKey {
                file: shown.clone(),
                cause,
            })?;
            let binding = Binding {
                site: site.to_owned(),
                wing: wing.to_owned(),
                file: file.clone(),
            };
            if let Some(first) = bound.get(&key.key_id()) {
                if !(first.site.eq_ignore_ascii_case(site) && first.wing.eq_ignore_ascii_case(wing))
                {
                    return Err(KeyringError::TwoNames {
                        key: key.key_id(),
                        first: shown_str(&first.file.display().to_string()),
                        second: shown,
                    });
                }
                continue;
            }
            bound.insert(key.key_id(), binding);
            keys.push(key);
        }
        Ok(Keyring {
            keys: TrustedKeys::new(keys),
            bound,
        })
    }

    /// Keys given one by one (`--kiosk-key`): trusted for any site and wing.
    pub fn unbound(keys: Vec<TrustedKey>) -> Keyring {
        Keyring {
            keys: TrustedKeys::new(keys),
            bound: HashMap::new(),
        }
    }

    /// Adds unbound keys.
    pub fn with_unbound(self, more: Vec<TrustedKey>) -> Keyring {
        let mut all: Vec<TrustedKey> = self
            .keys
            .ids()
            .into_iter()
            .filter_map(|id| self.keys.get(id).cloned())
            .collect();
        all.extend(more);
        Keyring {
            keys: TrustedKeys::new(all),
            bound: self.bound,
        }
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.keys.ids().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Opens a bundle: its signature must be by one of the keys, and a key
    /// from a keyring folder must be the one of the site and wing it names.
    pub fn open(&self, dir: &Path) -> Result<OpenedBundle, OpenError> {
        let b = open_bundle(dir, BundleTrust::SignedBy(&self.keys))?;
        if let Some(binding) = b.signer().and_then(|k| self.bound.get(&k)) {
            let m = b.manifest();
            if !binding.matches(&m.site, &m.wing) {
                return Err(OpenError::WrongWing {
                    file: shown_str(&binding.file.display().to_string()),
                    binding: binding.to_string(),
                    site: shown_str(&m.site),
                    wing: shown_str(&m.wing),
                });
            }
        }
        Ok(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_export_folder_names_labels() {
        assert_eq!(key_file_stem("HMP Example", "B"), "HMP-Example_B");
        assert_eq!(
            key_file_stem("HMP Ex_ample", "B wing"),
            "HMP-Ex-ample_B-wing"
        );
    }
}
