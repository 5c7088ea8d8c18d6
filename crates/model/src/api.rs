//! The parts of talking to the API that need no browser: the request URL, and turning an
//! answer that is not an instance into one error with words a person can act on.

use serde_json::Value;

/// The `data-kind` values of CONTRACT.md's error panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    Unauthorized,
    Forbidden,
    NotFound,
    RateLimited,
    Server,
    BadRequest,
    Network,
    Timeout,
    BadResponse,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not-found",
            ErrorKind::RateLimited => "rate-limited",
            ErrorKind::Server => "server",
            ErrorKind::BadRequest => "bad-request",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::BadResponse => "bad-response",
        }
    }
}

/// What went wrong between the server hosting the page (the bundled server, or nginx with
/// `deploy/nginx.conf`) and Novita, as that server says in the `reason` of its own 502 / 504.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpstreamFailure {
    /// `UPSTREAM_UNREACHABLE`: no connection to the Novita API at all.
    Unreachable,
    /// `UPSTREAM_TIMEOUT`: connected, no answer in time.
    Timeout,
    /// `UPSTREAM_BAD_RESPONSE`: an answer that was not HTTP.
    BadResponse,
    /// `UPSTREAM_RESPONSE_TOO_LARGE`: over the server's response limit.
    TooLarge,
}

impl UpstreamFailure {
    /// The server's `reason`, exactly; anything else is not one of its own failures.
    pub fn from_reason(reason: &str) -> Option<UpstreamFailure> {
        match reason {
            "UPSTREAM_UNREACHABLE" => Some(UpstreamFailure::Unreachable),
            "UPSTREAM_TIMEOUT" => Some(UpstreamFailure::Timeout),
            "UPSTREAM_BAD_RESPONSE" => Some(UpstreamFailure::BadResponse),
            "UPSTREAM_RESPONSE_TOO_LARGE" => Some(UpstreamFailure::TooLarge),
            _ => None,
        }
    }
}

/// Everything that can go wrong fetching an instance. One enum; each variant maps to one error
/// kind. Shown as its title, then the API's words when there are any.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.summary())]
pub enum ApiError {
    Unauthorized {
        detail: String,
    },
    Forbidden {
        detail: String,
    },
    NotFound {
        detail: String,
    },
    RateLimited {
        detail: String,
        retry_after_secs: Option<u64>,
    },
    Server {
        status: u16,
        detail: String,
    },
    /// A 5xx from the server hosting the page saying it could not get an answer from Novita:
    /// the place to look is that server, not the API (kind `server`, as for any 5xx).
    Upstream {
        status: u16,
        failure: UpstreamFailure,
        detail: String,
    },
    BadRequest {
        status: u16,
        detail: String,
    },
    /// The request never got an answer: offline, DNS, refused, blocked by CORS. The browser
    /// does not say which, on purpose.
    Network,
    Timeout {
        after_secs: u32,
    },
    BadResponse {
        detail: String,
    },
    /// Something the user typed is unusable before any request is sent (settings, ID).
    Input {
        detail: String,
    },
}

