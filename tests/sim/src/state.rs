//! Shared server state: configuration, token registry, store, counters, Swagger document.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;

use crate::SimConfig;
use crate::faults::Faults;
use crate::stats::StatsCounters;
use crate::store::{SeedError, Store};
use crate::tokens::TokenRegistry;

/// The reference Swagger 2.0 document served at `swagger/docs/v2` (and `v1`).
const SWAGGER_JSON: &str = include_str!("../fixtures/swagger.json");

pub(crate) type SharedState = Arc<AppState>;

pub(crate) struct AppState {
    pub config: SimConfig,
    pub stats: StatsCounters,
    pub faults: Faults,
    pub swagger: Value,
    tokens: Mutex<TokenRegistry>,
    store: Mutex<Store>,
}

impl AppState {
    pub fn new(config: SimConfig) -> Result<AppState, SeedError> {
        let swagger =
            serde_json::from_str(SWAGGER_JSON).map_err(|source| SeedError::Json { fixture: "swagger.json", source })?;
        Ok(AppState {
            config,
            stats: StatsCounters::default(),
            faults: Faults::default(),
            swagger,
            tokens: Mutex::new(TokenRegistry::default()),
            store: Mutex::new(Store::seeded()?),
        })
    }

    /// The token registry. A panicked handler cannot leave it half-updated in a way that
    /// matters to a simulator, so a poisoned lock is simply taken over.
    pub fn tokens(&self) -> MutexGuard<'_, TokenRegistry> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn revoke_all_tokens(&self) {
        self.tokens().revoke_all();
    }
}
