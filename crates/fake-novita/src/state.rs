//! What the server remembers between requests: the instances it serves (which tests may change
//! while it runs), every request it saw, and whether it has been told to stop.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;
use tokio::sync::watch;

use crate::fixtures::{self, FIXTURES};
use crate::script::{Failures, StatusScript};

/// One request as it arrived, for tests to assert what the app sent.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The query string as sent, still percent-encoded.
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub origin: Option<String>,
    pub body: String,
}

/// Shared by every request handler and by the [`crate::FakeNovita`] handle.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    // Raw text rather than parsed values: fixtures must reach the client byte for byte.
    instances: Mutex<HashMap<String, String>>,
    requests: Mutex<Vec<RecordedRequest>>,
    scripts: Mutex<HashMap<String, StatusScript>>,
    failures: Mutex<Failures>,
    shutdown: watch::Sender<bool>,
}

/// A test that panicked while holding a lock must not make every later request panic too.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// A state holding every fixture under its `"id"`.
    pub fn with_fixtures() -> io::Result<AppState> {
        let mut instances = HashMap::new();
        for (name, text) in FIXTURES {
            let value: Value = serde_json::from_str(text).map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("fixture {name}.json is not JSON: {err}"),
                )
            })?;
            let id = fixtures::id_of(&value).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("fixture {name}.json has no string or number \"id\""),
                )
            })?;
            instances.insert(id, (*text).to_owned());
        }
        Ok(AppState {
            inner: Arc::new(Inner {
                instances: Mutex::new(instances),
                requests: Mutex::new(Vec::new()),
                scripts: Mutex::new(HashMap::new()),
                failures: Mutex::new(Failures::default()),
                shutdown: watch::Sender::new(false),
            }),
        })
    }

    pub(crate) fn raw_instance(&self, id: &str) -> Option<String> {
        lock(&self.inner.instances).get(id).cloned()
    }

    pub fn instance(&self, id: &str) -> Option<Value> {
        let raw = self.raw_instance(id)?;
        serde_json::from_str(&raw).ok()
    }

    /// Inserts or replaces by the instance's `"id"`.
    ///
    /// # Panics
    /// When the value has no string or number `"id"`: a test that stores an instance nobody
    /// can ask for is a mistake better reported at once.
    pub fn put_instance(&self, instance: Value) {
        let Some(id) = fixtures::id_of(&instance) else {
            panic!("put_instance: the instance needs a string or number \"id\", got {instance}");
        };
        lock(&self.inner.instances).insert(id, instance.to_string());
    }

    /// Returns false when no instance has that id.
    pub fn set_status(&self, id: &str, status: &str) -> bool {
        let mut instances = lock(&self.inner.instances);
        let Some(raw) = instances.get_mut(id) else {
            return false;
        };
        let Ok(mut value) = serde_json::from_str::<Value>(raw) else {
            return false;
        };
        let Some(object) = value.as_object_mut() else {
            return false;
        };
        object.insert("status".to_owned(), Value::String(status.to_owned()));
        *raw = value.to_string();
        true
    }

    /// Plays the instance through `steps` (status, offset from now): each Get Instance
    /// answers with the latest status whose offset has passed. A new script replaces the old.
    pub fn play_statuses(&self, id: &str, steps: &[(&str, std::time::Duration)]) {
        lock(&self.inner.scripts).insert(id.to_owned(), StatusScript::new(steps));
    }

    /// The next `times` Get Instance answers for `id` are those of the scenario id instead
    /// (e.g. `fail-503-empty`, `fail-429`); `times` = 0 clears it.
    pub fn fail_next(&self, id: &str, scenario: &str, times: u32) {
        lock(&self.inner.failures).set(id, scenario, times);
    }

    pub(crate) fn take_failure(&self, id: &str) -> Option<String> {
        lock(&self.inner.failures).take(id)
    }

    /// Brings a scripted instance's status up to date before it is served.
    pub(crate) fn apply_script(&self, id: &str) {
        let status = lock(&self.inner.scripts)
            .get(id)
            .and_then(|s| s.status_now().map(str::to_owned));
        if let Some(status) = status {
            let current = self
                .instance(id)
                .and_then(|v| v.get("status").and_then(|s| s.as_str().map(str::to_owned)));
            if current.as_deref() != Some(status.as_str()) {
                self.set_status(id, &status);
            }
        }
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        lock(&self.inner.requests).push(request);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.requests).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.inner.requests).clear();
    }

    /// Tells the server to stop accepting and wakes every request that is deliberately
    /// waiting, so a graceful shutdown never waits on `hang`.
    pub fn begin_shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    /// Completes once [`AppState::begin_shutdown`] has been called.
    pub async fn shutdown_requested(&self) {
        let mut stopped = self.inner.shutdown.subscribe();
        // The sender lives as long as `self`, so this cannot fail while we wait.
        let _ = stopped.wait_for(|stop| *stop).await;
    }
}
