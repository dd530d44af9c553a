//! The compiled Slint UI (`ui/index.slint`): the window, its adapter globals
//! and the structs they carry. The only module that includes generated code.

#![allow(missing_docs, clippy::all, clippy::pedantic)]

slint::include_modules!();
