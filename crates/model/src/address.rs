//! The page address as a person shares it: `?instance=<id>` (one instance), `?watch=id1,id2`
//! (cards to watch), `?demo` or `?demo=<sample>` (built-in data), `?fleet&q=<text>&tone=<tone>`
//! (the fleet, searched and filtered). Read from and written to the query string as plain
//! text, so it is tested natively. No parameter here can say where the key is sent.

use crate::api::encode_component;

/// What the address asks to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// `?demo` (the first sample) or `?demo=<sample id or label>`.
    Demo(Option<String>),
    /// `?instance=<id>`.
    Instance(String),
    /// `?fleet`, with the search text and tone filter it carries (both may be empty).
    Fleet { query: String, tone: String },
    /// Nothing asked for: the page decides (the fleet when a key is held).
    Home,
}

/// Everything the address says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub view: View,
    /// `?watch=`: instances a link asks to watch, at most [`MAX_WATCHED`], without repeats.
    pub watch: Vec<String>,
}

/// The most instance IDs a watch list (from a link or from storage) holds.
pub const MAX_WATCHED: usize = 50;

/// Reads a query string (`?a=1&b`, with or without the `?`). The first of `demo`, `instance`
/// and `fleet` present decides the view; an empty `instance=` counts as absent.
pub fn parse(search: &str) -> Address {
    let watch = param(search, "watch")
        .map(|v| split_ids(&v))
        .unwrap_or_default();
    let view = if let Some(sample) = param(search, "demo") {
        View::Demo(Some(sample.trim().to_string()).filter(|s| !s.is_empty()))
    } else if let Some(id) = param(search, "instance").filter(|v| !v.trim().is_empty()) {
        View::Instance(id.trim().to_string())
    } else if param(search, "fleet").is_some() {
        View::Fleet {
            query: param(search, "q").unwrap_or_default(),
            tone: param(search, "tone").unwrap_or_default().trim().to_string(),
        }
    } else {
        View::Home
    };
    Address { view, watch }
}

/// The query string for showing `view`, keeping the `watch` list the address had so a reload
/// still shows the linked cards. `Home` gives just the watch list (or nothing).
pub fn search_for(view: &View, watch: &[String]) -> String {
    let mut parts: Vec<String> = Vec::new();
    match view {
        View::Demo(None) => parts.push("demo".into()),
        View::Demo(Some(sample)) => parts.push(format!("demo={}", encode_component(sample))),
        View::Instance(id) => parts.push(format!("instance={}", encode_component(id))),
        View::Fleet { query, tone } => {
            parts.push("fleet".into());
            if !query.is_empty() {
                parts.push(format!("q={}", encode_component(query)));
            }
            if !tone.is_empty() {
                parts.push(format!("tone={}", encode_component(tone)));
            }
        }
        View::Home => {}
    }
    if !watch.is_empty() {
        let ids: Vec<String> = watch.iter().map(|id| encode_component(id)).collect();
        // Commas stay readable: they separate IDs and need no escaping in a query.
        parts.push(format!("watch={}", ids.join(",")));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A comma-separated list of instance IDs, trimmed, without empties or repeats, at most
/// [`MAX_WATCHED`].
pub fn split_ids(list: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !ids.iter().any(|x| x == id) && ids.len() < MAX_WATCHED {
            ids.push(id.to_string());
        }
    }
    ids
}

/// The decoded value of the first `name` parameter: `Some("")` when it is present without a
/// value (`?demo`), `None` when absent. Decodes like `URLSearchParams`: `+` is a space, `%XX`
/// a byte, and bytes that are not UTF-8 become U+FFFD.
pub fn param(search: &str, name: &str) -> Option<String> {
    search
        .strip_prefix('?')
        .unwrap_or(search)
        .split('&')
        .find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key) == name).then(|| decode(value))
        })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: Option<&u8>) -> Option<u8> {
    let b = *b?;
    (b as char).to_digit(16).map(|d| d as u8)
}
