//! Log addresses: which ones the page may open, the stream and download URLs built from them,
//! and the download's file name.

use super::LogKind;
use crate::links::{safe_http_url, with_query};

/// How many past lines a new stream asks for (`tail=N`).
pub const DEFAULT_TAIL: u32 = 500;
/// The tail lengths offered; none above [`super::MAX_LINES`], which is all the panel keeps.
pub const TAIL_CHOICES: [u32; 4] = [100, 500, 1_000, 5_000];

/// Adds `query` to `address`: `?` or `&` as the address needs, before any fragment (which a
/// browser would not send anyway), without doubling a trailing `?` or `&`.
fn append_query(address: &str, query: &str) -> String {
    let address = address.trim();
    let address = address.split('#').next().unwrap_or("");
    if address.ends_with('?') || address.ends_with('&') {
        format!("{address}{query}")
    } else {
        with_query(address, query)
    }
}

/// The live stream: `address?follow=1&sse=1&timestamps=1&tail=N`.
pub fn stream_url(address: &str, tail: u32) -> String {
    append_query(address, &format!("follow=1&sse=1&timestamps=1&tail={tail}"))
}

/// The whole log as text: `address?timestamps=1`.
pub fn download_url(address: &str) -> String {
    append_query(address, "timestamps=1")
}

/// The address, trimmed, when the page may open it: `https:` anywhere, `http:` only on this
/// computer (127.0.0.0/8, `localhost`, `[::1]`), which is where tests run their stand-in.
/// Everything else, including plain `http:` across the network and any other scheme, is `None`.
pub fn openable_log_address(raw: &str) -> Option<&str> {
    let url = safe_http_url(raw)?;
    if url
        .get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
    {
        return Some(url);
    }
    // Browsers end the authority at a backslash too, so `http://evil\@127.0.0.1` is evil's.
    let authority = url[7..].split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    is_loopback_host(host).then_some(url)
}

/// `host` or `host:port` as it appears in a URL. Hand-written rather than `std::net` parsing,
/// which costs the browser app kilobytes; only the exact loopback forms matter here.
fn is_loopback_host(host: &str) -> bool {
    if let Some(rest) = host.strip_prefix('[') {
        let Some((inside, after)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok && is_ipv6_loopback(inside);
    }
    let (name, port_ok) = match host.split_once(':') {
        Some((name, port)) => (name, is_port(port)),
        None => (host, true),
    };
    port_ok && (name.eq_ignore_ascii_case("localhost") || is_ipv4_loopback(name))
}

/// Dotted-quad 127.x.y.z, each part 0–255 in plain decimal.
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

/// `::1` in any of its spellings (`0:0:0:0:0:0:0:1`, `0::1`, `::0001`).
fn is_ipv6_loopback(inside: &str) -> bool {
    let group = |g: &str| -> Option<u16> {
        if g.is_empty() || g.len() > 4 {
            return None;
        }
        u16::from_str_radix(g, 16).ok()
    };
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        part.split(':').map(group).collect()
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

fn is_port(s: &str) -> bool {
    s.is_empty() || (s.len() <= 5 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether (and where) one of an instance's log streams can be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogSource {
    /// The address to open, trimmed.
    Ready(String),
    /// The API sent no address.
    Missing,
    /// `connectComponentLog.isRunning` is false.
    NotRunning,
    /// An address the page will not open (not https, or plain http off this computer).
    Refused,
}

impl LogSource {
    pub fn new(address: &str, is_running: bool) -> LogSource {
        if address.trim().is_empty() {
            return LogSource::Missing;
        }
        if !is_running {
            return LogSource::NotRunning;
        }
        match openable_log_address(address) {
            Some(url) => LogSource::Ready(url.to_string()),
            None => LogSource::Refused,
        }
    }

    /// Why there is no stream, in words; `None` when there is one.
    pub fn message(&self, kind: LogKind) -> Option<String> {
        let what = kind.slug();
        match self {
            LogSource::Ready(_) => None,
            LogSource::Missing => Some(format!(
                "No {what} log address: the API did not provide one."
            )),
            LogSource::NotRunning => {
                Some("isRunning is false: logs are not being collected.".to_string())
            }
            LogSource::Refused => Some(format!(
                "The {what} log address is not an https: link (plain http: is opened only on this computer), so it is not opened."
            )),
        }
    }
}

/// `instance-<id>-system-log.txt`, with anything unusual in the id replaced.
pub fn download_file_name(instance_id: &str, kind: LogKind) -> String {
    format!(
        "instance-{}-{}-log.txt",
        crate::format::file_stem(instance_id),
        kind.slug()
    )
}
