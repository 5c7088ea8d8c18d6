//! Runs the real nginx on `deploy/nginx.conf` and checks that it does the bundled server's job:
//! the app's files with the right types and cache headers, `config.json`, the API paths forwarded
//! to a stand-in (fake-novita, or an echo server for the headers) and nothing else, the same
//! security headers and CSP, JSON errors in Novita's shape, and a log without keys or queries.
//!
//! The file is used as written except for what [`render`] changes, line by line: the port
//! (loopback, TLS off unless a test brings certificates), `root`, the log paths, the upstream
//! address, the loader's hash in the CSP and, where a test needs it, the read timeout and the
//! concurrency limit. nginx runs in the foreground (`daemon off; master_process off;`) from a
//! wrapper config in a temp folder, and is killed when the test ends, failed or not.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::IntoResponse;
use bytes::Bytes;
use common::*;
use fake_novita::{FakeNovita, INSTANCE_PATH, TEST_API_KEY};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use novita_viewer_server::security_headers::{content_security_policy, inline_hashes};
use novita_viewer_server::static_files::{IMMUTABLE, NO_CACHE};
use tokio::net::TcpListener;

const NGINX: &str = "/usr/sbin/nginx";
const CONF: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../deploy/nginx.conf");
const PLACEHOLDER_HASH: &str = "sha256-PASTE-THE-LOADER-HASH-HERE";

/// nginx does not proxy the log streams (the bundled server does, under `/log-stream/`): its
/// page opens them on Novita's hosts, so its `connect-src` names them, and its `config.json`
/// has no `proxyLogs`.
const NGINX_CONNECT_SOURCES: [&str; 1] = ["https://*.novita.ai"];
const NGINX_CONFIG_JSON: &str = r#"{"apiBase":""}"#;

// ---------------------------------------------------------------------------------------------
// Rendering deploy/nginx.conf for a test.

/// What a test changes in `deploy/nginx.conf`.
struct Site<'a> {
    port: u16,
    root: &'a Path,
    logs: &'a Path,
    /// `host:port` of the stand-in for api.novita.ai.
    upstream: SocketAddr,
    /// The `sha256-...` that replaces the placeholder in the CSP.
    loader_hash: &'a str,
    read_timeout_secs: u32,
    max_api_calls: u32,
    /// The read-only switch turned on.
    read_only: bool,
    /// None: plain http on the port, every TLS line dropped. Some: TLS kept, on both sides.
    tls: Option<&'a Certs>,
    /// More lines for the server block, before its first location (the README's recipes).
    extra_server: &'a str,
}

/// Counts how often each rule changed a line, so a change to the file that a rule no longer
/// matches fails loudly instead of testing something else.
#[derive(Default)]
struct Hits {
    listen: usize,
    ssl: usize,
    proxy_ssl: usize,
    upstream: usize,
    proxy_pass: usize,
    root: usize,
    logs: usize,
    read_timeout: usize,
    limit_conn: usize,
    read_only: usize,
    hash: usize,
    first_location: usize,
}

fn render(conf: &str, site: &Site) -> String {
    let mut hits = Hits::default();
    let mut out = String::with_capacity(conf.len());
    for line in conf.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let rendered: Option<String> = if trimmed.starts_with('#') {
            Some(line.to_owned())
        } else if trimmed.starts_with("listen ") {
            hits.listen += 1;
            // The first listen line becomes the test's port; the others (IPv6) go.
            (hits.listen == 1).then(|| match site.tls {
                None => format!("{indent}listen 127.0.0.1:{};", site.port),
                Some(_) => {
                    assert!(trimmed.starts_with("listen 443 "), "{trimmed}");
                    line.replacen("443", &format!("127.0.0.1:{}", site.port), 1)
                }
            })
        } else if trimmed.starts_with("ssl_") {
            hits.ssl += 1;
            site.tls.map(|certs| {
                if trimmed.starts_with("ssl_certificate ") {
                    format!("{indent}ssl_certificate {};", certs.viewer_pem.display())
                } else if trimmed.starts_with("ssl_certificate_key ") {
                    format!(
                        "{indent}ssl_certificate_key {};",
                        certs.viewer_key.display()
                    )
                } else {
                    line.to_owned()
                }
            })
        } else if trimmed.starts_with("proxy_ssl_") {
            hits.proxy_ssl += 1;
            site.tls.map(|certs| {
                if trimmed.starts_with("proxy_ssl_trusted_certificate ") {
                    format!(
                        "{indent}proxy_ssl_trusted_certificate {};",
                        certs.ca_pem.display()
                    )
                } else {
                    line.to_owned()
                }
            })
        } else if trimmed.starts_with("server api.novita.ai:443 ") {
            hits.upstream += 1;
            Some(line.replace("api.novita.ai:443", &site.upstream.to_string()))
        } else if trimmed.starts_with("proxy_pass https://") {
            hits.proxy_pass += 1;
            Some(match site.tls {
                None => line.replacen("https://", "http://", 1),
                Some(_) => line.to_owned(),
            })
        } else if trimmed.starts_with("root ") {
            hits.root += 1;
            Some(format!("{indent}root {};", site.root.display()))
        } else if trimmed.starts_with("access_log /var/log/nginx/")
            || trimmed.starts_with("error_log /var/log/nginx/")
        {
            hits.logs += 1;
            Some(line.replace("/var/log/nginx", &site.logs.display().to_string()))
        } else if trimmed == "proxy_read_timeout 20s;" {
            hits.read_timeout += 1;
            Some(format!(
                "{indent}proxy_read_timeout {}s;",
                site.read_timeout_secs
            ))
        } else if trimmed == "limit_conn novita_viewer_api_calls 64;" {
            hits.limit_conn += 1;
            Some(format!(
                "{indent}limit_conn novita_viewer_api_calls {};",
                site.max_api_calls
            ))
        } else if trimmed == "set $novita_viewer_read_only off;" {
            hits.read_only += 1;
            Some(if site.read_only {
                format!("{indent}set $novita_viewer_read_only on;")
            } else {
                line.to_owned()
            })
        } else if trimmed.contains(PLACEHOLDER_HASH) {
            hits.hash += 1;
            Some(line.replace(PLACEHOLDER_HASH, site.loader_hash))
        } else if trimmed == "location = / {" {
            hits.first_location += 1;
            Some(format!("{}{line}", site.extra_server))
        } else {
            Some(line.to_owned())
        };
        if let Some(rendered) = rendered {
            out.push_str(&rendered);
            out.push('\n');
        }
    }
    let expect = |what: &str, count: usize, ok: bool| {
        assert!(
            ok,
            "deploy/nginx.conf changed: {count} lines matched the test's rule for {what}; \
             update render() in crates/server/tests/nginx.rs"
        );
    };
    expect("listen", hits.listen, hits.listen >= 1);
    expect("ssl_*", hits.ssl, hits.ssl >= 2);
    expect("proxy_ssl_*", hits.proxy_ssl, hits.proxy_ssl >= 3);
    expect("the upstream server", hits.upstream, hits.upstream == 1);
    expect("proxy_pass", hits.proxy_pass, hits.proxy_pass == 1);
    expect("root", hits.root, hits.root == 1);
    expect("the log paths", hits.logs, hits.logs == 2);
    expect(
        "proxy_read_timeout",
        hits.read_timeout,
        hits.read_timeout == 1,
    );
    expect("limit_conn", hits.limit_conn, hits.limit_conn == 1);
    expect("the read-only switch", hits.read_only, hits.read_only == 1);
    expect("the loader hash placeholder", hits.hash, hits.hash == 1);
    expect(
        "the first location",
        hits.first_location,
        hits.first_location == 1,
    );
    for gone in [
        "/var/log/nginx",
        "/srv/",
        "/etc/letsencrypt",
        "api.novita.ai:443",
    ] {
        let live = out
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .any(|line| line.contains(gone));
        assert!(!live, "the rendered config still uses {gone}:\n{out}");
    }
    out
}

