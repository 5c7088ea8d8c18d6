//! Trunk's `dist/` folder, read into memory at start-up with gzip and brotli copies of every
//! file that compresses, so each request is a lookup and a copy of `Bytes`.
//!
//! Caching follows Trunk's naming: files (or folders, like wasm-bindgen's `snippets/name-<hash>/`)
//! whose names end in `-<16 hex digits>` change name when their content changes, so they are
//! `immutable` for a year; everything else (`index.html`, `config.json`, unhashed assets) is
//! `no-cache` with an `ETag`, so browsers revalidate and pick up a new build at once.
//!
//! The folder is read once: after a new `trunk build`, restart the server.
//!
//! `/config.json` tells the app where the API is. Without one in the dist folder the server
//! writes its own: the API on this same origin, the log streams through this server
//! (`"proxyLogs": true`), and `"readOnly": true` with `--read-only`. A dist `config.json` is
//! served as it is, with `"readOnly": true` added under `--read-only`.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{json_error, method_not_allowed, StartError};

/// What `/config.json` says when the dist folder has none: the API is on this same origin, and
/// so are the log streams (see [`crate::log_stream`]).
pub fn generated_config_json(read_only: bool) -> String {
    let read_only = if read_only { r#","readOnly":true"# } else { "" };
    format!(r#"{{"apiBase":"","proxyLogs":true{read_only}}}"#)
}

pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
pub const NO_CACHE: &str = "no-cache";

/// Files smaller than this are not worth compressing.
const MIN_COMPRESS: usize = 256;

pub struct StaticFiles {
    files: HashMap<String, Asset>,
    dist_has_config: bool,
}

struct Asset {
    content_type: &'static str,
    cache_control: &'static str,
    identity: Bytes,
    gzip: Option<Bytes>,
    brotli: Option<Bytes>,
    etag: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl StaticFiles {
    /// Reads every file under `dist` (hidden entries such as Trunk's `.stage` are skipped).
    pub fn load(dist: &Path, read_only: bool) -> Result<StaticFiles, StartError> {
        if !dist.join("index.html").is_file() {
            return Err(StartError::NoIndex(dist.to_owned()));
        }
        let mut raw = Vec::new();
        read_tree(dist, "", &mut raw).map_err(|source| StartError::Read {
            path: dist.to_owned(),
            source,
        })?;
        let dist_config = raw.iter_mut().find(|(path, _)| path == "/config.json");
        let dist_has_config = dist_config.is_some();
        match dist_config {
            Some((_, content)) if read_only => *content = with_read_only(content)?,
            Some(_) => {}
            None => raw.push((
                "/config.json".to_owned(),
                generated_config_json(read_only).into_bytes(),
            )),
        }
        let files = raw
            .into_iter()
            .map(|(path, content)| {
                let asset = Asset::new(&path, content);
                (path, asset)
            })
            .collect();
        Ok(StaticFiles {
            files,
            dist_has_config,
        })
    }

    /// Makes `index.html`'s CSP `<meta>` (the policy a static host relies on, written by the
    /// build) say what this server's header says, less `frame-ancestors`, which a `<meta>`
    /// cannot carry. A browser enforces both: a `<meta>` narrower than the header (one without
    /// an origin `--connect-src` or `config.json` adds here) would block what the server
    /// allows. A page without such a `<meta>` is left as it is.
    pub fn set_csp_meta(&mut self, header_policy: &str) {
        let Some(asset) = self.files.get("/index.html") else {
            return;
        };
        let html = String::from_utf8_lossy(&asset.identity).into_owned();
        let Some(content) = csp_meta_content(&html) else {
            return;
        };
        let policy: Vec<&str> = header_policy
            .split(';')
            .map(str::trim)
            .filter(|d| !d.is_empty() && !d.starts_with("frame-ancestors"))
            .collect();
        let rewritten = format!(
            "{}{}{}",
            &html[..content.start],
            policy.join("; "),
            &html[content.end..]
        );
        self.files.insert(
            "/index.html".to_owned(),
            Asset::new("/index.html", rewritten.into_bytes()),
        );
    }

    /// The bytes of a file as served (uncompressed), e.g. `"/index.html"`.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(|asset| &asset.identity[..])
    }

    /// True when `config.json` came from the dist folder rather than the built-in default.
    pub fn dist_has_config(&self) -> bool {
        self.dist_has_config
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Answers a GET or HEAD (the guard has checked the path's shape).
    pub(crate) fn respond(&self, request: &Request) -> Response {
        let path = request.uri().path();
        let key = if path == "/" { "/index.html" } else { path };
        let Some(asset) = percent_decode(key).and_then(|key| self.files.get(&key)) else {
            return json_error(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                "No such file here (this server only serves the app and the Novita API paths)",
            );
        };
        asset.respond(request.headers())
    }
}

/// Where the `content` value of the CSP `<meta>` sits in `html` (the bytes between its quotes).
fn csp_meta_content(html: &str) -> Option<std::ops::Range<usize>> {
    let lower = html.to_ascii_lowercase();
    let equiv = lower.find("http-equiv=\"content-security-policy\"")?;
    let tag_start = lower[..equiv].rfind('<')?;
    let tag_end = equiv + lower[equiv..].find('>')?;
    let marker = "content=\"";
    let start = tag_start + lower[tag_start..tag_end].find(marker)? + marker.len();
    let end = start + lower[start..tag_end].find('"')?;
    Some(start..end)
}

/// The handler for every path that is neither the API nor a log stream.
pub(crate) async fn serve(State(files): State<Arc<StaticFiles>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return method_not_allowed("GET, HEAD");
    }
    files.respond(&request)
}

impl Asset {
    fn new(path: &str, content: Vec<u8>) -> Asset {
        let content_type = content_type(path);
        let cache_control = if is_hashed(path) { IMMUTABLE } else { NO_CACHE };
        let (gzip, brotli) = if compressible(content_type) && content.len() >= MIN_COMPRESS {
            (
                worth_it(&content, gzip(&content)),
                worth_it(&content, brotli(&content)),
            )
        } else {
            (None, None)
        };
        let digest = Sha256::digest(&content);
        let etag = URL_SAFE_NO_PAD.encode(&digest[..12]);
        Asset {
            content_type,
            cache_control,
            identity: Bytes::from(content),
            gzip,
            brotli,
            etag,
        }
    }

    fn respond(&self, request_headers: &HeaderMap) -> Response {
        let accept = request_headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|value| value.to_str().ok());
        let encoding = choose_encoding(accept, self.brotli.is_some(), self.gzip.is_some());
        let (body, etag, content_encoding) = match encoding {
            Encoding::Brotli => (
                self.brotli.clone(),
                format!("\"{}-br\"", self.etag),
                Some("br"),
            ),
            Encoding::Gzip => (
                self.gzip.clone(),
                format!("\"{}-gz\"", self.etag),
                Some("gzip"),
            ),
            Encoding::Identity => (None, format!("\"{}\"", self.etag), None),
        };
        let body = body.unwrap_or_else(|| self.identity.clone());

        let not_modified = request_headers
            .get(header::IF_NONE_MATCH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .map(|tag| tag.trim().trim_start_matches("W/"))
                    .any(|tag| tag == etag || tag == "*")
            });
        let mut response = if not_modified {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::NOT_MODIFIED;
            response
        } else {
            Response::new(Body::from(body))
        };
        let headers = response.headers_mut();
        if !not_modified {
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            if let Some(coding) = content_encoding {
                headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            }
        }
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(self.cache_control),
        );
        if let Ok(etag) = HeaderValue::from_str(&etag) {
            headers.insert(header::ETAG, etag);
        }
        if self.gzip.is_some() || self.brotli.is_some() {
            headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        response
    }
}

/// A dist `config.json` with `"readOnly": true` set.
fn with_read_only(content: &[u8]) -> Result<Vec<u8>, StartError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(content).map_err(StartError::DistConfig)?;
    let Some(object) = value.as_object_mut() else {
        return Err(StartError::DistConfigNotObject);
    };
    object.insert("readOnly".to_owned(), serde_json::Value::Bool(true));
    Ok(value.to_string().into_bytes())
}

