//! Security headers on every answer, the Content-Security-Policy above all: only the app's own
//! files and the inline module script Trunk writes into `index.html` may run.
//!
//! At start-up `index.html` is scanned for inline `<script>` bodies (Trunk's bootstrap
//! `<script type="module">import init ...</script>`) and inline `<style>` bodies; each is hashed
//! with SHA-256 into a `'sha256-…'` source, so neither `script-src` nor `style-src` needs
//! `'unsafe-inline'`. Trunk's default output has no inline style, so `style-src` is usually just
//! `'self'`. `'wasm-unsafe-eval'` lets the page compile its WebAssembly and nothing more.
//! `connect-src` is `'self'` (the default `config.json` points the app at this server, and tells
//! it to open the instances' log streams through this server's `/log-stream/` too), plus the
//! origin of `apiBase` when the dist folder brings its own `config.json` naming another host,
//! plus whatever `--connect-src` adds (nothing by default). It used to allow
//! `https://*.novita.ai` for the log streams, which also admits the instances' own port
//! endpoints: servers other Novita customers run.
//!
//! The headers are set by tower-http's `SetResponseHeaderLayer`, overriding whatever an answer
//! (the upstream's included) carried.

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::static_files::StaticFiles;

pub struct SecurityHeaders {
    csp: HeaderValue,
}

impl SecurityHeaders {
    pub fn for_files(files: &StaticFiles, connect_sources: &[String]) -> SecurityHeaders {
        let html = files
            .get("/index.html")
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let api_origin = if files.dist_has_config() {
            files.get("/config.json").and_then(api_base_origin)
        } else {
            None
        };
        let csp = content_security_policy(&html, api_origin.as_deref(), connect_sources);
        SecurityHeaders {
            // Every part is ASCII we built (hashes, checked origin), so this cannot fail.
            csp: HeaderValue::from_str(&csp)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
        }
    }

    /// The policy in force, for the start-up checks and tests.
    pub fn csp(&self) -> &str {
        self.csp.to_str().unwrap_or("")
    }

    /// `router` with the headers on every answer.
    pub(crate) fn wrap(&self, router: Router) -> Router {
        let fixed = [
            (header::CONTENT_SECURITY_POLICY, self.csp.clone()),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (
                HeaderName::from_static("cross-origin-opener-policy"),
                HeaderValue::from_static("same-origin"),
            ),
        ];
        fixed.into_iter().fold(router, |router, (name, value)| {
            router.layer(SetResponseHeaderLayer::overriding(name, value))
        })
    }
}

/// Whether `source` is safe to put in `connect-src`: an `https:` (or loopback `http:`) origin,
/// possibly with a `*.` wildcard host, and nothing that could end the directive.
pub fn is_valid_connect_source(source: &str) -> bool {
    let Some(host) = source
        .strip_prefix("https://")
        .or_else(|| source.strip_prefix("http://"))
    else {
        return false;
    };
    let host = host.strip_prefix("*.").unwrap_or(host);
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

pub fn content_security_policy(
    index_html: &str,
    api_origin: Option<&str>,
    connect_sources: &[String],
) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in inline_hashes(index_html, "script") {
        script_src.push_str(&format!(" '{hash}'"));
    }
    let mut style_src = String::from("'self'");
    for hash in inline_hashes(index_html, "style") {
        style_src.push_str(&format!(" '{hash}'"));
    }
    let mut connect_src = String::from("'self'");
    for origin in api_origin
        .into_iter()
        .chain(connect_sources.iter().map(String::as_str))
    {
        connect_src.push(' ');
        connect_src.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src {style_src}; \
         img-src 'self' data:; connect-src {connect_src}; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'none'; object-src 'none'"
    )
}

/// `sha256-<base64>` of the body of every inline `<tag>` element (for scripts, those without
/// `src`), exactly as it appears in the file, which is what browsers hash.
pub fn inline_hashes(html: &str, tag: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let open = format!("<{tag}");
    let close = format!("</{tag}");
    let mut hashes = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find(&open) {
        let start = from + found + open.len();
        from = start;
        // `<scripts>` or `<script-x>` are other elements.
        if !lower[start..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/') {
            continue;
        }
        let Some(tag_end) = end_of_tag(&lower, start) else {
            break;
        };
        let attributes = &lower[start..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = lower[body_start..].find(&close) else {
            break;
        };
        let body_end = body_start + body_len;
        from = body_end;
        if tag == "script" && attribute_names(attributes).any(|name| name == "src") {
            continue;
        }
        let digest = Sha256::digest(&html.as_bytes()[body_start..body_end]);
        hashes.push(format!("sha256-{}", STANDARD.encode(digest)));
    }
    hashes
}

/// The index of the `>` closing an opening tag whose attributes start at `from`, quotes honoured.
fn end_of_tag(html: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in html[from..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(from + i),
            (None, _) => {}
        }
    }
    None
}

