//! Integration tests of the content-pack crate, compiled into one binary.

mod powercut;
mod props;
mod roundtrip;
mod sample;
mod source_errors;
mod tamper;
mod util;