fn read_tree(dir: &Path, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue; // not reachable by a URL we would accept anyway
        };
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}/{name}");
        let meta = fs::metadata(entry.path())?;
        if meta.is_dir() {
            read_tree(&entry.path(), &path, out)?;
        } else if meta.is_file() {
            out.push((path, fs::read(entry.path())?));
        }
    }
    Ok(())
}

/// Decodes `%XX` escapes (the guard has already refused malformed ones and encoded separators).
fn percent_decode(path: &str) -> Option<String> {
    if !path.contains('%') {
        return Some(path.to_owned());
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = path.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Trunk's content hash: a file stem (before the first dot, less wasm-bindgen's `_bg`) or a
/// folder name ending in `-` and 16 hex digits.
/// Whether a file name carries Trunk's content hash (`name-<hex>`), so it can be cached
/// forever. Trunk prints the 64-bit hash without zero padding, so it has up to 16 hex digits
/// (12 or more in all but about one build in 65,536; nginx.conf uses the same rule).
pub fn is_hashed(path: &str) -> bool {
    path.split('/').any(|part| {
        let stem = part.split('.').next().unwrap_or(part);
        let stem = stem.strip_suffix("_bg").unwrap_or(stem);
        stem.rsplit_once('-').is_some_and(|(name, hash)| {
            !name.is_empty()
                && (12..=16).contains(&hash.len())
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
    })
}

pub fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        _ => "application/octet-stream",
    }
}

fn compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || matches!(
            content_type,
            "application/wasm"
                | "application/json"
                | "application/manifest+json"
                | "application/xml"
                | "image/svg+xml"
                | "image/x-icon"
                | "font/ttf"
                | "font/otf"
        )
}

