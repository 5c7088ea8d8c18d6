//! The checks every request passes before anything else looks at it, so the server can never be
//! used as an open proxy or to reach a file outside what it serves:
//!
//! - the request target must be origin-form (`/path?query`): an absolute-form target
//!   (`GET http://evil.example/ HTTP/1.1`) is how clients talk to a forward proxy, which this is not;
//! - the path must be plain: no `.` or `..` segments, no empty segments (`//`), no backslash, no
//!   `;` path parameters (`..;/` means `../` to some servers behind proxies), no percent-encoded
//!   dot, slash, backslash, semicolon, percent or NUL, no control characters, and nothing outside
//!   ASCII, raw or escaped (`%80`-`%FF`: overlong UTF-8 dots such as `%C0%AE` and fullwidth
//!   dots such as `%EF%BC%8E` become `.` to some decoders). What passes is forwarded exactly as
//!   it came, so the upstream sees the same path this server checked;
//! - exactly one `Host` header, naming this server (see [`HostPolicy`]).

use std::net::Ipv6Addr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{json_error, StartError};
use crate::upstream::is_ip_literal;

/// Why a request was refused; answers as a Novita-shaped JSON error.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub reason: &'static str,
    pub message: &'static str,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json_error(self.status, self.reason, self.message)
    }
}

/// Which names the `Host` header may carry.
///
/// Always accepted: `localhost` and any IP address literal (`127.0.0.1`, `[::1]`, `192.0.2.7`),
/// with any port. Also accepted: each `--allow-host` name (`name` for any port, `name:port` for
/// that port only), or anything at all with `--allow-host '*'`.
///
/// Why: the attack a Host check stops is DNS rebinding, where a page on `evil.example` makes its
/// name resolve to this server and then calls it as same-origin. That only works through a DNS
/// name the attacker controls, so a Host that is an IP literal or `localhost` is never part of
/// it, whatever address the server is bound to (this is also the rule Vite's and webpack's dev
/// servers use). The port is not checked for those: it takes no part in rebinding, and port
/// forwarding (`docker run -p 9000:8080`) legitimately changes it. So binding to `0.0.0.0`
/// works out of the box when people use the machine's IP address, and a DNS name in front of it
/// has to be named with `--allow-host`.
#[derive(Clone, Debug, Default)]
pub struct HostPolicy {
    any: bool,
    names: Vec<(String, Option<u16>)>,
}

impl HostPolicy {
    pub fn new(allowed: &[String]) -> Result<HostPolicy, StartError> {
        let mut policy = HostPolicy::default();
        for entry in allowed {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            if entry == "*" {
                policy.any = true;
                continue;
            }
            let (name, port) =
                split_host(entry).ok_or_else(|| StartError::AllowHost(entry.to_owned()))?;
            policy.names.push((name, port));
        }
        Ok(policy)
    }

    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let Some((name, port)) = split_host(host) else {
            return false;
        };
        if name == "localhost" || is_ip_literal(&name) {
            return true;
        }
        self.names.iter().any(|(allowed, allowed_port)| {
            *allowed == name && allowed_port.is_none_or(|p| Some(p) == port)
        })
    }
}

/// `name[:port]` or `[v6][:port]`, lowercased, a trailing dot dropped; None when malformed.
pub(crate) fn split_host(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.to_ascii_lowercase();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        inside.parse::<Ipv6Addr>().ok()?;
        (format!("[{inside}]"), port)
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name.to_owned(), Some(port)),
            None => (host.clone(), None),
        }
    };
    let port = match port {
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            Some(digits.parse::<u16>().ok()?)
        }
        Some(_) => return None,
        None => None,
    };
    let name = name.strip_suffix('.').unwrap_or(&name).to_owned();
    let valid = !name.is_empty()
        && (name.starts_with('[')
            || name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'));
    valid.then_some((name, port))
}

