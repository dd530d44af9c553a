//! Progress bars (indicatif) for long work.
