//! The API paths (`/gpu-instance/openapi/...`, `/openapi/v1/metrics/...`) as a stack of layers,
//! outermost first: the methods they answer (GET and POST; with `--read-only`, POST is refused
//! here with a JSON 403 and nothing reaches the upstream), a concurrency slot ([`crate::slots`]),
//! tower-http's request body limit (its refusal turned into a JSON 413), and the forwarder
//! ([`crate::proxy`]).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

use crate::error::{json_error, method_not_allowed, LogNote};
use crate::proxy::{self, FromUpstream, Proxy};
use crate::slots::{take_slot, Slots};

/// The path prefixes forwarded upstream; everything else is a log stream, a static file or a 404.
pub const API_PREFIXES: [&str; 2] = ["/gpu-instance/openapi/", "/openapi/v1/metrics/"];

pub(crate) fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

pub(crate) fn router(proxy: Arc<Proxy>, slots: Slots, read_only: bool) -> Router {
    let max_request_body = proxy.max_request_body;
    Router::new()
        .fallback(proxy::forward)
        .with_state(proxy)
        .layer(RequestBodyLimitLayer::new(max_request_body))
        .layer(from_fn_with_state(max_request_body, json_body_limit))
        .layer(from_fn_with_state(slots, take_slot))
        .layer(from_fn_with_state(read_only, methods))
}

/// GET and POST only; no POST at all in a read-only deployment.
async fn methods(State(read_only): State<bool>, request: Request, next: Next) -> Response {
    match *request.method() {
        Method::GET => next.run(request).await,
        Method::POST if read_only => json_error(
            StatusCode::FORBIDDEN,
            "READ_ONLY",
            "This deployment is read-only: it does not start, stop, restart or delete \
             instances, or send any other change to the API (the server runs with --read-only)",
        ),
        Method::POST => next.run(request).await,
        _ => method_not_allowed("GET, POST"),
    }
}

/// tower-http answers a declared body over the limit with a plain-text 413; this server
/// answers in Novita's error shape, like every refusal of its own.
async fn json_body_limit(State(limit): State<usize>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let ours_or_upstreams = response.extensions().get::<FromUpstream>().is_some()
        || response.extensions().get::<LogNote>().is_some();
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !ours_or_upstreams {
        proxy::too_large(limit)
    } else {
        response
    }
}