/// The top-level config around the server block: foreground, one process, everything nginx
/// writes kept in the test's folder.
fn wrapper(dir: &Path, extra_http: &str) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nerror_log {d}/logs/main-error.log;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n\
         \x20   client_body_temp_path {d}/tmp/client_body;\n\
         \x20   proxy_temp_path {d}/tmp/proxy;\n\
         \x20   fastcgi_temp_path {d}/tmp/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/tmp/uwsgi;\n\
         \x20   scgi_temp_path {d}/tmp/scgi;\n\
         \x20   access_log off;\n\
         {extra_http}\n\
         \x20   include {d}/novita-viewer.conf;\n\
         }}\n"
    )
}

// ---------------------------------------------------------------------------------------------
// Running nginx.

fn nginx_installed() {
    assert!(
        Path::new(NGINX).is_file(),
        "nginx is not installed: run scripts/setup.sh"
    );
}

/// A folder in the temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "novita-viewer-nginx-{what}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// nginx running in the foreground; killed (and its folder removed) when dropped.
struct Nginx {
    child: Child,
    addr: SocketAddr,
    // Dropped after the process is killed (fields drop after Drop::drop).
    dir: TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a test asks of nginx besides the defaults.
struct Options<'a> {
    upstream: SocketAddr,
    read_timeout_secs: u32,
    max_api_calls: u32,
    read_only: bool,
    tls: Option<&'a Certs>,
    /// More http-level config in the wrapper (a TLS front for the stand-in, say).
    extra_http: String,
    /// More server-level config, before the first location.
    extra_server: String,
}

impl<'a> Options<'a> {
    fn to(upstream: SocketAddr) -> Options<'a> {
        Options {
            upstream,
            read_timeout_secs: 20,
            max_api_calls: 64,
            read_only: false,
            tls: None,
            extra_http: String::new(),
            extra_server: String::new(),
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port()
}

impl Nginx {
    async fn start(dist: &Dist, options: Options<'_>) -> Nginx {
        nginx_installed();
        let conf = std::fs::read_to_string(CONF).expect("read deploy/nginx.conf");
        let loader_hash = loader_hash_by_the_documented_command(&conf, dist.path());
        // A port found free may be taken before nginx binds it: try again with another.
        for _ in 0..3 {
            let dir = TempDir::new("run");
            for sub in ["logs", "tmp"] {
                std::fs::create_dir_all(dir.0.join(sub)).expect("create dir");
            }
            let port = free_port();
            let site = render(
                &conf,
                &Site {
                    port,
                    root: dist.path(),
                    logs: &dir.0.join("logs"),
                    upstream: options.upstream,
                    loader_hash: &loader_hash,
                    read_timeout_secs: options.read_timeout_secs,
                    max_api_calls: options.max_api_calls,
                    read_only: options.read_only,
                    tls: options.tls,
                    extra_server: &options.extra_server,
                },
            );
            std::fs::write(dir.0.join("novita-viewer.conf"), site).expect("write site");
            let wrapper_path = dir.0.join("nginx.conf");
            std::fs::write(&wrapper_path, wrapper(&dir.0, &options.extra_http))
                .expect("write wrapper");
            let output = std::fs::File::create(dir.0.join("logs/stderr.log")).expect("stderr");
            let child = Command::new(NGINX)
                .arg("-p")
                .arg(&dir.0)
                .arg("-e")
                .arg(dir.0.join("logs/startup-error.log"))
                .arg("-c")
                .arg(&wrapper_path)
                .stdin(Stdio::null())
                .stdout(output.try_clone().expect("stderr"))
                .stderr(output)
                .spawn()
                .expect("start nginx");
            let mut nginx = Nginx {
                child,
                addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
                dir,
            };
            match nginx.wait_until_listening().await {
                Ok(()) => return nginx,
                Err(why) if why.contains("Address already in use") => continue,
                Err(why) => panic!("nginx did not start: {why}"),
            }
        }
        panic!("nginx could not find a free port in three tries");
    }

