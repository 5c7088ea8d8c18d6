//! The dist folder: types, compression, caching, config.json, 404s and the security headers.

mod common;

use std::io::Read;

use axum::http::{Method, StatusCode};
use base64::Engine;
use common::*;
use novita_viewer_server::{Config, Server};
use sha2::{Digest, Sha256};

/// No upstream is needed for static files; a closed port makes any stray call fail loudly.
const NO_UPSTREAM: &str = "http://127.0.0.1:9";

async fn start(dist: &Dist) -> TestServer {
    TestServer::start(config(dist, NO_UPSTREAM)).await
}

#[tokio::test]
async fn types_and_cache_headers() {
    let dist = Dist::new();
    let server = start(&dist).await;

    for (path, content_type, cache) in [
        ("/", "text/html; charset=utf-8", "no-cache"),
        ("/index.html", "text/html; charset=utf-8", "no-cache"),
        (
            WASM_NAME,
            "application/wasm",
            "public, max-age=31536000, immutable",
        ),
        (
            JS_NAME,
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        (
            CSS_NAME,
            "text/css; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        ("/config.json", "application/json", "no-cache"),
    ] {
        let reply = get(&server.url(path), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        assert_eq!(reply.header("cache-control"), Some(cache), "{path}");
        assert!(reply.header("etag").is_some(), "{path}");
    }
    let index = get(&server.url("/"), &[]).await;
    assert_eq!(index.text(), index_html());
    let wasm = get(&server.url(WASM_NAME), &[]).await;
    assert_eq!(&wasm.body[..], &wasm_bytes()[..]);
    assert_eq!(wasm.header("content-encoding"), None);
}

#[tokio::test]
async fn compression_follows_accept_encoding() {
    let dist = Dist::new();
    let server = start(&dist).await;

    for (path, original) in [
        (WASM_NAME, wasm_bytes()),
        (JS_NAME, js_text().into_bytes()),
        (CSS_NAME, css_text().into_bytes()),
    ] {
        let br = get(
            &server.url(path),
            &[("accept-encoding", "gzip, deflate, br")],
        )
        .await;
        assert_eq!(br.header("content-encoding"), Some("br"), "{path}");
        assert_eq!(br.header("vary"), Some("Accept-Encoding"), "{path}");
        assert!(br.body.len() < original.len());
        let mut decoded = Vec::new();
        brotli::Decompressor::new(&br.body[..], 4096)
            .read_to_end(&mut decoded)
            .expect("brotli");
        assert_eq!(decoded, original, "{path}");

        let gz = get(&server.url(path), &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.header("content-encoding"), Some("gzip"), "{path}");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz.body[..])
            .read_to_end(&mut decoded)
            .expect("gzip");
        assert_eq!(decoded, original, "{path}");

        let plain = get(&server.url(path), &[]).await;
        assert_eq!(plain.header("content-encoding"), None, "{path}");
        assert_eq!(&plain.body[..], &original[..], "{path}");

        let refused = get(
            &server.url(path),
            &[("accept-encoding", "br;q=0, gzip;q=0")],
        )
        .await;
        assert_eq!(refused.header("content-encoding"), None, "{path}");
        assert_eq!(&refused.body[..], &original[..], "{path}");

        // The ETag differs per encoding so caches never mix them up.
        assert_ne!(br.header("etag"), gz.header("etag"));
        assert_ne!(gz.header("etag"), plain.header("etag"));
    }
}

#[tokio::test]
async fn revalidation_and_head() {
    let dist = Dist::new();
    let server = start(&dist).await;

    let first = get(&server.url("/"), &[("accept-encoding", "gzip")]).await;
    let etag = first.header("etag").expect("etag").to_owned();
    let again = get(
        &server.url("/"),
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));

    let head = send(Method::HEAD, &server.url(JS_NAME), &[], "").await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        Some(js_text().len().to_string().as_str())
    );
}

#[tokio::test]
async fn default_config_json_points_at_this_server() {
    let dist = Dist::new();
    let server = start(&dist).await;
    let reply = get(&server.url("/config.json"), &[]).await;
    // The API and the log streams both on this origin.
    assert_eq!(reply.text(), r#"{"apiBase":"","proxyLogs":true}"#);
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
    let csp = reply.header("content-security-policy").expect("csp");
    // Itself only: no other host, not even Novita's (the log streams come through here).
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    assert!(!csp.contains("novita.ai"), "{csp}");
}

#[tokio::test]
async fn dist_config_json_wins_and_widens_connect_src() {
    let dist = Dist::new();
    let own = r#"{"apiBase": "https://proxy.example.com/novita", "other": 1}"#;
    dist.write("/config.json", own.as_bytes());
    let server = start(&dist).await;
    let reply = get(&server.url("/config.json"), &[]).await;
    assert_eq!(reply.text(), own);
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
    let csp = reply.header("content-security-policy").expect("csp");
    assert!(
        csp.contains("connect-src 'self' https://proxy.example.com;"),
        "{csp}"
    );
}

#[tokio::test]
async fn unknown_paths_are_404_not_index_html() {
    let dist = Dist::new();
    let server = start(&dist).await;
    for path in [
        "/nope",
        "/instance/abc",
        "/app.js",
        "/.stage/leftover.html",
        "/index.htm",
        "/dist/index.html",
        "/gpu-instance",
        "/openapi/v1/other",
    ] {
        let reply = get(&server.url(path), &[]).await;
        let json = reply.assert_error(404);
        assert_eq!(json["reason"], "NOT_FOUND", "{path}");
    }
    let post = send(Method::POST, &server.url("/index.html"), &[], "x").await;
    post.assert_error(405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
}

#[tokio::test]
async fn content_security_policy_and_security_headers() {
    let dist = Dist::new();
    let server = start(&dist).await;
    let expected_hash = format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(INLINE_SCRIPT))
    );
    for path in ["/", WASM_NAME, "/config.json", "/missing"] {
        let reply = get(&server.url(path), &[]).await;
        let csp = reply.header("content-security-policy").expect("csp");
        let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
        let script_src = directives
            .iter()
            .find(|d| d.starts_with("script-src "))
            .expect("script-src");
        assert_eq!(
            *script_src,
            format!("script-src 'self' 'wasm-unsafe-eval' {expected_hash}")
        );
        assert!(!script_src.contains("unsafe-inline"));
        for directive in [
            "default-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "object-src 'none'",
        ] {
            assert!(directives.contains(&directive), "{directive} in {csp}");
        }
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(reply.header("x-frame-options"), Some("DENY"));
    }
}

