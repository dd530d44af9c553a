//! Screenshots (filled in next).
