//! The report written out: a terminal table ([`text`]), JSON (serde, in the
//! CLI) and tidy CSV tables ([`csv`]). Each starts with the report's warnings (not for
//! publication, not verified, exports skipped) and states the disclosure
//! rule; none shows a figure other than as the [`Report`] holds it.

pub mod csv;
pub mod text;

pub use self::text::text;