#[test]
fn connect_sources_are_configurable_and_checked() {
    let dist = Dist::new();
    let mut config = Config::new(dist.path(), NO_UPSTREAM);
    config.connect_sources = vec!["https://logs.example.com".into()];
    let server = Server::new(config).expect("server");
    assert!(server
        .content_security_policy()
        .contains("connect-src 'self' https://logs.example.com;"));
    for bad in [
        "logs.example.com",
        "https://x; script-src *",
        "javascript:x",
        "https://",
    ] {
        let mut config = Config::new(dist.path(), NO_UPSTREAM);
        config.connect_sources = vec![bad.into()];
        let err = Server::new(config).err().map(|e| e.to_string());
        assert!(
            err.as_deref().is_some_and(|e| e.contains("--connect-src")),
            "{bad:?} should be refused, got {err:?}"
        );
    }
}

#[tokio::test]
async fn no_inline_script_means_no_hash() {
    let dist = Dist::new();
    dist.write(
        "/index.html",
        b"<!DOCTYPE html><html><head><script type=\"module\" src=\"/app.js\"></script></head></html>",
    );
    let server = Server::new(Config::new(dist.path(), NO_UPSTREAM)).expect("server");
    let csp = server.content_security_policy();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(!csp.contains("sha256-"), "{csp}");
}

#[tokio::test]
async fn a_dist_without_index_html_is_refused_at_start_up() {
    let dist = Dist::new();
    dist.remove("/index.html");
    let err = Server::new(Config::new(dist.path(), NO_UPSTREAM))
        .err()
        .expect("refused");
    assert!(err.to_string().contains("index.html"), "{err}");
}

#[test]
fn an_upstream_with_credentials_is_refused_and_never_shown() {
    let dist = Dist::new();
    for upstream in [
        "https://user:hunter2@api.novita.ai",
        "https://hunter2@api.novita.ai/prefix",
        "https://api.novita.ai/?token=hunter2",
    ] {
        let err = Server::new(Config::new(dist.path(), upstream))
            .err()
            .map(|err| format!("{err} / {err:?}"))
            .unwrap_or_else(|| panic!("{upstream} accepted"));
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("--upstream"), "{err}");
    }
}

#[test]
fn a_plain_http_upstream_elsewhere_is_refused_unless_meant() {
    let dist = Dist::new();
    let err = Server::new(Config::new(dist.path(), "http://192.0.2.1:8080"))
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("--allow-plain-http-upstream"), "{err}");
    let mut config = Config::new(dist.path(), "http://192.0.2.1:8080");
    config.allow_plain_http_upstream = true;
    let server = Server::new(config).expect("meant");
    assert!(server.is_plaintext_remote());
    // Loopback needs no flag: the tests' and local development's set-up.
    assert!(Server::new(Config::new(dist.path(), "http://[0::1]:9")).is_ok());
}

/// The build's CSP `<meta>` (for static hosts) is rewritten to this server's own policy, less
/// `frame-ancestors`: a browser enforces both, so a narrower `<meta>` would block what the
/// header allows (here, an origin added with `--connect-src`).
#[tokio::test]
async fn the_pages_csp_meta_says_what_the_header_says() {
    let dist = Dist::new();
    let built = index_html().replace(
        "<meta charset=\"utf-8\" />",
        "<meta charset=\"utf-8\" />\n<meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'self'; connect-src 'self' https://api.novita.ai\" />",
    );
    dist.write("/index.html", built.as_bytes());
    let mut config = config(&dist, NO_UPSTREAM);
    config.connect_sources = vec!["https://logs.example.com".into()];
    let server = TestServer::start(config).await;
    let reply = get(&server.url("/"), &[]).await;
    let header = reply
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .expect("a CSP header")
        .to_owned();
    let html = reply.text();
    let marker = "http-equiv=\"Content-Security-Policy\" content=\"";
    let start = html.find(marker).expect("the <meta> is still there") + marker.len();
    let meta = &html[start..start + html[start..].find('"').expect("its end")];
    assert_eq!(
        meta,
        header.replace("; frame-ancestors 'none'", ""),
        "the <meta> is the header less frame-ancestors"
    );
    assert!(
        meta.contains("connect-src 'self' https://logs.example.com;"),
        "{meta}"
    );
    assert!(
        !meta.contains("api.novita.ai"),
        "the build's own list is replaced: {meta}"
    );
    // The page's inline loader still runs: its hash is unchanged by the rewrite.
    assert!(html.contains(INLINE_SCRIPT));
}
