//! # content-pack
//!
//! The InsideOut programme model and the signed content-pack format: how the
//! content team builds and signs a pack, and how a kiosk checks one from a USB
//! stick and installs it.
//!
//! Main types, in the order trust is gained:
//! - [`Programme`]: sessions, phases, tools and worksheets, with validation.
//! - [`Source`] ([`load_source`]): a pack source folder, loaded and
//!   validated; [`rules::check`] lists every content rule it breaks.
//! - [`SigningKey`], [`TrustedKeys`]: minisign-format keys and signatures.
//! - [`UnverifiedPack`] → [`UnverifiedPack::verify`] → [`VerifiedPack`] →
//!   [`ContentStore::install`] → [`InstalledPack`]: the manifest's contents are
//!   reachable only once its signature has been checked.
//!
//! **Key decision:** the signature covers the exact bytes of `manifest.json`,
//! which lists every file's size and SHA-256. The reader checks the signature
//! before it parses anything else or writes a byte, then checks each file
//! against the manifest as it streams it into a staging folder, and switches
//! the installed pack with one atomic rename.
//!
//! This crate never depends on a UI toolkit and never opens a socket.

#![deny(missing_docs)]

pub mod archive;
pub mod builder;
pub mod error;
pub mod keys;
pub mod language;
pub mod manifest;
pub mod programme;
pub mod readability;
pub mod recording;
pub mod rotation;
pub mod rules;
pub mod source;
pub mod store;
mod tar_reader;
pub mod untrusted;

pub use archive::{Limits, UntrustedInspection, UnverifiedPack, VerifiedPack};
pub use builder::{
    build_new_pack_from_source, build_pack, build_pack_from_source, BuildError, BuildOptions,
    PackInput,
};
pub use error::{PackError, ProgrammeError};
pub use keys::{
    generate_keys, GeneratedKeys, KeyError, KeyId, KeyProtection, SignatureProblem, SigningKey,
    TrustedKey, TrustedKeys,
};
pub use language::{Language, UnknownLanguage};
pub use manifest::{Approval, FileEntry, Manifest, PackPath, FORMAT_VERSION, PRODUCT};
pub use programme::{
    Audio, AudioMade, GuideSection, ParticipantText, Phase, PhaseKind, Point, PointPicture,
    Programme, RoomText, Session, Tool, Translated, Translation, Worksheet, WorksheetField,
    WorksheetKind, AUDIO_EXTENSIONS,
};
pub use rotation::{sign_rotation, Rotation};
pub use rules::{Broken, Finding, Place};
pub use source::{load_source, load_source_with, MediaFile, Origins, Source, SourceError};
pub use store::{
    check_offer, ContentStore, InstallObserver, InstallStep, InstalledPack, NoObserver,
    MAX_CLOCK_LEAD,
};
