//! A local stand-in for the Novita GPU instance API, for tests that cannot reach Novita.
//!
//! It serves the shared fixtures under their ids, a set of scenario ids that reproduce the
//! failures and oddities the real API (and whatever sits in front of it) is known for, and
//! records every request so tests can check what the app sent.

mod api;
mod big;
mod cors;
mod errors;
mod fixtures;
pub mod logs;
mod record;
mod scenarios;
mod script;
mod state;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;

pub use fixtures::{fixture, FIXTURES};
pub use state::{AppState, RecordedRequest};

/// The one key the server accepts. Not a real Novita key.
pub const TEST_API_KEY: &str = "sk_test_fake_7d1c9e2b4a6f8053";

/// The Get Instance path, the same as on `https://api.novita.ai`.
pub const INSTANCE_PATH: &str = "/gpu-instance/openapi/v1/gpu/instance";

/// All routes, with recording outermost so even preflights and unknown paths are kept.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(INSTANCE_PATH, get(api::get_instance))
        .route(
            "/gpu-instance/openapi/v1/gpu/instance/{action}",
            post(api::action),
        )
        .nest_service(logs::LOGS_PREFIX, logs::router(state.clone()))
        .fallback(api::fallback)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(from_fn(cors::cors))
        .layer(from_fn_with_state(state.clone(), record::record))
        .with_state(state)
}

/// Serves until [`AppState::begin_shutdown`] is called, then finishes the requests in flight.
pub async fn serve(listener: TcpListener, state: AppState) -> io::Result<()> {
    let stop = state.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move { stop.shutdown_requested().await })
        .await
}

/// A running server on a free loopback port, stopped when dropped.
pub struct FakeNovita {
    addr: SocketAddr,
    state: AppState,
}

impl FakeNovita {
    /// Binds 127.0.0.1:0 and serves on the current tokio runtime.
    pub async fn start() -> io::Result<FakeNovita> {
        let state = AppState::with_fixtures()?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(serve(listener, state.clone()));
        Ok(FakeNovita { addr, state })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash, ready to be the app's API base.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// Inserts or replaces by the instance's `"id"` (a string, or a number served as text).
    ///
    /// # Panics
    /// When the value has no string or number `"id"`.
    pub fn put_instance(&self, instance: Value) {
        self.state.put_instance(instance);
    }

    /// Returns false when no stored instance has that id.
    pub fn set_status(&self, id: &str, status: &str) -> bool {
        self.state.set_status(id, status)
    }

    pub fn instance(&self, id: &str) -> Option<Value> {
        self.state.instance(id)
    }

    /// Plays an instance through statuses on a clock: `[("creating", 0 s), ("running",
    /// 2 s)]`. See [`AppState::play_statuses`].
    pub fn play_statuses(&self, id: &str, steps: &[(&str, std::time::Duration)]) {
        self.state.play_statuses(id, steps);
    }

    /// Makes the next `times` answers for `id` those of a scenario id, such as
    /// `fail-503-empty` or `fail-429`. See [`AppState::fail_next`].
    pub fn fail_next(&self, id: &str, scenario: &str, times: u32) {
        self.state.fail_next(id, scenario, times);
    }

    /// The shared state, for a test that wants to hand it to [`router`] itself.
    pub fn state(&self) -> &AppState {
        &self.state
    }
}

impl Drop for FakeNovita {
    fn drop(&mut self) {
        self.state.begin_shutdown();
    }
}
