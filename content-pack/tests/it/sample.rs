//! Checks over the sample programme in `content-pack/sample/` (filled in by the sample-programme work).
