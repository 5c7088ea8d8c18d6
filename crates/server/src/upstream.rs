//! The upstream: where the API paths go (`--upstream`, Novita's API by default), checked at
//! start-up, and the one HTTP client that talks to it and to the instances' log hosts.
//!
//! An upstream with a user name or password in it is refused, and every message that shows
//! the address shows it with those (and any query) hidden. The log hosts get a client of their
//! own whose DNS answers are kept to public addresses ([`PublicOnly`]), so a log host name can
//! never make this server connect into its own network. A plain `http:` upstream is allowed
//! on this machine (loopback: the tests and local development) and refused elsewhere unless
//! `--allow-plain-http-upstream` says it is meant, since the API keys would cross the network
//! unencrypted.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::Uri;
use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::Service;

use crate::error::StartError;

/// The client for the API (and, with [`PublicOnly`] names, for the log hosts). Both send a
/// buffered request body.
pub(crate) type UpstreamClient<R = GaiResolver> =
    Client<HttpsConnector<HttpConnector<R>>, Full<Bytes>>;

/// The client for the log hosts.
pub(crate) type LogClient = UpstreamClient<PublicOnly>;

/// The largest read or write buffer of one upstream connection (hyper's default is about
/// 400 KiB); part of the worst-case memory the server states.
pub const UPSTREAM_CONNECTION_BUFFER: usize = 64 * 1024;

/// A checked `--upstream`.
#[derive(Clone, Debug)]
pub struct Upstream {
    /// `scheme://authority`, as given (never with credentials: those are refused).
    origin: String,
    /// A path on the upstream URL, without trailing slash, put before every forwarded path.
    base_path: String,
    /// Plain `http:` to this machine: the tests' and local development's set-up.
    loopback_http: bool,
    /// Plain `http:` to another machine (only with `--allow-plain-http-upstream`).
    plaintext_remote: bool,
}

impl Upstream {
    pub fn parse(raw: &str, allow_plain_http: bool) -> Result<Upstream, StartError> {
        let shown = redact(raw);
        let invalid = |why: &'static str| StartError::Upstream {
            shown: shown.clone(),
            why,
        };
        // Checked on the text first: a URL parser would not be asked to find credentials in
        // something that is not a URL, and the message must not repeat them either way.
        if authority_of(raw).contains('@') {
            return Err(invalid("must not carry a user name or password"));
        }
        let uri: Uri = raw.parse().map_err(|source| StartError::UpstreamUrl {
            shown: shown.clone(),
            source,
        })?;
        let scheme = match uri.scheme_str() {
            Some("http") => "http",
            Some("https") => "https",
            _ => return Err(invalid("needs http:// or https://")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("needs a host"))?;
        if uri.query().is_some() {
            return Err(invalid("must not have a query"));
        }
        let loopback = is_loopback_host(authority.host());
        let plaintext_remote = scheme == "http" && !loopback;
        if plaintext_remote && !allow_plain_http {
            return Err(StartError::PlainHttpUpstream { shown });
        }
        Ok(Upstream {
            origin: format!("{scheme}://{authority}"),
            base_path: uri.path().trim_end_matches('/').to_owned(),
            loopback_http: scheme == "http" && loopback,
            plaintext_remote,
        })
    }

    /// `scheme://authority`, for messages (no path: it could hold a token).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The absolute target for `path_and_query` (which starts with `/`).
    pub(crate) fn target(&self, path_and_query: &str) -> String {
        format!("{}{}{path_and_query}", self.origin, self.base_path)
    }

    pub fn is_loopback_http(&self) -> bool {
        self.loopback_http
    }

    pub fn is_plaintext_remote(&self) -> bool {
        self.plaintext_remote
    }
}

/// `raw` with any user name and password, and any query or fragment, replaced by `***`.
pub fn redact(raw: &str) -> String {
    let (scheme, rest) = match raw.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), raw),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((_, host)) => format!("***@{host}"),
        None => authority.to_owned(),
    };
    let after = match after.find(['?', '#']) {
        Some(at) => format!("{}{}***", &after[..at], &after[at..at + 1]),
        None => after.to_owned(),
    };
    format!("{scheme}{authority}{after}")
}

/// The authority part of a URL-ish string (everything after `scheme://` up to the path).
fn authority_of(raw: &str) -> &str {
    let rest = raw.split_once("://").map_or(raw, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// `localhost` or a loopback IP address in any spelling (`127.0.0.2`, `[::1]`, `[0::1]`).
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// Whether `host` is an IP address literal (v4, or v6 in brackets).
pub(crate) fn is_ip_literal(host: &str) -> bool {
    host.parse::<Ipv4Addr>().is_ok()
        || host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|h| h.parse::<Ipv6Addr>().is_ok())
}

/// The API client: TLS with the webpki roots (certificates checked), HTTP/1.1, small buffers,
/// connections kept for reuse.
pub(crate) fn client(
    connect_timeout: Duration,
    max_idle: usize,
) -> Result<UpstreamClient, StartError> {
    build_client(HttpConnector::new(), connect_timeout, max_idle)
}

/// The log hosts' client: the same, with names resolved to public addresses only.
pub(crate) fn log_client(
    connect_timeout: Duration,
    max_idle: usize,
) -> Result<LogClient, StartError> {
    build_client(
        HttpConnector::new_with_resolver(PublicOnly(GaiResolver::new())),
        connect_timeout,
        max_idle,
    )
}

fn build_client<R>(
    mut http: HttpConnector<R>,
    connect_timeout: Duration,
    max_idle: usize,
) -> Result<UpstreamClient<R>, StartError>
where
    R: Service<Name> + Clone + Send + Sync + 'static,
    R::Response: Iterator<Item = SocketAddr>,
    R::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    R::Future: Send,
{
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(connect_timeout));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(provider)
        .map_err(StartError::Tls)?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(max_idle.max(1))
        .http1_max_buf_size(UPSTREAM_CONNECTION_BUFFER)
        .build(https))
}

