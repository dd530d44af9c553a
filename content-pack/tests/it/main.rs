//! Integration tests of the content-pack crate, compiled into one binary.

mod audio;
mod hostile;
mod powercut;
mod processes;
mod props;
mod readability;
mod recordings;
mod rotation;
mod roundtrip;
mod rules;
mod sample;
mod source_errors;
mod tamper;
mod util;