/// How long an API call may take before it is abandoned. Longer than the bundled server's
/// own upstream timeout (20 s by default), so that through the server a hung API shows as the
/// server's answer, which says where the problem is, rather than as the page giving up first.
pub const TIMEOUT_SECS: u32 = 25;

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Unauthorized { .. } => ErrorKind::Unauthorized,
            ApiError::Forbidden { .. } => ErrorKind::Forbidden,
            ApiError::NotFound { .. } => ErrorKind::NotFound,
            ApiError::RateLimited { .. } => ErrorKind::RateLimited,
            ApiError::Server { .. } | ApiError::Upstream { .. } => ErrorKind::Server,
            ApiError::BadRequest { .. } | ApiError::Input { .. } => ErrorKind::BadRequest,
            ApiError::Network => ErrorKind::Network,
            ApiError::Timeout { .. } => ErrorKind::Timeout,
            ApiError::BadResponse { .. } => ErrorKind::BadResponse,
        }
    }

    /// One line: what happened.
    pub fn title(&self) -> String {
        match self {
            ApiError::Unauthorized { .. } => "The API did not accept the API key (401)".into(),
            ApiError::Forbidden { .. } => "This API key may not read this instance (403)".into(),
            ApiError::NotFound { .. } => "No instance with this ID was found".into(),
            ApiError::RateLimited { .. } => {
                "Too many requests: the API is rate limiting (429)".into()
            }
            ApiError::Server { status, .. } => {
                format!("The API had a problem on its side ({status})")
            }
            ApiError::Upstream {
                status, failure, ..
            } => {
                let what = match failure {
                    UpstreamFailure::Unreachable => {
                        "This app's server could not reach the Novita API"
                    }
                    UpstreamFailure::Timeout => {
                        "The Novita API did not answer this app's server in time"
                    }
                    UpstreamFailure::BadResponse => {
                        "The Novita API sent this app's server an answer it could not read"
                    }
                    UpstreamFailure::TooLarge => {
                        "The Novita API's answer was too large for this app's server"
                    }
                };
                format!("{what} ({status})")
            }
            ApiError::BadRequest { status, .. } => {
                format!("The API rejected the request ({status})")
            }
            ApiError::Network => "The browser could not reach the API".into(),
            ApiError::Timeout { after_secs } => {
                format!("The API did not answer within {after_secs} seconds")
            }
            ApiError::BadResponse { .. } => {
                "The API answered with something that is not an instance".into()
            }
            ApiError::Input { .. } => "The request could not be sent".into(),
        }
    }

    /// What to do next, in words. `api_base` is named where the setting is the likely cause.
    pub fn advice(&self, api_base: &str) -> String {
        let base = if api_base.is_empty() {
            "this page's own server"
        } else {
            api_base
        };
        // The server between the page and Novita, at the start of a sentence and inside one.
        let (server_starts, server) = if api_base.is_empty() {
            (
                "The server hosting this page".to_string(),
                "the server hosting this page".to_string(),
            )
        } else {
            (
                format!("The proxy at {api_base}"),
                format!("the proxy at {api_base}"),
            )
        };
        match self {
            ApiError::Unauthorized { .. } => "Check the API key: it may be mistyped, expired or deleted. Create a key in the Novita console (Settings → API keys) and paste it again.".into(),
            ApiError::Forbidden { .. } => "The key is valid but lacks permission for this instance. Use a key from the account that owns the instance.".into(),
            ApiError::NotFound { .. } => "Check the instance ID (copy it from the Novita console). The instance may also have been deleted.".into(),
            ApiError::RateLimited { retry_after_secs: Some(s), .. } => format!("Wait {} and try again.", seconds_in_words(*s)),
            ApiError::RateLimited { retry_after_secs: None, .. } => "Wait a minute and try again.".into(),
            ApiError::Server { .. } => "This is usually temporary. Try again in a minute; if it persists, check Novita's status page.".into(),
            ApiError::Upstream { failure: UpstreamFailure::Unreachable, .. } => format!("Your key and the instance ID are not the problem: {server} could not connect to the Novita API. On that machine, check its internet access, DNS, firewall or outbound proxy, and the address it forwards to (--upstream, by default https://api.novita.ai); then try again."),
            ApiError::Upstream { failure: UpstreamFailure::Timeout, .. } => format!("{server_starts} reached the Novita API but got no answer in time. Try again in a minute; if it keeps happening, check that machine's network path to api.novita.ai, its time limit (--upstream-timeout) and Novita's status page."),
            ApiError::Upstream { failure: UpstreamFailure::BadResponse, .. } => format!("{server_starts} got something from the Novita API that was not a readable answer (a connection cut short, or something in between such as an intercepting proxy). Try again; if it keeps happening, check that machine's outbound network."),
            ApiError::Upstream { failure: UpstreamFailure::TooLarge, .. } => format!("{server_starts} limits how large an answer it passes on (--max-response-body). Raise that limit if this instance's data is really that large."),
            ApiError::BadRequest { .. } => "Check the instance ID and the API base URL in Settings.".into(),
            ApiError::Network => format!("Check your connection and the API base URL in Settings (now {base}). If the API does not allow calls from browsers (CORS), set the API base URL to a CORS proxy or to the server that hosts this app."),
            ApiError::Timeout { .. } => format!("The API or the proxy at {base} may be overloaded or unreachable. Try again; if it keeps happening, check the API base URL in Settings."),
            ApiError::BadResponse { .. } => format!("Check the API base URL in Settings (now {base}): it should point at the Novita API or a proxy that forwards it unchanged, not at a web page."),
            ApiError::Input { .. } => "Correct the value and load again.".into(),
        }
    }

    /// The API's own words, or what we found, when there are any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            ApiError::Unauthorized { detail }
            | ApiError::Forbidden { detail }
            | ApiError::NotFound { detail }
            | ApiError::RateLimited { detail, .. }
            | ApiError::Server { detail, .. }
            | ApiError::Upstream { detail, .. }
            | ApiError::BadRequest { detail, .. }
            | ApiError::BadResponse { detail }
            | ApiError::Input { detail } => Some(detail.as_str()).filter(|d| !d.is_empty()),
            ApiError::Network | ApiError::Timeout { .. } => None,
        }
    }

    /// The title, then the API's words when there are any: what `Display` shows.
    fn summary(&self) -> String {
        match self.detail() {
            Some(d) => format!("{}: {d}", self.title()),
            None => self.title(),
        }
    }

    /// Seconds to wait before trying again, when the API said so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited {
                retry_after_secs, ..
            } => *retry_after_secs,
            _ => None,
        }
    }
}

