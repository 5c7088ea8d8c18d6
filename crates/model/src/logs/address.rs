//! Log addresses: which ones the page may open, the stream and download URLs built from them,
//! and the download's file name.

use super::LogKind;
use crate::http_url::{is_loopback_host, HttpUrl};
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

/// The address, trimmed, when the page may open it: `https:` anywhere, `http:` only on this
/// computer (see [`is_loopback_host`]), which is where tests run their stand-in.
/// Everything else, including plain `http:` across the network and any other scheme, is `None`.
pub fn openable_log_address(raw: &str) -> Option<&str> {
    let url = HttpUrl::parse(raw)?;
    (url.secure || is_loopback_host(url.host)).then_some(url.url)
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
