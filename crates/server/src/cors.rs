//! CORS for named origins only (`--allow-origin`, exact match). With none named, which is the
//! default, no response carries a CORS header and browsers keep other pages out, which is what
//! a same-origin app needs. Upstream CORS headers never pass through (see [`crate::proxy`]), so
//! the upstream's own policy cannot widen this one.

use std::io;

use axum::extract::Request;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method};

#[derive(Clone, Debug, Default)]
pub struct Cors {
    origins: Vec<HeaderValue>,
}

impl Cors {
    /// Each origin must be `scheme://host[:port]` with nothing after it, as browsers send it.
    pub fn new(origins: &[String]) -> io::Result<Cors> {
        let mut cors = Cors::default();
        for origin in origins {
            // Browsers send scheme and host in lower case.
            let origin = origin.trim().to_ascii_lowercase();
            let origin = origin.as_str();
            if origin.is_empty() {
                continue;
            }
            if !is_origin(origin) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "--allow-origin {origin:?} is not an origin like https://ops.example.com \
                         (scheme and host, optional port, no path or trailing slash)"
                    ),
                ));
            }
            let value = HeaderValue::from_str(origin)
                .map_err(|err| io::Error::new(io::ErrorKind::InvalidInput, err))?;
            cors.origins.push(value);
        }
        Ok(cors)
    }

    /// The request's `Origin` when it is one of the named ones.
    pub fn allowed_origin(&self, headers: &HeaderMap) -> Option<HeaderValue> {
        let origin = headers.get(ORIGIN)?;
        self.origins
            .iter()
            .any(|allowed| allowed.as_bytes() == origin.as_bytes())
            .then(|| origin.clone())
    }

    /// Adds the CORS headers to an answer on an API path for an allowed origin; `Vary: Origin`
    /// on every API answer whenever some origin is allowed, so caches keep them apart.
    pub fn decorate(
        &self,
        headers: &mut HeaderMap,
        origin: Option<HeaderValue>,
        api: bool,
        preflight: bool,
    ) {
        if !api || self.origins.is_empty() {
            return;
        }
        add_vary_origin(headers);
        let Some(origin) = origin else {
            return;
        };
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if preflight {
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
            // Without this the app's code cannot read Retry-After on a 429.
            headers.insert(
                ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static("Retry-After"),
            );
        }
    }
}

pub fn is_preflight(request: &Request) -> bool {
    request.method() == Method::OPTIONS
        && request.headers().contains_key(ORIGIN)
        && request
            .headers()
            .contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

fn add_vary_origin(headers: &mut HeaderMap) {
    let already = headers.get_all(VARY).iter().any(|value| {
        value
            .to_str()
            .unwrap_or("")
            .split(',')
            .any(|name| name.trim().eq_ignore_ascii_case("origin") || name.trim() == "*")
    });
    if !already {
        headers.append(VARY, HeaderValue::from_static("Origin"));
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
