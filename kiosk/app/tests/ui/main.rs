//! UI tests: the real window (built by `kiosk::init`) on Slint's testing
//! backend, driven by accessible labels the way a screen reader or a
//! facilitator would, with assertions on what kiosk-core recorded.
//! Run with `cargo test -p kiosk`; no display is needed.

mod idle;
mod layout;
mod room;
mod screenshots;
mod session;
mod sign_in;
mod transfer;
mod util;
mod welsh;
