//! Integration tests of the content-pack crate, compiled into one binary.

mod sample;
