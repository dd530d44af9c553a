//! The data folder's layout and `kiosk.toml`.

use std::path::{Path, PathBuf};

use content_pack::{Language, TrustedKey, TrustedKeys};
use serde::{Deserialize, Serialize};

use crate::error::KioskError;

/// Idle minutes before the kiosk locks, when `kiosk.toml` does not say.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
/// Idle minutes before the kiosk locks while a session is in progress (the
/// group talks and nobody touches the screen for a long time).
pub const DEFAULT_SESSION_IDLE_MINUTES: u32 = 30;
/// Seconds of warning, with a countdown, before a lock during a session.
pub const DEFAULT_IDLE_WARNING_SECONDS: u32 = 60;
/// Where USB sticks are mounted, when `kiosk.toml` does not say.
pub const DEFAULT_USB_DIR: &str = "/media/insideout-usb";

/// The files of a kiosk data folder (see DESIGN.md, "Data directory").
#[derive(Debug, Clone)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// The data folder at `root` (nothing is checked yet).
    pub fn new(root: impl Into<PathBuf>) -> DataDir {
        DataDir { root: root.into() }
    }
    /// The folder itself.
    pub fn root(&self) -> &Path {
        &self.root
    }
    /// `kiosk.toml`.
    pub fn config(&self) -> PathBuf {
        self.root.join("kiosk.toml")
    }
    /// `kiosk.key`: the kiosk's unencrypted minisign key, for signing exports.
    pub fn signing_key(&self) -> PathBuf {
        self.root.join("kiosk.key")
    }
    /// `kiosk.pub`: its public key, for `export verify`.
    pub fn public_key(&self) -> PathBuf {
        self.root.join("kiosk.pub")
    }
    /// `secret`: the pseudonymisation key.
    pub fn secret(&self) -> PathBuf {
        self.root.join("secret")
    }
    /// `kiosk.db`.
    pub fn database(&self) -> PathBuf {
        self.root.join("kiosk.db")
    }
    /// `content/`: the content store.
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }

    /// Checks that the folder, its files and the installed packs belong to
    /// the user running this program: a command run as root would otherwise
    /// leave files the kiosk cannot change (and it would then fail with a
    /// misleading "disk full").
    pub fn check_owner(&self) -> Result<(), KioskError> {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        let mut paths = vec![self.root.clone()];
        for name in [
            "kiosk.toml",
            "kiosk.key",
            "secret",
            "kiosk.db",
            "kiosk.db-wal",
            "content",
        ] {
            paths.push(self.root.join(name));
        }
        let packs = self.content().join("packs");
        paths.push(packs.clone());
        if let Ok(entries) = std::fs::read_dir(&packs) {
            paths.extend(entries.filter_map(Result::ok).map(|e| e.path()));
        }
        for path in paths {
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.uid() != me {
                return Err(KioskError::WrongOwner {
                    path,
                    root: self.root.clone(),
                    owner: user_name(meta.uid()),
                    user: user_name(me),
                });
            }
        }
        Ok(())
    }
}

/// A user's name from /etc/passwd, or `uid N`.
fn user_name(uid: u32) -> String {
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let mut parts = line.split(':');
                let name = parts.next()?;
                (parts.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| format!("uid {uid}"))
}

/// The contents of `kiosk.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KioskConfig {
    /// The prison, e.g. "HMP Example".
    pub site: String,
    /// The wing, e.g. "B".
    pub wing: String,
    /// Minutes without a touch or key press before the kiosk locks, when no
    /// session is in progress.
    #[serde(default = "default_idle")]
    pub idle_minutes: u32,
    /// The same while a session is in progress.
    #[serde(default = "default_session_idle")]
    pub session_idle_minutes: u32,
    /// Seconds of warning before a lock during a session (0: none).
    #[serde(default = "default_idle_warning")]
    pub idle_warning_seconds: u32,
    /// The most people in one group.
    #[serde(default = "default_group_limit")]
    pub group_limit: usize,
    /// Whether the PIN pad shows its digits in a new order each time, so the
    /// room cannot learn a PIN from where the fingers go. Unset: on under the
    /// systemd unit (the wing), off elsewhere (the demo, tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scramble_pin_pad: Option<bool>,
    /// Where USB sticks are mounted.
    #[serde(default = "default_usb")]
    pub usb_dir: PathBuf,
    /// The language the kiosk starts in, and goes back to at each sign-out
    /// (`en` or `cy`); the sign-in and run screens switch it for a while.
    #[serde(default)]
    pub language: Language,
    /// The text of each public key whose content packs this kiosk accepts.
    pub trusted_keys: Vec<String>,
    /// Ids of content keys the content team retired by a key rotation: never
    /// accepted again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired_keys: Vec<String>,
}

