//! Which API strings may become links, and the TCP and SSH forms of the others.

use crate::http_url::HttpUrl;

/// The address as a link target, only when it is an `http:` or `https:` URL with a plain host
/// (see [`HttpUrl::parse`]: no userinfo, no backslash, no whitespace or control characters).
/// Everything else (`javascript:`, `data:`, `vbscript:`, scheme-relative `//host`, bare words)
/// is `None` and stays text. Leading and trailing whitespace is trimmed first, as a browser
/// would.
pub fn safe_http_url(raw: &str) -> Option<&str> {
    HttpUrl::parse(raw).map(|u| u.url)
}

/// A TCP endpoint `host:port`, as Novita sends it (no scheme).
pub fn host_port(endpoint: &str) -> Option<(&str, u16)> {
    let e = endpoint.trim();
    let (host, port) = e.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    valid_host.then_some((host, port))
}

/// For a port-22 TCP mapping, the `ssh` line that reaches it through the proxy.
pub fn ssh_line_for(endpoint: &str) -> Option<String> {
    let (host, port) = host_port(endpoint)?;
    Some(format!("ssh -p {port} root@{host}"))
}

/// Whether a port mapping is served over HTTP (so its endpoint may be a link).
pub fn is_http_kind(kind: &str) -> bool {
    matches!(kind.trim().to_ascii_lowercase().as_str(), "http" | "https")
}

/// Why a launcher (Jupyter, web terminal) can or cannot open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Launch {
    Ready(String),
    Unavailable(String),
}

/// Decides a launcher's state from its address and `isRunning`, with the reason in words.
pub fn launch(what: &str, address: Option<&str>, is_running: bool) -> Launch {
    let address = address.unwrap_or("").trim();
    if address.is_empty() {
        return Launch::Unavailable(format!("No {what} address: the API did not provide one."));
    }
    let Some(url) = safe_http_url(address) else {
        return Launch::Unavailable(format!(
            "The {what} address is not an http(s) link, so it is not opened."
        ));
    };
    if !is_running {
        let mut sentence = what.to_string();
        if let Some(first) = sentence.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        return Launch::Unavailable(format!("{sentence} is not running on this instance."));
    }
    Launch::Ready(url.to_string())
}

/// Appends query parameters to an address that may already have a query.
pub fn with_query(address: &str, query: &str) -> String {
    let sep = if address.contains('?') { '&' } else { '?' };
    format!("{address}{sep}{query}")
}