    async fn wait_until_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("nginx status") {
                return Err(format!("exited with {status}: {}", self.diagnostics()));
            }
            if tokio::net::TcpStream::connect(self.addr).await.is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("not listening after 10 s: {}", self.diagnostics()));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn diagnostics(&self) -> String {
        ["stderr.log", "startup-error.log", "main-error.log"]
            .iter()
            .map(|name| self.log(name))
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.0.join("logs").join(name)).unwrap_or_default()
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    /// The access log once it holds `needle` (nginx writes the line just after answering).
    async fn access_log_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let text = self.log("novita-viewer.access.log");
            if text.contains(needle) || Instant::now() > deadline {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Runs the command the config's comments give for the loader's hash, on this dist's
/// index.html, and checks it agrees with the bundled server's own hashing.
fn loader_hash_by_the_documented_command(conf: &str, dist: &Path) -> String {
    let command = conf
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with('#') && line.contains("dist/index.html"))
        .map(|line| line.trim_start_matches('#').trim())
        .expect("deploy/nginx.conf documents a command that reads dist/index.html");
    let index = dist.join("index.html");
    let command = command.replace("dist/index.html", &format!("'{}'", index.display()));
    let output = Command::new("sh")
        .arg("-c")
        .arg(&command)
        .output()
        .expect("run sh");
    let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let html = std::fs::read_to_string(&index).expect("read index.html");
    let expected = inline_hashes(&html, "script");
    assert_eq!(
        expected.len(),
        1,
        "the test's index.html has one inline script"
    );
    assert!(
        output.status.success() && printed == expected[0],
        "the documented command printed {printed:?}, the bundled server hashes {:?} \
         (stderr: {}; it needs perl and openssl: run scripts/setup.sh)",
        expected[0],
        String::from_utf8_lossy(&output.stderr)
    );
    printed
}

// ---------------------------------------------------------------------------------------------
// Helpers for the checks.

async fn fake() -> FakeNovita {
    FakeNovita::start().await.expect("fake-novita")
}

/// The policy the bundled server would send for this dist with nginx's `connect-src`.
fn bundled_csp(dist: &Dist) -> String {
    let html = std::fs::read_to_string(dist.path().join("index.html")).expect("index.html");
    let sources: Vec<String> = NGINX_CONNECT_SOURCES
        .iter()
        .map(|s| s.to_string())
        .collect();
    content_security_policy(&html, None, &sources)
}

fn assert_security_headers(reply: &Reply, csp: &str, what: &str) {
    assert_eq!(
        reply.header("content-security-policy"),
        Some(csp),
        "CSP on {what}"
    );
    assert_eq!(
        reply.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        reply.header("referrer-policy"),
        Some("no-referrer"),
        "{what}"
    );
    assert_eq!(reply.header("x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        reply.header("cross-origin-opener-policy"),
        Some("same-origin"),
        "{what}"
    );
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    ] {
        assert_eq!(
            reply.headers.get_all(name).iter().count(),
            1,
            "one {name} on {what}"
        );
    }
    assert!(
        reply
            .header("server")
            .is_none_or(|server| server == "nginx"),
        "no version in Server on {what}"
    );
}

/// A file name with a 15-digit hash, as Trunk writes one time in sixteen (it prints the 64-bit
/// hash without leading zeros).
const SHORT_HASH_JS: &str = "/app2-5d35f352ffd4b00.js";
const SNIPPET_JS: &str = "/snippets/widget-0123456789abcdef/inline0.js";

fn test_dist() -> Dist {
    let dist = Dist::new();
    dist.write(SHORT_HASH_JS, js_text().as_bytes());
    dist.write(SNIPPET_JS, b"export const x = 1;\n");
    dist.write("/robots.txt", b"User-agent: *\n");
    dist
}

// ---------------------------------------------------------------------------------------------
// The tests.

#[tokio::test]
async fn static_files_types_and_cache_headers() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;
    let csp = bundled_csp(&dist);

    for (path, content, cache) in [
        ("/", index_html().into_bytes(), NO_CACHE),
        ("/index.html", index_html().into_bytes(), NO_CACHE),
        (WASM_NAME, wasm_bytes(), IMMUTABLE),
        (JS_NAME, js_text().into_bytes(), IMMUTABLE),
        (CSS_NAME, css_text().into_bytes(), IMMUTABLE),
        (SHORT_HASH_JS, js_text().into_bytes(), IMMUTABLE),
        (SNIPPET_JS, b"export const x = 1;\n".to_vec(), IMMUTABLE),
        ("/robots.txt", b"User-agent: *\n".to_vec(), NO_CACHE),
    ] {
        let reply = get(&nginx.url(path), &[]).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(&reply.body[..], &content[..], "{path}");
        let file = if path == "/" { "/index.html" } else { path };
        assert_eq!(
            reply.header("content-type"),
            Some(novita_viewer_server::static_files::content_type(file)),
            "{path}: the bundled server's type"
        );
        assert_eq!(reply.header("cache-control"), Some(cache), "{path}");
        assert!(reply.header("etag").is_some(), "{path} has an ETag");
        assert_security_headers(&reply, &csp, path);
    }
    assert_eq!(
        get(&nginx.url(WASM_NAME), &[]).await.header("content-type"),
        Some("application/wasm")
    );

    // gzip when asked for, for text and wasm alike; the bytes as they are otherwise.
    for path in [JS_NAME, WASM_NAME, CSS_NAME, "/"] {
        let reply = get(&nginx.url(path), &[("accept-encoding", "gzip")]).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}");
        assert_eq!(reply.header("content-encoding"), Some("gzip"), "{path}");
        assert!(
            reply
                .header("vary")
                .is_some_and(|v| v.contains("Accept-Encoding")),
            "{path}"
        );
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&reply.body[..]),
            &mut plain,
        )
        .expect("gunzip");
        let file = if path == "/" { "/index.html" } else { path };
        let on_disk = std::fs::read(dist.path().join(&file[1..])).expect("file");
        assert_eq!(plain, on_disk, "{path}");
    }

    // Revalidation: the ETag gives a 304, which still carries the security headers.
    let first = get(&nginx.url("/index.html"), &[]).await;
    let etag = first.header("etag").expect("etag").to_owned();
    let again = get(&nginx.url("/index.html"), &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_security_headers(&again, &csp, "a 304");

    // HEAD: the headers without the body.
    let head = send(Method::HEAD, &nginx.url("/"), &[], "").await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.header("cache-control"), Some(NO_CACHE));
}

