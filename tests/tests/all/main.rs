//! End-to-end tests in one binary (one link step): the generator, its output on disk, and the
//! generated client talking to the simulator over real HTTP on 127.0.0.1.

mod blocking;
mod client;
mod features;
mod fresh;
mod generation;
mod options;
mod output;
mod triage;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The reference Track-It! document, as checked in beside the generated crate.
pub fn reference_spec() -> Vec<u8> {
    std::fs::read(root().join("generated/swagger.json")).expect("generated/swagger.json is checked in")
}
