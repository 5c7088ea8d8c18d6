//! CORS the way a well-behaved public API does it, so the app can be tested calling the API
//! straight from the browser, and its absence (`no-cors`) for the case where it cannot.

use axum::extract::{Query, Request};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::InstanceQuery;
use crate::scenarios::NO_CORS;

pub(crate) async fn cors(request: Request, next: Next) -> Response {
    let origin = request.headers().get(ORIGIN).cloned();
    let allowed = !asks_for_no_cors(&request);
    let is_preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD);

    // Preflights are answered here, before any auth: browsers never send credentials on them.
    let mut response = if is_preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    if allowed {
        let headers = response.headers_mut();
        allow_origin(headers, origin);
        if is_preflight {
            headers.insert(
                ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, OPTIONS"),
            );
            headers.insert(
                ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("authorization, content-type"),
            );
            headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
        } else {
            // Without this a browser hides Retry-After from the app's code.
            headers.insert(
                ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("Retry-After"),
            );
        }
    }
    response
}

fn allow_origin(headers: &mut HeaderMap, origin: Option<HeaderValue>) {
    let origin = origin.unwrap_or_else(|| HeaderValue::from_static("*"));
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    // The answer depends on Origin, so caches must not hand one origin's answer to another.
    headers.append(VARY, HeaderValue::from_static("Origin"));
}

/// A preflight carries the same query as the call it precedes, so both see the same id.
fn asks_for_no_cors(request: &Request) -> bool {
    Query::<InstanceQuery>::try_from_uri(request.uri())
        .ok()
        .and_then(|Query(query)| query.instance_id)
        .is_some_and(|id| id == NO_CORS)
}