#[tokio::test]
async fn config_json_says_same_origin_unless_dist_has_its_own() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;

    let reply = get(&nginx.url("/config.json"), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), NGINX_CONFIG_JSON);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some(NO_CACHE));
    assert_security_headers(&reply, &bundled_csp(&dist), "config.json");

    let own = r#"{"apiBase":"https://proxy.example.com"}"#;
    dist.write("/config.json", own.as_bytes());
    let reply = get(&nginx.url("/config.json"), &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), own);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some(NO_CACHE));

    let head = send(Method::HEAD, &nginx.url("/config.json"), &[], "").await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn get_and_post_are_forwarded_unchanged_without_cookies_or_origin() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;
    let csp = bundled_csp(&dist);
    let id = fixture_id("full");
    let query = format!("instanceId={id}&x=a%20b%2Fc");
    let path = format!("{INSTANCE_PATH}?{query}");

    let direct = get(
        &format!("{}{path}", fake.base_url()),
        &[("authorization", &bearer())],
    )
    .await;
    fake.clear_requests();
    let origin = format!("http://{}", nginx.addr);
    let reply = get(
        &nginx.url(&path),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
            ("cookie", "session=browser"),
            ("origin", &origin),
            ("referer", &format!("{origin}/?instance={id}")),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.body, direct.body);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert!(
        reply.cors_headers().is_empty(),
        "{:?}",
        reply.cors_headers()
    );
    assert!(reply.header("cache-control").is_none(), "the API's own");
    assert_security_headers(&reply, &csp, "a forwarded answer");

    let seen = fake.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, INSTANCE_PATH);
    assert_eq!(seen[0].query.as_deref(), Some(query.as_str()));
    assert_eq!(seen[0].authorization.as_deref(), Some(bearer().as_str()));
    assert_eq!(seen[0].origin, None, "Origin must not be forwarded");

    fake.clear_requests();
    let body = format!("{{\"instanceId\":\"{id}\"}}");
    fake.set_action_answer(200, "{}");
    let reply = send(
        Method::POST,
        &nginx.url(&format!("{INSTANCE_PATH}/stop")),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
            ("origin", &origin),
        ],
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.text(), "{}");
    assert_eq!(fake.instance(&id).expect("instance")["status"], "toStop");
    let seen = fake.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, format!("{INSTANCE_PATH}/stop"));
    assert_eq!(seen[0].body, body);
    assert_eq!(seen[0].authorization.as_deref(), Some(bearer().as_str()));
    assert_eq!(seen[0].origin, None);

    // The metrics prefix too.
    fake.clear_requests();
    let metrics = "/openapi/v1/metrics/gpu/instance?instanceId=abc&interval=60";
    let _ = get(&nginx.url(metrics), &[("authorization", &bearer())]).await;
    let seen = fake.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].path, "/openapi/v1/metrics/gpu/instance");
    assert_eq!(seen[0].query.as_deref(), Some("instanceId=abc&interval=60"));
}

#[tokio::test]
async fn the_apis_errors_pass_through_with_retry_after_and_without_its_cors() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;
    let csp = bundled_csp(&dist);

    // 502, 503 and 504 included: only nginx's own failures become its JSON, never the API's.
    for (id, status) in [
        ("fail-429", 429),
        ("fail-403", 403),
        ("fail-500-html", 500),
        ("fail-502-text", 502),
        ("fail-503-empty", 503),
        ("fail-504-json", 504),
        ("nobody-has-this-id", 400),
    ] {
        let path = format!("{INSTANCE_PATH}?instanceId={id}");
        let direct = get(
            &format!("{}{path}", fake.base_url()),
            &[
                ("authorization", &bearer()),
                ("origin", "https://x.example"),
            ],
        )
        .await;
        assert!(!direct.cors_headers().is_empty(), "the stand-in sends CORS");
        let reply = get(
            &nginx.url(&path),
            &[
                ("authorization", &bearer()),
                ("origin", "https://x.example"),
            ],
        )
        .await;
        assert_eq!(reply.status.as_u16(), status, "{id}");
        assert_eq!(reply.body, direct.body, "{id}");
        assert_eq!(
            reply.header("content-type"),
            direct.header("content-type"),
            "{id}"
        );
        assert_eq!(
            reply.header("retry-after"),
            direct.header("retry-after"),
            "{id}"
        );
        assert!(
            reply.cors_headers().is_empty(),
            "{id}: {:?}",
            reply.cors_headers()
        );
        assert_security_headers(&reply, &csp, id);
    }
    let limited = get(
        &nginx.url(&format!("{INSTANCE_PATH}?instanceId=fail-429")),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("retry-after"), Some("30"));

    // No key: the API's own 401 comes back as it is.
    let reply = get(&nginx.url(&format!("{INSTANCE_PATH}?instanceId=x")), &[]).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["reason"], "INVALID_API_KEY");
}

/// Response headers that never come back from nginx (it hides them by name).
const HIDDEN_DOWN: [(&str, &str); 22] = [
    ("set-cookie", "upstream=1"),
    ("alt-svc", "h3=\":443\""),
    ("strict-transport-security", "max-age=1"),
    ("access-control-allow-origin", "*"),
    ("access-control-allow-credentials", "true"),
    ("content-security-policy", "default-src *"),
    ("x-frame-options", "SAMEORIGIN"),
    ("x-accel-redirect", "/index.html"),
    ("location", "https://evil.example/"),
    ("content-location", "https://evil.example/"),
    ("refresh", "0; url=https://evil.example/"),
    ("link", "<https://evil.example/>; rel=preload"),
    ("nel", "{\"report_to\":\"x\",\"max_age\":1}"),
    ("report-to", "{\"group\":\"x\"}"),
    ("www-authenticate", "Basic realm=\"x\""),
    ("clear-site-data", "\"*\""),
    ("content-disposition", "attachment; filename=x.html"),
    ("x-http-method-override", "DELETE"),
    ("x-method-override", "DELETE"),
    ("permissions-policy", "camera=*"),
    ("server-timing", "db;dur=1"),
    ("x-powered-by", "upstream"),
];

/// An upstream that records the headers it gets and answers with every header that must not
/// come back, and the path and query it saw as the body.
async fn echo_upstream() -> (SocketAddr, Arc<Mutex<Vec<HeaderMap>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(request.headers().clone());
            let target = request
                .uri()
                .path_and_query()
                .map(|pq| pq.as_str().to_owned())
                .unwrap_or_default();
            let mut response = (
                [
                    ("x-upstream", "kept"),
                    ("retry-after", "7"),
                    ("cache-control", "private, max-age=5"),
                ],
                target,
            )
                .into_response();
            for (name, value) in HIDDEN_DOWN {
                response.headers_mut().insert(
                    axum::http::HeaderName::from_static(name),
                    axum::http::HeaderValue::from_static(value),
                );
            }
            if request.uri().path().ends_with("/redirect") {
                *response.status_mut() = StatusCode::FOUND;
            }
            response
        }
    });
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