/// Middleware: refuses what [`check`] refuses, before anything else sees the request.
pub(crate) async fn guard(
    State(hosts): State<Arc<HostPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    match check(&hosts, &request) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// Runs every check; the first that fails says why. (The server speaks HTTP/1 only, where an
/// authority in the request line is the absolute form meant for forward proxies.)
pub fn check(hosts: &HostPolicy, request: &Request) -> Result<(), Refusal> {
    let uri = request.uri();
    if uri.scheme().is_some() || uri.authority().is_some() {
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            reason: "ABSOLUTE_TARGET_REFUSED",
            message: "This server is not a proxy for other hosts: send the path only",
        });
    }
    let mut hosts_sent = request.headers().get_all(header::HOST).iter();
    let host = hosts_sent.next().and_then(|value| value.to_str().ok());
    if hosts_sent.next().is_some() {
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            reason: "DUPLICATE_HOST",
            message: "The request has more than one Host header",
        });
    }
    match host {
        Some(host) if hosts.allows(host) => {}
        Some(_) => {
            return Err(Refusal {
                status: StatusCode::MISDIRECTED_REQUEST,
                reason: "HOST_NOT_ALLOWED",
                message: "This server does not answer for that host name (see --allow-host)",
            })
        }
        None => {
            return Err(Refusal {
                status: StatusCode::BAD_REQUEST,
                reason: "HOST_REQUIRED",
                message: "The request has no usable Host header",
            })
        }
    }
    if !is_plain_path(uri.path()) {
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            reason: "INVALID_PATH",
            message: "The path has dot segments, empty segments, path parameters, encoded \
                      separators or characters outside ASCII",
        });
    }
    Ok(())
}

/// True for `/` and for `/seg/seg...` whose segments are neither empty, `.` nor `..`, with no
/// backslash, `;`, control or non-ASCII character, and no percent escape of `.`, `/`, `\`,
/// `;`, `%`, a control character or a byte above `%7F` (nor a malformed one). A trailing slash
/// is allowed.
pub fn is_plain_path(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    if !path.bytes().all(|b| b.is_ascii_graphic()) || path.contains(['\\', ';']) {
        return false;
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let Some(escape) = path.get(i + 1..i + 3) else {
                return false;
            };
            let Ok(value) = u8::from_str_radix(escape, 16) else {
                return false;
            };
            if matches!(value, b'.' | b'/' | b'\\' | b';' | b'%') || !(0x20..0x7f).contains(&value)
            {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.split('/')
        .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths() {
        for ok in [
            "/",
            "/index.html",
            "/gpu-instance/openapi/v1/gpu/instance",
            "/snippets/a-0123456789abcdef/inline0.js",
            "/dir/",
            "/a%20b",
            "/gpu-instance/openapi/v1/gpu/instance%3Fx=1%23y",
            "/a%7E",
        ] {
            assert!(is_plain_path(ok), "{ok}");
        }
        for bad in [
            "",
            "*",
            "//evil.example/x",
            "/a//b",
            "/gpu-instance/../x",
            "/a/./b",
            "/..",
            "/a/..",
            "/gpu-instance/openapi/%2e%2e/%2e%2e/x",
            "/gpu-instance/openapi/%2E%2E/x",
            "/gpu-instance/openapi/..%2fx",
            "/a%2Fb",
            "/a%5cb",
            "/a\\b",
            "/a%00",
            "/a%252e",
            "/a%",
            "/a%zz",
            "/a\u{e9}",
            "/gpu-instance/openapi/..;/..;/x",
            "/a;b",
            "/a%3Bb",
            "/a%3bb",
            "/gpu-instance/openapi/%C0%AE%C0%AE/x",
            "/gpu-instance/openapi/%EF%BC%8E%EF%BC%8E/x",
            "/a%80",
            "/a%ff",
            "/a%7F",
            "/a%1f",
        ] {
            assert!(!is_plain_path(bad), "{bad}");
        }
    }

    #[test]
    fn hosts() {
        let policy = HostPolicy::new(&["viewer.example.com".into(), "ops.example:8443".into()])
            .expect("policy");
        for ok in [
            "localhost",
            "localhost:8080",
            "LOCALHOST.:9000",
            "127.0.0.1:8080",
            "192.0.2.7",
            "[::1]:8080",
            "[::1]",
            "viewer.example.com",
            "viewer.example.com:443",
            "ops.example:8443",
        ] {
            assert!(policy.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "ops.example:8080",
            "ops.example",
            "",
            ":8080",
            "[::1",
            "[zz]:1",
            "a b",
            "localhost:99999",
            "localhost:",
        ] {
            assert!(!policy.allows(bad), "{bad}");
        }
        assert!(HostPolicy::new(&["*".into()])
            .expect("any")
            .allows("evil.example"));
        assert!(HostPolicy::new(&["bad name".into()]).is_err());
    }
}