/// A resolver that keeps only public addresses (`localhost` excepted: the tests' and local
/// development's log host), so a DNS name that points into a private network, at this machine
/// or at a cloud metadata address fails as unreachable. IP literals never reach a resolver;
/// the log policy refuses them (but loopback ones in the tests' set-up).
#[derive(Clone)]
pub(crate) struct PublicOnly(GaiResolver);

impl Service<Name> for PublicOnly {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let local_ok = name.as_str().eq_ignore_ascii_case("localhost");
        let resolving = self.0.call(name);
        Box::pin(async move {
            let kept = public_addresses(resolving.await?, local_ok);
            if kept.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::PermissionDenied,
                    "the log host's name resolves to no public address",
                ));
            }
            Ok(kept.into_iter())
        })
    }
}

/// The public addresses among `addrs` (all loopback ones too when `loopback_ok`).
fn public_addresses(addrs: impl Iterator<Item = SocketAddr>, loopback_ok: bool) -> Vec<SocketAddr> {
    addrs
        .filter(|addr| is_public(addr.ip()) || (loopback_ok && addr.ip().is_loopback()))
        .collect()
}

/// Not loopback, private, link-local, shared (CGNAT), unspecified, broadcast, multicast,
/// documentation or unique-local; IPv4-mapped IPv6 judged as the IPv4 address.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => {
            let [a, b, ..] = ip.octets();
            !(ip.is_loopback()
                || ip.is_private()
                || ip.is_link_local()
                || ip.is_unspecified()
                || ip.is_broadcast()
                || ip.is_multicast()
                || ip.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)))
        }
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public(IpAddr::V4(v4)),
            None => {
                let first = ip.segments()[0];
                !(ip.is_loopback()
                    || ip.is_unspecified()
                    || ip.is_multicast()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_kept() {
        for public in [
            "8.8.8.8",
            "203.0.114.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(public.parse().expect(public)), "{public}");
        }
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "ff02::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(private.parse().expect(private)), "{private}");
        }
        let addrs: Vec<SocketAddr> = ["10.0.0.1:443", "8.8.8.8:443", "127.0.0.1:443"]
            .iter()
            .map(|a| a.parse().expect("addr"))
            .collect();
        assert_eq!(
            public_addresses(addrs.clone().into_iter(), false),
            vec![addrs[1]]
        );
        assert_eq!(
            public_addresses(addrs.clone().into_iter(), true),
            vec![addrs[1], addrs[2]]
        );
    }

    #[test]
    fn loopback_hosts() {
        for yes in [
            "localhost",
            "LocalHost",
            "localhost.",
            "127.0.0.1",
            "127.1.2.3",
            "[::1]",
            "[0::1]",
            "[0:0:0:0:0:0:0:1]",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "192.0.2.1",
            "[::2]",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "api.novita.ai",
            "",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }

    #[test]
    fn credentials_are_refused_and_never_shown() {
        for raw in [
            "https://user:hunter2@api.novita.ai",
            "https://hunter2@api.novita.ai/prefix",
            "http://user:hunter2@127.0.0.1:9",
            "user:hunter2@api.novita.ai",
            "https://u:hunter2@x@api.novita.ai",
        ] {
            let err = Upstream::parse(raw, false).expect_err(raw).to_string();
            assert!(!err.contains("hunter2"), "{raw}: {err}");
            assert!(err.contains("--upstream"), "{raw}: {err}");
        }
        let err = Upstream::parse("https://api.novita.ai/?key=hunter2", false)
            .expect_err("query")
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        assert_eq!(
            redact("https://u:p@api.novita.ai:8443/x?key=s#f"),
            "https://***@api.novita.ai:8443/x?***"
        );
        assert_eq!(redact("https://api.novita.ai"), "https://api.novita.ai");
    }

    #[test]
    fn plain_http_only_on_loopback_unless_meant() {
        let ok = |raw: &str, allow: bool| Upstream::parse(raw, allow);
        assert!(ok("http://127.0.0.1:9", false)
            .expect("loopback")
            .is_loopback_http());
        assert!(ok("http://localhost:9", false).is_ok());
        assert!(ok("http://[0::1]:9", false).is_ok());
        let err = ok("http://192.0.2.1", false).expect_err("remote http");
        assert!(
            err.to_string().contains("--allow-plain-http-upstream"),
            "{err}"
        );
        let meant = ok("http://192.0.2.1", true).expect("meant");
        assert!(meant.is_plaintext_remote());
        assert!(!meant.is_loopback_http());
        let https = ok("https://api.novita.ai", false).expect("https");
        assert!(!https.is_plaintext_remote() && !https.is_loopback_http());
        for bad in ["ftp://x", "https://x/?a=b", "api.novita.ai", "https://"] {
            assert!(ok(bad, true).is_err(), "{bad}");
        }
        let prefixed = ok("https://proxy.example/novita/", false).expect("prefix");
        assert_eq!(
            prefixed.target("/gpu-instance/openapi/v1/x?a=1"),
            "https://proxy.example/novita/gpu-instance/openapi/v1/x?a=1"
        );
    }
}