#[tokio::test]
async fn only_allowed_request_headers_go_up_and_named_ones_never_come_back() {
    let dist = test_dist();
    let (upstream, seen) = echo_upstream().await;
    let nginx = Nginx::start(&dist, Options::to(upstream)).await;
    let target = "/gpu-instance/openapi/v1/gpu/instances?pageSize=10&name=a%26b";
    let reply = get(
        &nginx.url(target),
        &[
            ("authorization", "Bearer sk_whatever"),
            ("content-type", "application/json"),
            ("accept", "application/json"),
            ("accept-language", "en-GB"),
            ("user-agent", "test-browser/1"),
            ("accept-encoding", "gzip, br"),
            ("cookie", "session=browser"),
            ("origin", "https://ops.example.com"),
            ("referer", "https://ops.example.com/page"),
            ("te", "trailers"),
            ("proxy-authorization", "Basic abc"),
            ("forwarded", "for=203.0.113.9"),
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-host", "evil.example"),
            ("x-forwarded-proto", "http"),
            ("x-http-method-override", "DELETE"),
            ("x-custom", "anything"),
            ("if-none-match", "\"v0\""),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    // The upstream's body, not the file X-Accel-Redirect asked nginx to serve instead.
    assert_eq!(reply.text(), target);
    for (name, _) in HIDDEN_DOWN {
        if matches!(name, "content-security-policy" | "x-frame-options") {
            continue; // this server's own, checked below
        }
        assert!(reply.header(name).is_none(), "{name} came back");
    }
    assert_eq!(reply.header("retry-after"), Some("7"));
    assert_eq!(reply.header("cache-control"), Some("private, max-age=5"));
    // What core nginx cannot do: a header it was not told to hide passes.
    assert_eq!(reply.header("x-upstream"), Some("kept"));
    assert_security_headers(&reply, &bundled_csp(&dist), "the echo's answer");

    let headers = seen.lock().unwrap()[0].clone();
    let mut names: Vec<&str> = headers.keys().map(|name| name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "accept",
            "accept-encoding",
            "accept-language",
            "authorization",
            "content-type",
            "host",
            "user-agent"
        ],
        "only the allow-list went upstream: {headers:?}"
    );
    assert_eq!(headers["authorization"], "Bearer sk_whatever");
    assert_eq!(headers["accept-encoding"], "identity");
    assert_eq!(headers["host"], "api.novita.ai", "Host is the API's");

    // A redirect passes without anything that would send the browser elsewhere.
    let reply = get(
        &nginx.url("/gpu-instance/openapi/v1/redirect"),
        &[("authorization", "Bearer sk_whatever")],
    )
    .await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert!(reply.header("location").is_none());
    assert!(reply.header("refresh").is_none());

    // A POST's body and length still go up with the headers allow-listed.
    let reply = send(
        Method::POST,
        &nginx.url("/gpu-instance/openapi/v1/gpu/instance/stop"),
        &[
            ("authorization", "Bearer sk_whatever"),
            ("content-type", "application/json"),
        ],
        "{\"instanceId\":\"x\"}",
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let headers = seen.lock().unwrap()[2].clone();
    assert_eq!(headers["content-length"], "18");
}

#[tokio::test]
async fn read_only_refuses_posts_without_reaching_the_api() {
    let dist = test_dist();
    let fake = fake().await;
    let mut options = Options::to(fake.addr());
    options.read_only = true;
    let nginx = Nginx::start(&dist, options).await;
    let id = fixture_id("full");
    for action in ["start", "stop", "restart", "delete"] {
        let reply = send(
            Method::POST,
            &nginx.url(&format!("{INSTANCE_PATH}/{action}")),
            &[
                ("authorization", &bearer()),
                ("content-type", "application/json"),
            ],
            &format!("{{\"instanceId\":\"{id}\"}}"),
        )
        .await;
        let json = reply.assert_error(403);
        assert_eq!(json["reason"], "READ_ONLY", "{action}");
        assert!(json["message"]
            .as_str()
            .unwrap()
            .starts_with("This deployment is read-only: "));
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert_security_headers(&reply, &bundled_csp(&dist), "the read-only 403");
    }
    let reply = send(
        Method::POST,
        &nginx.url("/openapi/v1/metrics/gpu/instance"),
        &[("authorization", &bearer())],
        "{}",
    )
    .await;
    reply.assert_error(403);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    assert_eq!(fake.instance(&id).expect("instance")["status"], "running");

    // Looking still works, and the page is told.
    let reply = get(
        &nginx.url(&format!("{INSTANCE_PATH}?instanceId={id}")),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let config = get(&nginx.url("/config.json"), &[]).await;
    assert_eq!(config.text(), r#"{"apiBase":"","readOnly":true}"#);
    assert_eq!(config.header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn paths_that_could_mean_something_else_are_refused_and_the_rest_go_up_exactly() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;
    let host = format!("Host: {}\r\n", nginx.addr);
    let request = |target: &str| -> String {
        format!("GET {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n")
    };
    for target in [
        "/gpu-instance/openapi/..;/..;/x",
        "/gpu-instance/openapi/v1/gpu/instance;jsessionid=1?instanceId=a",
        "/gpu-instance/openapi/v1/gpu/instance%3Bx?instanceId=a",
        "/gpu-instance/openapi/%C0%AE%C0%AE/x",
        "/gpu-instance/openapi/%EF%BC%8E%EF%BC%8E/x",
        "/gpu-instance/openapi/v1/gpu/instance%80",
        "/gpu-instance/openapi/v1/gpu/instance%1f",
        "/gpu-instance/openapi/\u{ff0e}\u{ff0e}/x",
    ] {
        let (status, body) = raw(nginx.addr, &request(target)).await;
        assert_eq!(status, 400, "{target}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|err| panic!("{target}: not JSON ({err}): {body}"));
        assert_eq!(json["reason"], "INVALID_PATH", "{target}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    // Encoded `?` and `#` are part of the path, not a query or a fragment, here as upstream.
    for (target, path, query) in [
        (
            "/gpu-instance/openapi/v1/gpu/instance%3FinstanceId=x",
            "/gpu-instance/openapi/v1/gpu/instance%3FinstanceId=x",
            None,
        ),
        (
            "/gpu-instance/openapi/v1/gpu/instance%23frag?instanceId=y",
            "/gpu-instance/openapi/v1/gpu/instance%23frag",
            Some("instanceId=y"),
        ),
        (
            "/gpu-instance/openapi/v1/gpu/instance?instanceId=a%3Fb%23c%3Bd&x=%C0%AE",
            "/gpu-instance/openapi/v1/gpu/instance",
            Some("instanceId=a%3Fb%23c%3Bd&x=%C0%AE"),
        ),
    ] {
        fake.clear_requests();
        let (status, body) = raw(nginx.addr, &request(target)).await;
        assert!(status < 500, "{target}: {status} {body}");
        let seen = fake.requests();
        assert_eq!(seen.len(), 1, "{target}: {seen:?}");
        assert_eq!(seen[0].path, path, "{target}");
        assert_eq!(seen[0].query.as_deref(), query, "{target}");
    }

    // Two Host headers: refused before anything else.
    fake.clear_requests();
    let (status, body) = raw(
        nginx.addr,
        &format!(
            "GET {INSTANCE_PATH}?instanceId=a HTTP/1.1\r\n{host}Host: evil.example\r\n\
             Connection: close\r\n\r\n"
        ),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(json["code"], 400);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn other_paths_are_json_404s_other_methods_405s() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;
    let csp = bundled_csp(&dist);
    let host = format!("Host: {}\r\n", nginx.addr);
    let request = |method: &str, target: &str| -> String {
        format!("{method} {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n")
    };

    // Sent raw: a client would clean these up before sending.
    for target in [
        "/etc/passwd",
        "/gpu-instance/../etc/passwd",
        "//evil.example/x",
        "/gpu-instance/",
        "/gpu-instance/openapi",
        "/openapi/v1/metrics",
        "/.stage/leftover.html",
        "/snippets/",
        "/snippets",
        "/nope.js",
        "/index.html/",
    ] {
        let (status, body) = raw(nginx.addr, &request("GET", target)).await;
        assert_eq!(status, 404, "{target}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|err| panic!("{target}: not JSON ({err}): {body}"));
        assert_eq!(json["code"], 404, "{target}");
        assert_eq!(json["reason"], "NOT_FOUND", "{target}");
    }
    // Not index.html for unknown paths (no SPA fallback), and a JSON 404 whatever the extension.
    let reply = get(&nginx.url("/some/page"), &[]).await;
    reply.assert_error(404);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_security_headers(&reply, &csp, "a 404");
    get(&nginx.url("/missing.html"), &[])
        .await
        .assert_error(404);

    // Dot segments, empty segments and escaped separators that would still land on an API path
    // once nginx has resolved them: refused, not forwarded in their raw form.
    for target in [
        "/gpu-instance/openapi/v1/x/../gpu/instance?instanceId=a",
        "/gpu-instance/openapi/v1/./gpu/instance?instanceId=a",
        "/gpu-instance/openapi/v1/%2e/gpu/instance?instanceId=a",
        "/gpu-instance/openapi/v1/gpu%2Finstance?instanceId=a",
        "/gpu-instance/openapi//v1/gpu/instance?instanceId=a",
        "/gpu-instance/openapi/v1/gpu\\instance?instanceId=a",
    ] {
        let (status, body) = raw(nginx.addr, &request("GET", target)).await;
        assert_eq!(status, 400, "{target}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(json["reason"], "INVALID_PATH", "{target}");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    // Methods: GET and POST on the API paths, GET and HEAD elsewhere.
    let api = format!("{INSTANCE_PATH}?instanceId=a");
    for (method, path, allow) in [
        (Method::PUT, api.as_str(), "GET, POST"),
        (Method::DELETE, api.as_str(), "GET, POST"),
        (Method::HEAD, api.as_str(), "GET, POST"),
        (Method::OPTIONS, api.as_str(), "GET, POST"),
        (Method::PUT, "/index.html", "GET, HEAD"),
        (Method::POST, "/", "GET, HEAD"),
        (Method::POST, "/config.json", "GET, HEAD"),
        (Method::DELETE, "/nope", "GET, HEAD"),
    ] {
        let reply = send(
            method.clone(),
            &nginx.url(path),
            &[("authorization", &bearer())],
            "{}",
        )
        .await;
        if method == Method::HEAD {
            assert_eq!(
                reply.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
        } else {
            let json = reply.assert_error(405);
            assert_eq!(json["reason"], "METHOD_NOT_ALLOWED");
            assert_eq!(
                json["message"],
                format!("This server only answers {allow} on this path")
            );
        }
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        assert_security_headers(&reply, &csp, "a 405");
    }
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());

    // A body over 1 MiB is refused before it goes anywhere.
    let reply = send(
        Method::POST,
        &nginx.url(&format!("{INSTANCE_PATH}/stop")),
        &[
            ("authorization", &bearer()),
            ("content-type", "application/json"),
        ],
        &"x".repeat(1024 * 1024 + 1),
    )
    .await;
    reply.assert_error(413);
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[tokio::test]
async fn the_access_log_has_the_path_but_never_the_key_or_the_query() {
    let dist = test_dist();
    let fake = fake().await;
    let nginx = Nginx::start(&dist, Options::to(fake.addr())).await;
    let id = fixture_id("full");
    let secret_query_value = "needle-in-the-query-7f3a";

    let reply = get(
        &nginx.url(&format!(
            "{INSTANCE_PATH}?instanceId={id}&q={secret_query_value}"
        )),
        &[
            ("authorization", &bearer()),
            ("cookie", "c=cookie-value-91"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let _ = send(
        Method::POST,
        &nginx.url(&format!("{INSTANCE_PATH}/start")),
        &[("authorization", &bearer())],
        &format!("{{\"instanceId\":\"{id}\"}}"),
    )
    .await;
    let _ = get(&nginx.url(&format!("/nope?k={secret_query_value}")), &[]).await;

    let log = nginx.access_log_with("GET /nope 404").await;
    assert!(
        log.lines()
            .any(|line| line.contains(&format!("GET {INSTANCE_PATH} 200 "))),
        "{log}"
    );
    assert!(
        log.contains(&format!("POST {INSTANCE_PATH}/start ")),
        "{log}"
    );
    assert!(log.contains("GET /nope 404 "), "{log}");
    for secret in [
        TEST_API_KEY,
        secret_query_value,
        id.as_str(),
        "instanceId",
        "cookie-value-91",
        "?",
    ] {
        assert!(
            !log.contains(secret),
            "{secret:?} is in the access log:\n{log}"
        );
    }
    let errors = nginx.log("novita-viewer.error.log") + &nginx.log("main-error.log");
    assert!(
        !errors.contains(TEST_API_KEY),
        "the key is in the error log"
    );
}

#[tokio::test]
async fn a_hanging_api_is_a_json_504_and_a_full_proxy_a_json_503() {
    let dist = test_dist();
    let fake = fake().await;
    let mut options = Options::to(fake.addr());
    options.read_timeout_secs = 2;
    options.max_api_calls = 1;
    let nginx = Nginx::start(&dist, options).await;
    let csp = bundled_csp(&dist);

    let url = nginx.url(&format!("{INSTANCE_PATH}?instanceId=hang"));
    let started = Instant::now();
    let hanging = tokio::spawn(async move { get(&url, &[("authorization", &bearer())]).await });

    // While that one holds the only slot, the next call is turned away at once.
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.requests().is_empty() {
        assert!(Instant::now() < deadline, "the hanging call never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let busy = get(
        &nginx.url(&format!(
            "{INSTANCE_PATH}?instanceId={}",
            fixture_id("full")
        )),
        &[("authorization", &bearer())],
    )
    .await;
    let json = busy.assert_error(503);
    assert_eq!(json["reason"], "PROXY_BUSY");
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(busy.header("cache-control"), Some("no-store"));

    let reply = hanging.await.expect("hanging call");
    let elapsed = started.elapsed();
    let json = reply.assert_error(504);
    assert_eq!(json["reason"], "UPSTREAM_TIMEOUT");
    assert!(
        elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_secs(10),
        "{elapsed:?}"
    );
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_security_headers(&reply, &csp, "the 504");

    // The slot is free again.
    let reply = get(
        &nginx.url(&format!(
            "{INSTANCE_PATH}?instanceId={}",
            fixture_id("full")
        )),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn an_unreachable_api_is_a_json_502() {
    let dist = test_dist();
    let closed = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
    let nginx = Nginx::start(&dist, Options::to(closed)).await;
    let reply = get(
        &nginx.url(&format!("{INSTANCE_PATH}?instanceId=x")),
        &[("authorization", &bearer())],
    )
    .await;
    let json = reply.assert_error(502);
    assert_eq!(json["reason"], "UPSTREAM_UNREACHABLE");
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_security_headers(&reply, &bundled_csp(&dist), "the 502");
}

// ---------------------------------------------------------------------------------------------
// TLS, on both sides, with the config's TLS lines as written: certificates made with openssl.

/// A test CA and three certificates it signed: the viewer's (for 127.0.0.1), one for
/// api.novita.ai and one for another name.
struct Certs {
    _dir: TempDir,
    ca_pem: PathBuf,
    ca_der: Vec<u8>,
    viewer_pem: PathBuf,
    viewer_key: PathBuf,
    api_pem: PathBuf,
    api_key: PathBuf,
    wrong_pem: PathBuf,
    wrong_key: PathBuf,
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|err| panic!("openssl is not installed ({err}): run scripts/setup.sh"));
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn make_certs() -> Certs {
    let dir = TempDir::new("certs");
    let d = &dir.0;
    std::fs::write(
        d.join("openssl.cnf"),
        "[req]\ndistinguished_name = dn\n[dn]\n\
         [ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\n\
         [viewer]\nsubjectAltName = IP:127.0.0.1,DNS:viewer.example.com\n\
         basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n\
         [api]\nsubjectAltName = DNS:api.novita.ai\n\
         basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n\
         [wrong]\nsubjectAltName = DNS:wrong.example\n\
         basicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n",
    )
    .expect("write openssl.cnf");
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec![
        "req",
        "-x509",
        "-config",
        "openssl.cnf",
        "-extensions",
        "ca",
    ];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem", "-days", "2"]);
    ca.extend(["-subj", "/CN=novita-viewer-test-ca"]);
    openssl(d, &ca);
    for (serial, name) in [("1", "viewer"), ("2", "api"), ("3", "wrong")] {
        let (key, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        let subject = format!("/CN={name}");
        let mut request = vec!["req", "-new", "-config", "openssl.cnf"];
        request.extend(ec);
        request.extend(["-keyout", &key, "-out", &csr, "-subj", &subject]);
        openssl(d, &request);
        openssl(
            d,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-set_serial",
                serial,
                "-days",
                "2",
                "-extfile",
                "openssl.cnf",
                "-extensions",
                name,
                "-out",
                &pem,
            ],
        );
    }
    openssl(
        d,
        &["x509", "-in", "ca.pem", "-outform", "DER", "-out", "ca.der"],
    );
    Certs {
        ca_pem: d.join("ca.pem"),
        ca_der: std::fs::read(d.join("ca.der")).expect("ca.der"),
        viewer_pem: d.join("viewer.pem"),
        viewer_key: d.join("viewer.key"),
        api_pem: d.join("api.pem"),
        api_key: d.join("api.key"),
        wrong_pem: d.join("wrong.pem"),
        wrong_key: d.join("wrong.key"),
        _dir: dir,
    }
}

/// A TLS server on `port` in front of the stand-in, with the given certificate: the test's
/// api.novita.ai.
fn tls_front(port: u16, cert: &Path, key: &Path, fake: SocketAddr) -> String {
    format!(
        "    server {{\n        listen 127.0.0.1:{port} ssl;\n\
         \x20       ssl_certificate {};\n        ssl_certificate_key {};\n\
         \x20       location / {{ proxy_pass http://{fake}; }}\n    }}\n",
        cert.display(),
        key.display()
    )
}

/// GET over https, trusting only the test CA.
async fn get_tls(ca_der: &[u8], url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(ca_der.to_vec()))
        .expect("test CA");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_only()
        .enable_http1()
        .build();
    let client = Client::builder(TokioExecutor::new()).build::<_, Full<Bytes>>(https);
    let mut request = axum::http::Request::new(Full::new(Bytes::new()));
    *request.uri_mut() = url.parse().expect("url");
    for (name, value) in headers {
        request.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            axum::http::HeaderValue::from_str(value).expect("value"),
        );
    }
    let exchange = async {
        let response = client.request(request).await.expect("https request");
        let (parts, body) = response.into_parts();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.expect("body").to_bytes(),
        }
    };
    tokio::time::timeout(LIMIT, exchange)
        .await
        .expect("answer in time")
}

#[tokio::test]
async fn tls_as_written_and_the_apis_certificate_is_checked() {
    nginx_installed();
    let dist = test_dist();
    let fake = fake().await;
    let certs = make_certs();
    let id = fixture_id("full");
    let path = format!("{INSTANCE_PATH}?instanceId={id}");

    // The API's certificate is for api.novita.ai and signed by a CA nginx trusts: all is well,
    // over https from the browser to nginx and from nginx to the API.
    let front_port = free_port();
    let mut options = Options::to(SocketAddr::from((Ipv4Addr::LOCALHOST, front_port)));
    options.tls = Some(&certs);
    options.extra_http = tls_front(front_port, &certs.api_pem, &certs.api_key, fake.addr());
    let nginx = Nginx::start(&dist, options).await;
    let https = format!("https://{}", nginx.addr);

    let page = get_tls(&certs.ca_der, &format!("{https}/"), &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.text(), index_html());
    assert_security_headers(&page, &bundled_csp(&dist), "the page over https");
    let reply = get_tls(
        &certs.ca_der,
        &format!("{https}{path}"),
        &[("authorization", &bearer())],
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.body,
        fake_novita::fixture("full").expect("fixture").as_bytes()
    );
    assert_eq!(fake.requests().len(), 1);
    drop(nginx);

    // A certificate for another name, from the same trusted CA: refused, so a 502.
    let front_port = free_port();
    let mut options = Options::to(SocketAddr::from((Ipv4Addr::LOCALHOST, front_port)));
    options.tls = Some(&certs);
    options.extra_http = tls_front(front_port, &certs.wrong_pem, &certs.wrong_key, fake.addr());
    let nginx = Nginx::start(&dist, options).await;
    fake.clear_requests();
    let reply = get_tls(
        &certs.ca_der,
        &format!("https://{}{path}", nginx.addr),
        &[("authorization", &bearer())],
    )
    .await;
    reply.assert_error(502);
    assert!(fake.requests().is_empty(), "the key went to the wrong host");
    let errors = nginx.log("novita-viewer.error.log");
    assert!(errors.contains("certificate"), "{errors}");
    drop(nginx);

    // The right name, but a certificate nobody trusts (self-signed): refused too.
    let selfsigned = TempDir::new("selfsigned");
    openssl(
        &selfsigned.0,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "key.pem",
            "-out",
            "cert.pem",
            "-days",
            "2",
            "-subj",
            "/CN=api.novita.ai",
            "-addext",
            "subjectAltName=DNS:api.novita.ai",
        ],
    );
    let front_port = free_port();
    let mut options = Options::to(SocketAddr::from((Ipv4Addr::LOCALHOST, front_port)));
    options.tls = Some(&certs);
    options.extra_http = tls_front(
        front_port,
        &selfsigned.0.join("cert.pem"),
        &selfsigned.0.join("key.pem"),
        fake.addr(),
    );
    let nginx = Nginx::start(&dist, options).await;
    let reply = get_tls(
        &certs.ca_der,
        &format!("https://{}{path}", nginx.addr),
        &[("authorization", &bearer())],
    )
    .await;
    reply.assert_error(502);
    assert!(
        fake.requests().is_empty(),
        "the key went to an untrusted host"
    );
}

/// The README's sub-path recipe, lines copied from it: `deploy/nginx.conf` serving the app at
/// `/viewer/` exactly as at the root (same files, same headers and CSP), the API staying at
/// the origin's root.
fn readme_sub_path_locations() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("read README.md");
    let lines: Vec<String> = readme
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("location = /viewer ") || l.starts_with("location /viewer/ "))
        .map(|l| format!("    {l}\n"))
        .collect();
    assert_eq!(
        lines.len(),
        2,
        "the README's sub-path recipe has its two locations"
    );
    lines.concat()
}

#[tokio::test]
async fn the_readme_sub_path_recipe_serves_the_app_under_viewer() {
    let dist = test_dist();
    let fake = fake().await;
    let mut options = Options::to(fake.addr());
    options.extra_server = readme_sub_path_locations();
    let nginx = Nginx::start(&dist, options).await;
    let csp = bundled_csp(&dist);

    let bare = get(&nginx.url("/viewer"), &[]).await;
    assert_eq!(bare.status, StatusCode::MOVED_PERMANENTLY);
    assert!(
        bare.header("location")
            .is_some_and(|l| l.ends_with("/viewer/")),
        "/viewer goes to /viewer/: {:?}",
        bare.header("location")
    );
    for (path, root) in [
        ("/viewer/", "/"),
        ("/viewer/index.html", "/index.html"),
        ("/viewer/config.json", "/config.json"),
        (&format!("/viewer{JS_NAME}") as &str, JS_NAME),
        (&format!("/viewer{WASM_NAME}"), WASM_NAME),
    ] {
        let under = get(&nginx.url(path), &[]).await;
        let at_root = get(&nginx.url(root), &[]).await;
        assert_eq!(under.status, StatusCode::OK, "{path}");
        assert_eq!(under.body, at_root.body, "{path} is {root}");
        for header in ["content-type", "cache-control", "content-security-policy"] {
            assert_eq!(
                under.header(header),
                at_root.header(header),
                "{path}: {header}"
            );
        }
        assert_security_headers(&under, &csp, path);
    }
    for missing in [
        "/viewer/.hidden",
        "/viewer/nope.js",
        "/viewer/../etc/passwd",
    ] {
        let reply = get(&nginx.url(missing), &[]).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
    }
}
