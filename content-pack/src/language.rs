//! The languages a programme's room texts come in.
//!
//! English is every pack's base: the content rules and the readability
//! check run on it, and every text has it. A pack may claim more languages
//! in `pack.toml` (`[[translations]]`); then every text the room sees has a
//! version in each, both the usual and the plain words. Adding a language
//! means a variant here, its `_xx` fields in the source format
//! (`crate::source`), the kiosk's catalogue of its own words, and a voice
//! for `pack build --speak` ([`Language::voice`]); `ARCHITECTURE.md` lists
//! the steps.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A language of the room's texts.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English, every pack's base language.
    #[default]
    En,
    /// Welsh (Cymraeg).
    Cy,
}

impl Language {
    /// Every language, English first.
    pub const ALL: [Language; 2] = [Language::En, Language::Cy];

    /// The ISO 639-1 code, as `pack.toml`, `kiosk.toml` and the source
    /// fields' suffix (`title_cy`) spell it.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Cy => "cy",
        }
    }

    /// The language's name in itself, as the language switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Cy => "Cymraeg",
        }
    }

    /// The language's name in English, for staff messages.
    pub fn english_name(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Cy => "Welsh",
        }
    }

    /// The espeak-ng voice `pack build --speak` reads it with.
    pub fn voice(self) -> &'static str {
        match self {
            Language::En => "en-gb",
            Language::Cy => "cy",
        }
    }

    /// Where the version in this language of a picture with words in it
    /// is, by the pack's convention: `media/cy/x.svg` for `media/x.svg`.
    /// `None` for English, whose version is the picture itself. A pack
    /// without it shows the picture itself.
    pub fn picture(self, path: &str) -> Option<String> {
        let rest = path.strip_prefix("media/")?;
        (self != Language::En).then(|| format!("media/{}/{rest}", self.code()))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code that is not one of [`Language::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a language the kiosk has; use one of: {choices}", choices = choices())]
pub struct UnknownLanguage(pub String);

/// "en (English), cy (Welsh)".
fn choices() -> String {
    Language::ALL
        .map(|l| format!("{} ({})", l.code(), l.english_name()))
        .join(", ")
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(code: &str) -> Result<Language, UnknownLanguage> {
        Language::ALL
            .into_iter()
            .find(|l| l.code() == code)
            .ok_or_else(|| UnknownLanguage(code.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_ones_name_the_choices() {
        for l in Language::ALL {
            assert_eq!(l.code().parse::<Language>(), Ok(l));
            assert_eq!(
                serde_json::to_string(&l).unwrap(),
                format!("\"{}\"", l.code())
            );
        }
        let e = "fr".parse::<Language>().unwrap_err().to_string();
        assert!(e.contains("`fr`") && e.contains("cy (Welsh)"), "{e}");
    }
}
