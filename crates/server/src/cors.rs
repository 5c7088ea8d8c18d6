//! CORS for named origins only (`--allow-origin`, exact match), on the API paths and the log
//! streams. With none named, which is the default, no answer carries a CORS header and browsers
//! keep other pages out, which is what a same-origin app needs. Upstream CORS headers never
//! pass through (they are not in the proxy's allow-list), so the upstream cannot widen this.
//!
//! tower-http's [`CorsLayer`] writes the headers and answers preflights. It answers every
//! `OPTIONS` and adds its headers whatever the origin, so it only sees requests from a named
//! origin: [`CorsRoutes`] keeps two versions of a route, with and without the layer, and sends
//! each request to one by its `Origin`. Others get no CORS header at all, and an `OPTIONS` from
//! them is an ordinary 405.

use std::time::Duration;

use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, ORIGIN, RETRY_AFTER, VARY};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer, Vary};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::StartError;

#[derive(Clone, Debug, Default)]
pub struct Cors {
    origins: Vec<HeaderValue>,
}

impl Cors {
    /// Each origin must be `scheme://host[:port]` with nothing after it, as browsers send it.
    pub fn new(origins: &[String]) -> Result<Cors, StartError> {
        let mut cors = Cors::default();
        for origin in origins {
            // Browsers send scheme and host in lower case.
            let origin = origin.trim().to_ascii_lowercase();
            if origin.is_empty() {
                continue;
            }
            let value = HeaderValue::from_str(&origin)
                .ok()
                .filter(|_| is_origin(&origin))
                .ok_or_else(|| StartError::AllowOrigin(origin.clone()))?;
            cors.origins.push(value);
        }
        Ok(cors)
    }

    /// Whether the request's `Origin` is one of the named ones.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        headers.get(ORIGIN).is_some_and(|origin| {
            self.origins
                .iter()
                .any(|allowed| allowed.as_bytes() == origin.as_bytes())
        })
    }

    /// `router` in its two versions. Every answer says `Vary: Origin` whenever some origin is
    /// named, so caches keep the two apart.
    pub(crate) fn routes(&self, router: Router) -> CorsRoutes {
        if self.origins.is_empty() {
            return CorsRoutes {
                plain: router.clone(),
                allowed: router,
                cors: self.clone(),
            };
        }
        let plain = router.layer(SetResponseHeaderLayer::appending(
            VARY,
            HeaderValue::from_static("Origin"),
        ));
        let layer = CorsLayer::new()
            .allow_origin(AllowOrigin::list(self.origins.clone()))
            .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
            .allow_headers([AUTHORIZATION, CONTENT_TYPE])
            // Without this the app's code cannot read Retry-After on a 429.
            .expose_headers([RETRY_AFTER])
            .max_age(Duration::from_secs(600))
            .vary(Vary::list([]));
        CorsRoutes {
            allowed: plain.clone().layer(layer),
            plain,
            cors: self.clone(),
        }
    }
}

/// One route with and without CORS; [`CorsRoutes::pick`] chooses by the request's `Origin`.
#[derive(Clone)]
pub(crate) struct CorsRoutes {
    plain: Router,
    allowed: Router,
    cors: Cors,
}

impl CorsRoutes {
    pub(crate) fn pick(&self, headers: &HeaderMap) -> Router {
        if self.cors.allows(headers) {
            self.allowed.clone()
        } else {
            self.plain.clone()
        }
    }
}

fn is_origin(origin: &str) -> bool {
    let Some(rest) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked() {
        assert!(Cors::new(&["https://ops.example.com".into()]).is_ok());
        assert!(Cors::new(&["http://localhost:3000".into()]).is_ok());
        for bad in [
            "*",
            "ops.example.com",
            "https://ops.example.com/",
            "https://",
        ] {
            assert!(Cors::new(&[bad.into()]).is_err(), "{bad}");
        }
    }
}
