//! What the page's state needs from around it: a clock, timers, a way to run futures, HTTP,
//! storage, the address bar and desktop notifications. In the page the browser provides them
//! ([`crate::browser::WebEnv`]); the native tests of the state provide a fake whose clock,
//! timers and network they drive by hand. Nothing in `state/` touches the browser otherwise.

use instance_model::ApiError;
use std::future::Future;
use std::pin::Pin;

/// A future run on the page's one thread.
pub type Task<T> = Pin<Box<dyn Future<Output = T>>>;

/// Undoes something when dropped (or when [`Cancel::now`] is called): clears a timer,
/// aborts a request.
#[must_use = "dropping a Cancel cancels what it guards"]
pub struct Cancel(Option<Box<dyn FnOnce()>>);

impl Cancel {
    pub fn new(undo: impl FnOnce() + 'static) -> Cancel {
        Cancel(Some(Box::new(undo)))
    }

    /// Guards nothing (e.g. a timer the browser refused to set).
    pub fn none() -> Cancel {
        Cancel(None)
    }

    /// Forgets the undo without running it: what it guarded has finished by itself.
    pub fn disarm(mut self) {
        self.0 = None;
    }

    pub fn now(mut self) {
        if let Some(undo) = self.0.take() {
            undo();
        }
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        if let Some(undo) = self.0.take() {
            undo();
        }
    }
}

/// One HTTP request to the API. The key travels only in `authorization`, which the
/// environment puts in the `Authorization` header and nowhere else.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub authorization: String,
    /// A JSON body (sent with `Content-Type: application/json`), for POSTs.
    pub body: Option<String>,
    /// Abandoned with [`ApiError::Timeout`] after this long.
    pub timeout_secs: u32,
}

/// An answer, whatever its status.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
}

/// Which browser storage: gone with the tab, or kept on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Session,
    Local,
}

pub trait Env {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> f64;
    /// Calls `callback` once after `delay_ms`, unless the returned guard is dropped first.
    fn set_timeout(&self, delay_ms: u64, callback: Box<dyn FnOnce()>) -> Cancel;
    fn spawn(&self, task: Task<()>);
    /// Sends `request`. The guard aborts it; a request that never got an answer is
    /// `ApiError::Network` (or `Timeout`). Redirects are errors, never followed.
    fn http(&self, request: HttpRequest) -> (Cancel, Task<Result<HttpResponse, ApiError>>);
    fn load(&self, store: Store, name: &str) -> Option<String>;
    /// Writes (or with `None` removes) an item; a refused write only means it is not kept.
    fn save(&self, store: Store, name: &str, value: Option<&str>);
    /// The page address's query string, `?...` or "".
    fn search(&self) -> String;
    /// Puts `search` in the address bar (same path) as a new history entry.
    fn push_search(&self, search: &str);
    /// A desktop notification, if the user allowed them.
    fn notify(&self, title: &str, body: &str);
}
