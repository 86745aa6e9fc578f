//! Integration tests of the runtime: against the Track-It! simulator, and against a raw
//! recording server for the exact wire format. One binary, so the crate links once.

mod layers;
mod login;
mod redaction;
mod renewal;
mod support;
mod wire;