fn seconds_in_words(s: u64) -> String {
    match s {
        0 | 1 => "a second".into(),
        2..=119 => format!("{s} seconds"),
        _ => format!("{} minutes", s.div_ceil(60)),
    }
}

/// Turns a non-2xx answer into an [`ApiError`]. `body` may be Novita's JSON error
/// (`code`, `reason`, `message`), a gateway's HTML, plain text or empty.
pub fn classify_failure(status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
    let (reason, message) = error_body(body);
    let detail = message
        .clone()
        .or_else(|| reason.clone())
        .unwrap_or_else(|| status_line(status));
    match status {
        401 => ApiError::Unauthorized { detail },
        403 => ApiError::Forbidden { detail },
        404 => ApiError::NotFound { detail },
        400 if reason.as_deref() == Some("RESOURCE_NOT_FOUND") => ApiError::NotFound { detail },
        429 => ApiError::RateLimited {
            detail,
            retry_after_secs: retry_after.and_then(parse_retry_after),
        },
        500..=599 => match reason.as_deref().and_then(UpstreamFailure::from_reason) {
            Some(failure) => ApiError::Upstream {
                status,
                failure,
                detail,
            },
            None => ApiError::Server { status, detail },
        },
        _ => ApiError::BadRequest { status, detail },
    }
}

/// `reason` and `message` of Novita's JSON error body, when the body is one.
fn error_body(body: &str) -> (Option<String>, Option<String>) {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(body.trim()) else {
        return (None, None);
    };
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| truncate(s, 300))
    };
    (text("reason"), text("message"))
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn status_line(status: u16) -> String {
    let text = match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    };
    format!("HTTP {status} {text}").trim_end().to_string()
}

/// `Retry-After` as seconds. Only the delta-seconds form is read; an HTTP date (rare from
/// APIs) is ignored and the generic advice is shown instead.
pub fn parse_retry_after(v: &str) -> Option<u64> {
    v.trim().parse::<u64>().ok()
}

/// The Get Instance URL for an API base and an instance ID. A trailing `/` on the base is
/// ignored; an empty base means the page's own origin.
pub fn instance_url(api_base: &str, instance_id: &str) -> String {
    format!(
        "{}/gpu-instance/openapi/v1/gpu/instance?instanceId={}",
        api_base.trim().trim_end_matches('/'),
        encode_component(instance_id.trim())
    )
}

/// Percent-encodes like JavaScript's `encodeURIComponent`.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
