//! An `http:` or `https:` address read the way a browser reads it: the one place that decides
//! where an address really points. Everything that turns a string into a link, an API base or
//! a log stream goes through [`HttpUrl::parse`], so a trick that fools one check fools none:
//!
//! - a backslash is refused anywhere, because browsers read `\` as `/` in http(s) URLs, so
//!   `https://evil.example\@x.novita.ai` goes to `evil.example`;
//! - userinfo is refused, because `https://api.novita.ai@evil` goes to `evil`;
//! - the host must be a plain name, a dotted quad or a bracketed IPv6 address, and the port
//!   digits.
//!
//! Hand-written rather than a URL crate or `std::net` parsing, which cost the browser app
//! kilobytes; only these forms matter here.

/// An http(s) URL that passed [`HttpUrl::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpUrl<'a> {
    /// The whole address, trimmed.
    pub url: &'a str,
    /// `https:` rather than `http:`.
    pub secure: bool,
    /// `host` or `host:port`, as written.
    pub authority: &'a str,
    /// The host: a name, a dotted quad, or an IPv6 address with its brackets.
    pub host: &'a str,
    /// Everything after the authority (path, query, fragment); may be empty.
    pub rest: &'a str,
}

impl<'a> HttpUrl<'a> {
    /// Reads `raw` (surrounding whitespace trimmed, as a browser does). `None` unless it is
    /// `http://` or `https://` (any case), then a well-formed host and optional port, with no
    /// userinfo, backslash, whitespace or control character anywhere.
    pub fn parse(raw: &'a str) -> Option<HttpUrl<'a>> {
        let url = raw.trim();
        if url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
        {
            return None;
        }
        let (secure, after) = if has_prefix(url, "https://") {
            (true, &url[8..])
        } else if has_prefix(url, "http://") {
            (false, &url[7..])
        } else {
            return None;
        };
        let (authority, rest) = after.split_at(after.find(['/', '?', '#']).unwrap_or(after.len()));
        let host = host_of(authority)?;
        Some(HttpUrl {
            url,
            secure,
            authority,
            host,
            rest,
        })
    }

    /// `https` or `http`, in lower case whatever the address used.
    pub fn scheme(&self) -> &'static str {
        if self.secure {
            "https"
        } else {
            "http"
        }
    }
}

/// Whether `s` starts with `prefix`, ignoring ASCII case.
pub(crate) fn has_prefix(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// The host of an authority `host[:port]` when both parts are well formed. An `@` (userinfo)
/// is not a host character, so it never is.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (inside, after) = bracketed.split_once(']')?;
            let ipv6_chars = inside
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
            if inside.is_empty() || !ipv6_chars {
                return None;
            }
            let port = if after.is_empty() {
                ""
            } else {
                after.strip_prefix(':')?
            };
            (&authority[..inside.len() + 2], port)
        }
        None => {
            let (name, port) = authority.split_once(':').unwrap_or((authority, ""));
            let name_chars = name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
            if name.is_empty() || !name_chars {
                return None;
            }
            (name, port)
        }
    };
    // An empty port means the scheme's own, as in browsers.
    let port_ok = port.is_empty()
        || (port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|p| p <= 65_535));
    port_ok.then_some(host)
}

/// Whether a host (as [`HttpUrl::host`] gives it, without port) is this computer:
/// `localhost`, 127.0.0.0/8 in plain dotted decimal, or `[::1]` in any of its spellings
/// (`[0::1]`, `[0:0:0:0:0:0:0:1]`, `[::0001]`). Other spellings a resolver might accept
/// (`2130706433`, `0127.0.0.1`, `127.1`) are not: they are how a check like this is fooled.
pub fn is_loopback_host(host: &str) -> bool {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(inside) => is_ipv6_loopback(inside),
        None => host.eq_ignore_ascii_case("localhost") || is_ipv4_loopback(host),
    }
}

/// Dotted-quad 127.x.y.z, each part 0-255 in plain decimal without leading zeros' tricks
/// (at most three digits).
fn is_ipv4_loopback(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts[0] == "127"
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 3
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// `::1` in any of its spellings.
fn is_ipv6_loopback(inside: &str) -> bool {
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        part.split(':')
            .map(|g| {
                let hex = !g.is_empty() && g.len() <= 4 && g.bytes().all(|b| b.is_ascii_hexdigit());
                hex.then(|| u16::from_str_radix(g, 16).ok()).flatten()
            })
            .collect()
    };
    let all: Vec<u16> = match inside.split_once("::") {
        Some((head, tail)) => {
            let (Some(head), Some(tail)) = (groups(head), groups(tail)) else {
                return false;
            };
            if head.len() + tail.len() > 7 {
                return false;
            }
            let zeros = 8 - head.len() - tail.len();
            head.into_iter()
                .chain(std::iter::repeat_n(0, zeros))
                .chain(tail)
                .collect()
        }
        None => match groups(inside) {
            Some(all) => all,
            None => return false,
        },
    };
    all == [0, 0, 0, 0, 0, 0, 0, 1]
}
