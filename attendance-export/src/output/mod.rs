//! The report written out: a terminal table ([`text`]), JSON (serde, in the
//! CLI), tidy CSV tables ([`csv`]) and a self-contained HTML page with SVG
//! charts ([`html`]). Each starts with the report's warnings (not for
//! publication, not verified, exports skipped) and states the disclosure
//! rule; none shows a figure other than as the
//! [`Report`](crate::report::Report) holds it.

pub mod csv;
pub mod html;
pub mod text;

pub use self::text::text;
