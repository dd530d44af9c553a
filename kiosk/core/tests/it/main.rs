//! kiosk-core's integration tests, one binary. Each module reads as a
//! specification of one part of issue 4.

mod clock;
mod crash;
mod export;
mod facade;
mod handshake;
mod privacy;
mod rotation;
mod runner_props;
mod util;
mod views;
mod words;
