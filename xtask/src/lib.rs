//! Library side of xtask, so integration tests can reach its modules.

pub mod changes;
pub mod fetch;