/// Keeps a compressed copy only when it saves at least a tenth.
fn worth_it(original: &[u8], compressed: Vec<u8>) -> Option<Bytes> {
    (compressed.len() < original.len() - original.len() / 10).then(|| Bytes::from(compressed))
}

fn gzip(content: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(content);
    encoder.finish().unwrap_or_default()
}

/// Brotli at quality 11 (what the server sends; the benchmark measures the same).
pub fn brotli(content: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    let mut input = content;
    match brotli::BrotliCompress(&mut input, &mut out, &params) {
        Ok(_) => out,
        Err(_) => Vec::new(),
    }
}

/// The best encoding the client accepts among those we have: brotli, then gzip, then none.
/// `q=0` refuses a coding; `*` stands for any coding not named.
fn choose_encoding(accept: Option<&str>, have_br: bool, have_gzip: bool) -> Encoding {
    let Some(accept) = accept else {
        return Encoding::Identity;
    };
    let mut br = None;
    let mut gz = None;
    let mut star = None;
    for item in accept.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let mut q = 1.0_f32;
        for param in parts {
            if let Some((key, value)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("q") {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
        }
        match coding.as_str() {
            "br" => br = Some(q),
            "gzip" | "x-gzip" => gz = Some(q),
            "*" => star = Some(q),
            _ => {}
        }
    }
    let br = br.or(star).unwrap_or(0.0);
    let gz = gz.or(star).unwrap_or(0.0);
    if have_br && br > 0.0 && (br >= gz || !have_gzip) {
        Encoding::Brotli
    } else if have_gzip && gz > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashes() {
        for hashed in [
            "/app-0123456789abcdef_bg.wasm",
            "/app-0123456789abcdef.js",
            "/main-0123456789ABCDEF.css",
            "/novita-instance-viewer-0123456789abcdef.js",
            "/snippets/leptos-0123456789abcdef/inline0.js",
            // Trunk does not zero-pad its hash: one build in sixteen has 15 digits.
            "/novita-instance-viewer-5d35f352ffd4b00.js",
            "/app-0123456789ab_bg.wasm",
        ] {
            assert!(is_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/index.html",
            "/config.json",
            "/app.js",
            "/app-0123456789a.js",
            "/app-0123456789abcdef0.js",
            "/app-0123456789abcdeg.js",
            "/-0123456789abcdef.js",
        ] {
            assert!(!is_hashed(plain), "{plain}");
        }
    }

    #[test]
    fn encodings() {
        use Encoding::*;
        assert_eq!(choose_encoding(None, true, true), Identity);
        assert_eq!(
            choose_encoding(Some("gzip, deflate, br"), true, true),
            Brotli
        );
        assert_eq!(choose_encoding(Some("gzip"), true, true), Gzip);
        assert_eq!(choose_encoding(Some("br;q=0, gzip"), true, true), Gzip);
        assert_eq!(
            choose_encoding(Some("br;q=0.5, gzip;q=0.8"), true, true),
            Gzip
        );
        assert_eq!(choose_encoding(Some("*"), true, true), Brotli);
        assert_eq!(choose_encoding(Some("identity"), true, true), Identity);
        assert_eq!(choose_encoding(Some("br"), false, true), Identity);
        assert_eq!(choose_encoding(Some("gzip;q=0"), false, true), Identity);
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("/a%20b").as_deref(), Some("/a b"));
        assert_eq!(percent_decode("/plain").as_deref(), Some("/plain"));
        assert_eq!(percent_decode("/bad%ff"), None);
    }
}
