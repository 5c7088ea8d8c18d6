//! Log addresses: which ones the page may open, the stream and download URLs built from them,
//! and the download's file name.

use super::LogKind;
use crate::http_url::{is_loopback_host, HttpUrl};
use crate::instance::LogStreams;
use crate::links::with_query;

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

/// The address, trimmed, when the page may open it itself: `https:` only, in every build.
/// Plain `http:` would show the log to anyone on the network path, so the page leaves it to
/// its server ([`proxied_log_address`]), which decides what it accepts.
pub fn direct_log_address(raw: &str) -> Option<&str> {
    HttpUrl::parse(raw).filter(|u| u.secure).map(|u| u.url)
}

/// The route to a log address through the server that hosts the page (`config.json`
/// `proxyLogs`): `{api_base}/log-stream/{scheme}/{host[:port]}/{path}?{query}` for
/// `{scheme}://{host[:port]}/{path}?{query}`, scheme and host in lower case, the fragment
/// dropped. `api_base` is the API base in force ([`crate::settings::normalize_api_base`]); an
/// empty one is this origin, so the result is a relative URL.
///
/// `None` for anything [`HttpUrl::parse`] refuses (other schemes, userinfo, backslashes,
/// garbage), and for a path with a `.` or `..` segment (also percent-encoded), which the
/// browser would resolve out of the log-stream route into the server's other paths.
pub fn proxied_log_address(api_base: &str, raw: &str) -> Option<String> {
    let url = HttpUrl::parse(raw)?;
    // Plain http would carry the log unencrypted across the network: only a loopback host
    // is passed on (the server forwards those only when its own upstream is on loopback,
    // which is the test and local-development set-up).
    if !url.secure && !is_loopback_host(url.host) {
        return None;
    }
    let rest = url.rest.split('#').next().unwrap_or("");
    let path_end = rest.find('?').unwrap_or(rest.len());
    let dot_segment = rest[..path_end].split('/').any(|segment| {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        decoded == "." || decoded == ".."
    });
    if dot_segment {
        return None;
    }
    let slash = if rest.starts_with('/') { "" } else { "/" };
    Some(format!(
        "{}/log-stream/{}/{}{slash}{rest}",
        api_base.trim().trim_end_matches('/'),
        url.scheme(),
        url.authority.to_ascii_lowercase()
    ))
}

/// Whether (and where) one of an instance's log streams can be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogSource {
    /// The address to open (before its query): the log address itself, or its route through
    /// the server.
    Ready(String),
    /// The API sent no address.
    Missing,
    /// `connectComponentLog.isRunning` is false.
    NotRunning,
    /// A plain `http:` address (one on this computer is passed on to the server, when there
    /// is one).
    PlainHttp,
    /// An address no one opens: another scheme, userinfo, a backslash, garbage.
    Refused,
}

impl LogSource {
    /// `proxy_base` is the API base when `config.json` says `proxyLogs` (streams go through
    /// the server), `None` to open `https:` addresses directly.
    pub fn new(address: &str, is_running: bool, proxy_base: Option<&str>) -> LogSource {
        if address.trim().is_empty() {
            return LogSource::Missing;
        }
        if !is_running {
            return LogSource::NotRunning;
        }
        let ready = match proxy_base {
            Some(base) => proxied_log_address(base, address),
            None => direct_log_address(address).map(str::to_string),
        };
        match ready {
            Some(url) => LogSource::Ready(url),
            None if HttpUrl::parse(address).is_some_and(|u| !u.secure) => LogSource::PlainHttp,
            None => LogSource::Refused,
        }
    }

    /// The stream of `kind` among an instance's `logs` (see [`LogSource::new`]).
    pub fn of(logs: &LogStreams, kind: LogKind, proxy_base: Option<&str>) -> LogSource {
        let address = match kind {
            LogKind::System => &logs.system_log_address,
            LogKind::Instance => &logs.instance_log_address,
        };
        LogSource::new(address, logs.is_running, proxy_base)
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
            LogSource::PlainHttp => Some(format!(
                "The {what} log address is not an https: link, so it is not opened: the log would cross the network unencrypted."
            )),
            LogSource::Refused => Some(format!(
                "The {what} log address is not an http(s) address this page can open (it has a user name, a backslash, an odd host or another scheme), so it is not opened."
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