fn default_idle() -> u32 {
    DEFAULT_IDLE_MINUTES
}
fn default_session_idle() -> u32 {
    DEFAULT_SESSION_IDLE_MINUTES
}
fn default_idle_warning() -> u32 {
    DEFAULT_IDLE_WARNING_SECONDS
}
fn default_group_limit() -> usize {
    crate::runner::GROUP_LIMIT
}
fn default_usb() -> PathBuf {
    PathBuf::from(DEFAULT_USB_DIR)
}

/// Checks a site or wing name: it is written into every export, whose CSV
/// files are opened in spreadsheets, so it may not start with a character a
/// spreadsheet takes as the start of a formula (`=`, `+`, `-`, `@`).
pub(crate) fn check_label(what: &str, s: &str) -> Result<(), String> {
    if s.trim().is_empty() || s.chars().count() > 60 || s.chars().any(char::is_control) {
        return Err(format!(
            "the {what} must be 1 to 60 characters, without control characters"
        ));
    }
    if s.starts_with(['=', '+', '-', '@']) || s.starts_with(char::is_whitespace) {
        return Err(format!(
            "the {what} may not start with a space, `=`, `+`, `-` or `@` (a spreadsheet would take it for a formula)"
        ));
    }
    Ok(())
}

impl KioskConfig {
    /// Reads `kiosk.toml` from a data folder.
    pub fn load(dir: &DataDir) -> Result<KioskConfig, KioskError> {
        let path = dir.config();
        if path.exists() {
            dir.check_owner()?;
        }
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(KioskError::NotProvisioned(dir.root().to_owned()))
            }
            Err(e) => return Err(KioskError::io(&path)(e)),
        };
        let config: KioskConfig = toml::from_str(&text).map_err(|e| KioskError::Config {
            path: path.clone(),
            problem: e.to_string(),
        })?;
        config.trusted()?;
        for (what, label) in [("site", &config.site), ("wing", &config.wing)] {
            check_label(what, label).map_err(|problem| KioskError::Config {
                path: path.clone(),
                problem,
            })?;
        }
        if config.group_limit == 0 || config.session_idle_minutes == 0 || config.idle_minutes == 0 {
            return Err(KioskError::Config {
                path,
                problem: "idle_minutes, session_idle_minutes and group_limit must be above 0"
                    .into(),
            });
        }
        Ok(config)
    }

    /// A configuration with every optional setting at its default.
    pub fn new(site: String, wing: String, usb_dir: PathBuf, trusted_keys: Vec<String>) -> Self {
        KioskConfig {
            site,
            wing,
            idle_minutes: DEFAULT_IDLE_MINUTES,
            session_idle_minutes: DEFAULT_SESSION_IDLE_MINUTES,
            idle_warning_seconds: DEFAULT_IDLE_WARNING_SECONDS,
            group_limit: crate::runner::GROUP_LIMIT,
            scramble_pin_pad: None,
            usb_dir,
            language: Language::En,
            trusted_keys,
            retired_keys: Vec::new(),
        }
    }

    /// Whether the PIN pad is scrambled (see [`KioskConfig::scramble_pin_pad`]).
    pub fn scrambles_pin_pad(&self) -> bool {
        self.scramble_pin_pad
            .unwrap_or_else(|| std::env::var_os("NOTIFY_SOCKET").is_some())
    }

    /// The trusted keys, parsed.
    pub fn trusted(&self) -> Result<TrustedKeys, KioskError> {
        let keys = self
            .trusted_keys
            .iter()
            .map(|k| TrustedKey::from_text(k))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| KioskError::Config {
                path: PathBuf::from("kiosk.toml"),
                problem: format!("a trusted key is not valid: {e}"),
            })?;
        let retired = self
            .retired_keys
            .iter()
            .map(|id| id.parse())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| KioskError::Config {
                path: PathBuf::from("kiosk.toml"),
                problem: format!("a retired key is not valid: {e}"),
            })?;
        Ok(TrustedKeys::new(keys).with_retired(retired))
    }

    /// The file text.
    pub fn to_toml(&self) -> Result<String, KioskError> {
        toml::to_string_pretty(self).map_err(|e| KioskError::Config {
            path: PathBuf::from("kiosk.toml"),
            problem: e.to_string(),
        })
    }
}
