//! The headers that cross the proxy, as allow-lists both ways: what the upstream needs from the
//! browser, and what the page needs back. Everything else stays on its side, whatever it is
//! called: cookies, `Origin`, `Referer`, forwarding and hop-by-hop headers, method overrides on
//! the way up; `Set-Cookie`, `Location`, `Refresh`, `Link`, `NEL`, `Report-To`,
//! `WWW-Authenticate`, `Clear-Site-Data`, CORS, HSTS and `Alt-Svc` on the way down.
//!
//! The upstream is always asked for `Accept-Encoding: identity`, so what comes back is what the
//! response cap counts (an upstream that compresses anyway is decoded under the same cap, see
//! [`super::answer`]).

use axum::http::header::{self, HeaderName};
use axum::http::{HeaderMap, HeaderValue};

/// Request headers the API needs (the key, the body's type) or may use to shape its answer.
pub(crate) const API_REQUEST_HEADERS: [HeaderName; 5] = [
    header::AUTHORIZATION,
    header::CONTENT_TYPE,
    header::ACCEPT,
    header::ACCEPT_LANGUAGE,
    header::USER_AGENT,
];

/// Request headers a log host gets: no key, no cookie, only what an event stream needs
/// (`Last-Event-ID` lets it carry on where a dropped stream stopped).
pub(crate) const LOG_REQUEST_HEADERS: [HeaderName; 4] = [
    header::ACCEPT,
    HeaderName::from_static("last-event-id"),
    header::ACCEPT_LANGUAGE,
    header::USER_AGENT,
];

/// Response headers the page reads or the browser's cache needs; `Content-Length` is set anew.
pub(crate) const RESPONSE_HEADERS: [HeaderName; 19] = [
    header::CONTENT_TYPE,
    header::CACHE_CONTROL,
    header::EXPIRES,
    header::PRAGMA,
    header::ETAG,
    header::LAST_MODIFIED,
    header::DATE,
    header::RETRY_AFTER,
    header::VARY,
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("request-id"),
    HeaderName::from_static("x-trace-id"),
    HeaderName::from_static("x-ratelimit-limit"),
    HeaderName::from_static("x-ratelimit-remaining"),
    HeaderName::from_static("x-ratelimit-reset"),
    HeaderName::from_static("ratelimit"),
    HeaderName::from_static("ratelimit-policy"),
    HeaderName::from_static("ratelimit-remaining"),
    HeaderName::from_static("ratelimit-reset"),
];

/// The headers of `from` named in `allowed`, every value kept, in the order of `allowed`.
pub(crate) fn allowed(from: &HeaderMap, allowed: &[HeaderName]) -> HeaderMap {
    let mut out = HeaderMap::new();
    for name in allowed {
        for value in from.get_all(name) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// The request headers for the upstream: the allowed ones, and a request for no compression.
pub(crate) fn upstream_request(from: &HeaderMap, allowed_names: &[HeaderName]) -> HeaderMap {
    let mut out = allowed(from, allowed_names);
    out.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_headers_cross() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("authorization", "Bearer k"),
            ("content-type", "application/json"),
            ("cookie", "a=b"),
            ("connection", "keep-alive, X-Secret-Hop"),
            ("x-secret-hop", "1"),
            ("x-http-method-override", "DELETE"),
            ("accept-encoding", "gzip, br"),
            ("origin", "https://evil.example"),
            ("host", "localhost:8080"),
            ("accept", "application/json"),
            ("last-event-id", "41"),
        ] {
            headers.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        let up = upstream_request(&headers, &API_REQUEST_HEADERS);
        let names: Vec<&str> = up.keys().map(HeaderName::as_str).collect();
        assert_eq!(
            names,
            ["authorization", "content-type", "accept", "accept-encoding"]
        );
        assert_eq!(up[header::ACCEPT_ENCODING], "identity");
        let logs = upstream_request(&headers, &LOG_REQUEST_HEADERS);
        let names: Vec<&str> = logs.keys().map(HeaderName::as_str).collect();
        assert_eq!(names, ["accept", "last-event-id", "accept-encoding"]);
    }
}