/// Attribute names of an opening tag (values skipped, quoted or not).
fn attribute_names(attributes: &str) -> impl Iterator<Item = &str> {
    let bytes = attributes.as_bytes();
    let mut names = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_start = i;
        while i < bytes.len()
            && !bytes[i].is_ascii_whitespace()
            && bytes[i] != b'='
            && bytes[i] != b'/'
        {
            i += 1;
        }
        if i > name_start {
            names.push(&attributes[name_start..i]);
        }
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
                i += 1;
            } else {
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
            }
        }
    }
    names.into_iter()
}

/// The origin of `apiBase` in a dist `config.json`, when it is an absolute http(s) URL without
/// credentials.
fn api_base_origin(config: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(config).ok()?;
    let base = value.get("apiBase")?.as_str()?.trim();
    let (scheme, rest) = base.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    // Browsers end the authority at `\` too; a user name or password in it is refused (the
    // part after `@` is the host a browser would call, which is not what a reader sees first).
    let authority = rest
        .split(['/', '\\', '?', '#'])
        .next()?
        .to_ascii_lowercase();
    let valid = !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    valid.then(|| format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUNK_INDEX: &str = r#"<!DOCTYPE html><html><head>
<link rel="modulepreload" href="/app-0123456789abcdef.js" crossorigin="anonymous" integrity="sha384-x">
<link rel="preload" href="/app-0123456789abcdef_bg.wasm" as="fetch" type="application/wasm">
<script type="module" src="/other.js"></script>
<style>body{margin:0}</style>
<SCRIPT type="module">
import init, * as bindings from '/app-0123456789abcdef.js';
const wasm = await init({ module_or_path: '/app-0123456789abcdef_bg.wasm' });
</SCRIPT></head><body><scripts></scripts></body></html>"#;

    #[test]
    fn hashes_inline_bodies_only() {
        let scripts = inline_hashes(TRUNK_INDEX, "script");
        let body = "\nimport init, * as bindings from '/app-0123456789abcdef.js';\nconst wasm = await init({ module_or_path: '/app-0123456789abcdef_bg.wasm' });\n";
        let expected = format!("sha256-{}", STANDARD.encode(Sha256::digest(body)));
        assert_eq!(scripts, vec![expected]);
        let styles = inline_hashes(TRUNK_INDEX, "style");
        let expected = format!(
            "sha256-{}",
            STANDARD.encode(Sha256::digest("body{margin:0}"))
        );
        assert_eq!(styles, vec![expected]);
        assert!(inline_hashes("<html></html>", "script").is_empty());
        assert!(inline_hashes("<script>unclosed", "script").is_empty());
    }

    #[test]
    fn policy() {
        let csp = content_security_policy("", None, &[]);
        assert_eq!(
            csp,
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; \
             form-action 'none'; object-src 'none'"
        );
        let csp = content_security_policy("", Some("https://proxy.example.com"), &[]);
        assert!(csp.contains("connect-src 'self' https://proxy.example.com;"));
    }

    #[test]
    fn api_origins() {
        let origin = |json: &str| api_base_origin(json.as_bytes());
        assert_eq!(
            origin(r#"{"apiBase":"https://Proxy.example.com:8443/x"}"#).as_deref(),
            Some("https://proxy.example.com:8443")
        );
        assert_eq!(
            origin(r#"{"apiBase":"https://cors.example.com/https://api.novita.ai"}"#).as_deref(),
            Some("https://cors.example.com")
        );
        assert_eq!(origin(r#"{"apiBase":""}"#), None);
        assert_eq!(origin(r#"{"apiBase":"/"}"#), None);
        assert_eq!(origin(r#"{"apiBase":"javascript:alert(1)"}"#), None);
        assert_eq!(origin(r#"{"apiBase":"https://a b"}"#), None);
        assert_eq!(origin("not json"), None);
        assert_eq!(
            origin(r#"{"apiBase":"https://api.novita.ai@evil.example"}"#),
            None
        );
        assert_eq!(
            origin(r#"{"apiBase":"https://u:p@proxy.example.com"}"#),
            None
        );
        assert_eq!(
            origin(r#"{"apiBase":"https://evil.example\\@x.novita.ai"}"#).as_deref(),
            Some("https://evil.example")
        );
    }
}
