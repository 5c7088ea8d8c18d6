//! The concurrency limit on API calls: at most `--max-concurrent` at once, each holding its slot
//! from before its request body is read until its answer has been sent (or the client has gone),
//! so the memory they use is really bounded by slots x (request cap + response cap). A call
//! that finds no free slot waits briefly, then gets a JSON 503 with `Retry-After`.
//!
//! Not tower's `ConcurrencyLimit`: that one waits without end for a slot and gives it back as
//! soon as the answer's headers are ready, while its body may still be in memory.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;

use crate::body::Held;
use crate::error::json_error;

#[derive(Clone)]
pub(crate) struct Slots {
    semaphore: Arc<Semaphore>,
    wait: Duration,
}

impl Slots {
    pub(crate) fn new(count: usize, wait: Duration) -> Slots {
        Slots {
            semaphore: Arc::new(Semaphore::new(count.max(1))),
            wait,
        }
    }
}

/// Middleware: takes a slot (or answers 503), runs the rest, and ties the slot to the body.
pub(crate) async fn take_slot(
    State(slots): State<Slots>,
    request: Request,
    next: Next,
) -> Response {
    let acquired = tokio::time::timeout(slots.wait, slots.semaphore.clone().acquire_owned()).await;
    let Ok(Ok(permit)) = acquired else {
        let mut response = json_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "PROXY_BUSY",
            "Too many API calls are in flight through this server's proxy; try again shortly",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    next.run(request)
        .await
        .map(|body| Body::new(Held::new(body, permit)))
}
