//! Progress bars (indicatif) for long work: hashing and packing media,
//! verifying large packs. Drawn on stderr, and hidden when it is not a
//! terminal, so scripts see only the result line on stdout.

use indicatif::{ProgressBar, ProgressStyle};

/// A byte-count progress bar with a message.
pub fn bytes(message: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    // The template is a constant known to parse; fall back to the default.
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:12} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_owned());
    bar
}

/// Moves `bar` to `done` of `total`.
pub fn update(bar: &ProgressBar, done: u64, total: u64) {
    bar.set_length(total);
    bar.set_position(done);
}

/// A count progress bar (files, exports) with a message.
pub fn count(message: &str, total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} eta {eta}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_owned());
    bar
}
