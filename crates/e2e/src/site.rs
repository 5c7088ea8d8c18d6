//! The servers a test talks to, on a background runtime of their own so they outlive any one
//! test's runtime: the local API stand-in, and the site that serves the built app (dist/),
//! either
//!
//! - through the bundled server (`novita-viewer-server`, the default): its real static files,
//!   its real security headers (the Content-Security-Policy above all) and its API proxy,
//!   forwarding to the stand-in; or
//! - as a plain static host serving dist/ under a sub-path (`/some/sub/path/`), with no
//!   header of its own, so the page runs under its CSP `<meta>` alone.
//!
//! In front of either, the harness answers three things itself: `config.json` when the test
//! asks for another one than the host's own, `/__e2e/probe.js` (the in-page recorder of CSP
//! violations and console messages, see `probe.js`) with `/__e2e/report` where it reports,
//! and index.html, which it serves with the probe's `<script>` added before the app's loader
//! and the test's extra `connect-src` origins added to the CSP `<meta>` (the line a host
//! edits, README "Static hosts"). The loader script itself is never touched, so the hash in
//! the CSP stays right.
//!
//! The bundled server compresses every file of dist/ when it starts (seconds of CPU), so it
//! runs twice over: once per test binary over the whole dist/, for the app's files, and once
//! per test over a folder holding only index.html, for the page with this test's CSP header,
//! config.json and the API forwarded to this test's stand-in. Both are the server's own code.

use futures_util::StreamExt;
use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use fake_novita::FakeNovita;
use novita_viewer_server::static_files::generated_config_json;
use novita_viewer_server::{Config, LogSink, Server};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The recorder every page gets (see the module comment).
const PROBE_JS: &str = include_str!("probe.js");
const PROBE_PATH: &str = "/__e2e/probe.js";
const REPORT_PATH: &str = "/__e2e/report";
/// The largest report the probe may send (a console message with a long stack, say).
const MAX_REPORT: usize = 256 * 1024;

/// A runtime on threads of its own, for every server of every test in this binary.
pub fn background() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("e2e-servers")
            .enable_all()
            .build()
            .expect("building the background runtime for the test servers")
    })
}

/// Starts a fresh stand-in on the background runtime.
pub async fn start_fake() -> FakeNovita {
    background()
        .spawn(FakeNovita::start())
        .await
        .expect("the task starting the API stand-in panicked")
        .expect("starting the API stand-in")
}

/// The built app: `<workspace>/dist`, or `$E2E_DIST`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("E2E_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../dist"));
    assert!(
        dir.join("index.html").is_file(),
        "dist/ is missing: run scripts/build.sh (scripts/test.sh does it) [looked for {}]",
        dir.join("index.html").display()
    );
    dir
}

/// What `/config.json` says.
#[derive(Clone, Debug)]
pub enum ConfigJson {
    /// The host's own: the bundled server's `{"apiBase":""}` (the API on this origin, through
    /// its proxy). The default. A static host has none of its own, so there it is
    /// [`ConfigJson::CrossOriginFake`].
    HostDefault,
    /// `{"apiBase": "<the stand-in's base URL>"}`: the page calls the stand-in cross-origin,
    /// with CORS, as it would call a proxy on another origin.
    CrossOriginFake,
    /// 404, as when the host has no config.json.
    Missing,
    /// This exact text, as `application/json`, whatever it is.
    Raw(String),
    /// What the inner one says, answered [`CONFIG_LATE`] late (the host's own, the bundled
    /// server's, is then answered by the harness with the server's own words).
    Late(Box<ConfigJson>),
    /// What the inner one says, after [`CONFIG_CUT_OFF`] answers cut off mid-body (the
    /// connection closes before the length it announced), as when the network drops.
    CutOff(Box<ConfigJson>),
}

/// How many answers a [`ConfigJson::CutOff`] config.json cuts off before a whole one.
pub const CONFIG_CUT_OFF: usize = 2;

/// How late a [`ConfigJson::Late`] config.json is answered: long enough for a test to type
/// into the page before it arrives.
pub const CONFIG_LATE: Duration = Duration::from_secs(4);

impl ConfigJson {
    /// The API base the app should end up with, when this config sets one.
    pub fn expected_base(&self, fake_base: &str) -> Option<String> {
        match self {
            ConfigJson::HostDefault => Some(String::new()),
            ConfigJson::CrossOriginFake => Some(fake_base.to_owned()),
            ConfigJson::Missing => None,
            ConfigJson::Raw(text) => api_base(text),
            ConfigJson::Late(inner) | ConfigJson::CutOff(inner) => inner.expected_base(fake_base),
        }
    }

    /// How the harness answers config.json instead of the host, if it does (`read_only`: the
    /// bundled server runs with `--read-only`).
    fn harness_answer(&self, fake_base: &str, read_only: bool) -> Option<ConfigAnswer> {
        let body = |body: Option<String>| ConfigAnswer {
            body,
            ..ConfigAnswer::default()
        };
        // The inner answer, the host's own written out (the bundled server's).
        let inner = |inner: &ConfigJson| {
            inner
                .harness_answer(fake_base, read_only)
                .unwrap_or_else(|| body(Some(generated_config_json(read_only))))
        };
        match self {
            ConfigJson::HostDefault => None,
            ConfigJson::CrossOriginFake => Some(body(Some(
                serde_json::json!({ "apiBase": fake_base }).to_string(),
            ))),
            ConfigJson::Missing => Some(body(None)),
            ConfigJson::Raw(text) => Some(body(Some(text.clone()))),
            ConfigJson::Late(of) => Some(ConfigAnswer {
                delay: CONFIG_LATE,
                ..inner(of)
            }),
            ConfigJson::CutOff(of) => Some(ConfigAnswer {
                cut_off: CONFIG_CUT_OFF,
                ..inner(of)
            }),
        }
    }
}

fn api_base(config: &str) -> Option<String> {
    let value: Value = serde_json::from_str(config).ok()?;
    value.get("apiBase")?.as_str().map(str::to_owned)
}

/// `scheme://host[:port]` of an absolute http(s) URL.
fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.origin().ascii_serialization())
}

/// Who serves the app.
#[derive(Clone, Debug)]
pub enum Host {
    /// The bundled server at the site root (the default).
    Bundled,
    /// A plain static file server with dist/ under this path (`/some/sub/path/`).
    StaticAt(String),
}

/// One kind of thing the probe reported: a CSP violation, a console message, an error.
#[derive(Clone, Debug)]
pub struct Report(pub Value);

impl Report {
    pub fn kind(&self) -> &str {
        self.0["kind"].as_str().unwrap_or_default()
    }

    /// Which page load and which report of it: the same report read from the page and from
    /// the harness is counted once.
    pub fn key(&self) -> (String, u64) {
        (
            self.0["page"].as_str().unwrap_or_default().to_owned(),
            self.0["seq"].as_u64().unwrap_or(u64::MAX),
        )
    }
}

/// What a site recorded: the path and query of every request, and the probe's reports.
#[derive(Default)]
struct Records {
    requests: Mutex<Vec<String>>,
    reports: Mutex<Vec<Report>>,
}

/// A site serving the app for one test.
pub struct Site {
    addr: SocketAddr,
    /// `""` for the bundled server, `/some/sub/path` (no trailing slash) for a static host.
    base_path: String,
    records: Arc<Records>,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    stopped: Mutex<Option<oneshot::Receiver<()>>>,
}

impl Site {
    /// `allow_stand_in`: the deployment lets the page connect to the stand-in's origin too
    /// (as an operator would with `--connect-src`), for a test that points the app at it by
    /// hand. The log streams need nothing: the bundled server proxies them through its own
    /// origin (`/log-stream/...`).
    /// `read_only`: the bundled server runs with `--read-only`.
    pub async fn start(
        host: Host,
        config: ConfigJson,
        fake_base: &str,
        allow_stand_in: bool,
        read_only: bool,
    ) -> Site {
        let dist = dist_dir();
        let records = Arc::new(Records::default());
        // The page's origins besides its own: the API base's when config.json names one on
        // another origin (as the bundled server adds a dist config.json's, and as a host adds
        // it to the <meta>), and the stand-in's when the test asks.
        let mut connect: Vec<String> = Vec::new();
        if allow_stand_in {
            connect.push(fake_base.to_owned());
        }
        if let Some(origin) = config
            .expected_base(fake_base)
            .as_deref()
            .and_then(origin_of)
        {
            if !connect.contains(&origin) {
                connect.push(origin);
            }
        }
        let index = std::fs::read_to_string(dist.join("index.html"))
            .unwrap_or_else(|err| panic!("reading dist/index.html: {err}"));
        let page = Bytes::from(page_html(&index, &connect));
        let config_answer = config.harness_answer(fake_base, read_only);

        let (base_path, app) = match host {
            Host::Bundled => (
                String::new(),
                bundled_host(&index, page, config_answer, fake_base, connect, read_only),
            ),
            Host::StaticAt(path) => {
                let answer = config_answer.unwrap_or_else(|| {
                    panic!("a static host has no config.json of its own: give the test one")
                });
                let base = format!("/{}", path.trim_matches('/'));
                (base.clone(), static_host(&base, page, answer, dist))
            }
        };
        let app = app
            .route(PROBE_PATH, get(probe))
            .route(REPORT_PATH, post(record_report))
            .with_state(Arc::clone(&records))
            .layer(from_fn_with_state(Arc::clone(&records), record_request));

        let (stop, stop_rx) = oneshot::channel::<()>();
        let (stopped_tx, stopped) = oneshot::channel::<()>();
        let addr = background()
            .spawn(async move {
                let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                    .await
                    .expect("binding the site's port");
                let addr = listener.local_addr().expect("the site's address");
                tokio::spawn(async move {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async move {
                            let _ = stop_rx.await;
                        })
                        .await;
                    let _ = stopped_tx.send(());
                });
                addr
            })
            .await
            .expect("starting the site");
        Site {
            addr,
            base_path,
            records,
            stop: Mutex::new(Some(stop)),
            stopped: Mutex::new(Some(stopped)),
        }
    }

    /// Where the app is: `http://127.0.0.1:PORT` plus the sub-path, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.base_path)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Path and query (`/config.json`, `/?instance=x`) of every request served so far.
    pub fn requests(&self) -> Vec<String> {
        self.records
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// What the probes of every page load so far reported.
    pub fn reports(&self) -> Vec<Report> {
        self.records
            .reports
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops serving (the page stays as loaded, as when the network goes away) and waits
    /// until the port is closed.
    pub async fn stop(&self) {
        let stop = self
            .stop
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let stopped = self
            .stopped
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let (Some(stop), Some(stopped)) = (stop, stopped) {
            let _ = stop.send(());
            // Open keep-alive connections end at once; a request in flight gets 5 s.
            let _ = tokio::time::timeout(Duration::from_secs(5), stopped).await;
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self
            .stop
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            let _ = stop.send(());
        }
    }
}

/// The bundled server at the site root, with the harness's index.html and, when the test asks
/// for one, its config.json in front.
fn bundled_host(
    index: &str,
    page: Bytes,
    config_answer: Option<ConfigAnswer>,
    fake_base: &str,
    connect: Vec<String>,
    read_only: bool,
) -> Router<Arc<Records>> {
    // Built here, before the browser asks for a file, rather than in a request.
    shared_app_files();
    let per_test = bundled_server_for_this_test(index, fake_base, connect, read_only);
    let page_server = per_test.clone();
    let serve_page = move |request: Request| {
        let router = page_server.clone();
        let page = page.clone();
        async move { bundled_page(router, request, page).await }
    };
    let mut app = Router::new()
        .route("/", get(serve_page.clone()))
        .route("/index.html", get(serve_page));
    if let Some(answer) = config_answer {
        app = app.route("/config.json", get(move || config_response(answer)));
    }
    app.fallback(move |request: Request| {
        let per_test = per_test.clone();
        async move { to_the_bundled_server(per_test, request).await }
    })
}

/// A plain static file server with dist/ under `base` (`/some/sub/path`), its config.json
/// beside index.html, and no headers of its own.
fn static_host(
    base: &str,
    page: Bytes,
    config: ConfigAnswer,
    dist: PathBuf,
) -> Router<Arc<Records>> {
    let serve_page = move || {
        let page = page.clone();
        async move { html_response(page) }
    };
    let prefix = format!("{base}/");
    Router::new()
        .route(&format!("{base}/"), get(serve_page.clone()))
        .route(&format!("{base}/index.html"), get(serve_page))
        .route(
            &format!("{base}/config.json"),
            get(move || config_response(config)),
        )
        .fallback(move |request: Request| static_file(prefix.clone(), dist.clone(), request))
}

/// The bundled server as this test needs it: forwarding the API to this test's stand-in, with
/// this test's `connect-src` origins. It is built from a dist folder holding only index.html
/// (the same file, so the same loader hash in its CSP), because building one over the whole
/// dist/ compresses every file again (seconds of CPU a test): the app's other files come from
/// [`shared_app_files`], the same server code over the real dist/.
fn bundled_server_for_this_test(
    index: &str,
    fake_base: &str,
    connect: Vec<String>,
    read_only: bool,
) -> Router {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "e2e-index-only-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(dir.join("index.html"), index))
        .unwrap_or_else(|err| panic!("writing {}: {err}", dir.display()));
    let mut config = Config::new(dir.clone(), fake_base);
    // Added to the defaults, as the harness adds them to the <meta>'s, so the two agree.
    config.connect_sources.extend(connect);
    // Longer than the app's own 25 s, so a hung API shows the app's own timeout. (The
    // server's default, 20 s, is shorter on purpose: deployed, its 504 comes first and says
    // where the problem is.)
    config.upstream_timeout = Duration::from_secs(40);
    config.read_only = read_only;
    config.log = LogSink::to_writer(std::io::sink());
    let server = Server::new(config);
    // Read into memory by now: the folder is not needed any more.
    let _ = std::fs::remove_dir_all(&dir);
    server
        .unwrap_or_else(|err| panic!("starting the bundled server: {err}"))
        .router()
}

/// The bundled server over the real dist/, built once per test binary, for the app's files
/// (what it answers for them does not depend on the upstream or the CSP's origins), and the
/// paths of those files.
fn shared_app_files() -> &'static (Router, HashSet<String>) {
    static SHARED: OnceLock<(Router, HashSet<String>)> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dist = dist_dir();
        // Never used: API paths never reach this server.
        let mut config = Config::new(dist.clone(), "http://127.0.0.1:9");
        config.log = LogSink::to_writer(std::io::sink());
        let server = Server::new(config)
            .unwrap_or_else(|err| panic!("starting the bundled server on dist/: {err}"));
        let mut files = HashSet::new();
        list_files(&dist, "", &mut files);
        files.remove("/index.html");
        (server.router(), files)
    })
}

fn list_files(dir: &Path, prefix: &str, out: &mut HashSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}/{name}");
        if entry.path().is_dir() {
            list_files(&entry.path(), &path, out);
        } else {
            out.insert(path);
        }
    }
}

/// The app's files to the shared server, everything else (config.json, the API, unknown
/// paths) to this test's.
async fn to_the_bundled_server(per_test: Router, request: Request) -> Response {
    let (shared, files) = shared_app_files();
    let router = if files.contains(request.uri().path()) {
        shared.clone()
    } else {
        per_test
    };
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// index.html as the harness serves it: the probe first, and `connect` added to the CSP
/// `<meta>`'s `connect-src`, as a host adds its API origin (README "Deployment").
fn page_html(index: &str, connect: &[String]) -> String {
    let with_sources = set_connect_sources(index, connect);
    let script_at = with_sources
        .find("<script")
        .or_else(|| with_sources.find("</head>"))
        .expect("dist/index.html has a <script> or a </head>");
    let mut page = with_sources;
    page.insert_str(
        script_at,
        &format!("<script src=\"{PROBE_PATH}\"></script>\n"),
    );
    page
}

/// Sets the `connect-src` of index.html's CSP `<meta>` to `'self'` and `sources`: what a host
/// whose API base is on another origin does (`VIEWER_CONNECT_SRC`, README "Static hosts"), and
/// what the bundled server does to the page it serves (its own policy). Panics when
/// index.html has no such `<meta>`: the build must have written one.
fn set_connect_sources(index: &str, sources: &[String]) -> String {
    let meta = index.find("http-equiv=\"Content-Security-Policy\"").expect(
        "dist/index.html has no Content-Security-Policy <meta>: rebuild with scripts/build.sh",
    );
    let directive = meta
        + index[meta..]
            .find("connect-src")
            .expect("the CSP <meta> has a connect-src");
    let end = directive
        + index[directive..]
            .find([';', '"'])
            .expect("the connect-src directive ends");
    let mut connect = String::from("connect-src 'self'");
    for source in sources {
        connect.push(' ');
        connect.push_str(source);
    }
    format!("{}{connect}{}", &index[..directive], &index[end..])
}

/// The bundled server's index.html response (its status and headers, the CSP above all),
/// with the body the harness serves (see [`page_html`]).
async fn bundled_page(router: Router, mut request: Request, page: Bytes) -> Response {
    // The identity body, in full: the harness rewrites it.
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    request.headers_mut().remove(header::IF_NONE_MATCH);
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let (mut parts, body) = response.into_parts();
    if parts.status != StatusCode::OK {
        return Response::from_parts(parts, body);
    }
    parts.headers.remove(header::ETAG);
    parts.headers.remove(header::CONTENT_ENCODING);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(page.len()));
    Response::from_parts(parts, Body::from(page))
}

/// A file of dist/ for a path under `prefix`, as a plain static host serves it; 404 elsewhere.
async fn static_file(prefix: String, dist: PathBuf, mut request: Request) -> Response {
    let Some(rest) = request.uri().path().strip_prefix(&prefix) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Ok(uri) = format!("/{rest}").parse() else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    *request.uri_mut() = uri;
    match ServeDir::new(dist).oneshot(request).await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    }
}

fn html_response(page: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        page,
    )
        .into_response()
}

/// How the harness answers config.json: `body` (`None`: 404), after `delay`, the first
/// `cut_off` times cut off mid-body.
#[derive(Clone, Default)]
struct ConfigAnswer {
    body: Option<String>,
    delay: Duration,
    cut_off: usize,
    served: Arc<AtomicUsize>,
}

async fn config_response(answer: ConfigAnswer) -> Response {
    tokio::time::sleep(answer.delay).await;
    if answer.served.fetch_add(1, Ordering::SeqCst) < answer.cut_off {
        // Half of a body that says it is longer; the connection closes after it.
        let half: Result<Bytes, std::io::Error> = Ok(Bytes::from_static(b"{\"apiB"));
        let cut = std::io::Error::other("cut off");
        return (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_LENGTH, "64"),
            ],
            // The half is flushed first, so the browser has an answer it cannot retry.
            Body::from_stream(futures_util::stream::iter([half]).chain(
                futures_util::stream::once(async move {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    Err(cut)
                }),
            )),
        )
            .into_response();
    }
    match answer.body {
        Some(body) => (
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn probe() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        PROBE_JS,
    )
        .into_response()
}

async fn record_report(State(records): State<Arc<Records>>, body: Bytes) -> StatusCode {
    if body.len() > MAX_REPORT {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    match serde_json::from_slice::<Value>(&body) {
        Ok(report) => {
            records
                .reports
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Report(report));
            StatusCode::NO_CONTENT
        }
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

async fn record_request(
    State(records): State<Arc<Records>>,
    request: Request,
    next: Next,
) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_owned(), ToString::to_string);
    records
        .requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(target);
    next.run(request).await
}

/// A loopback address where nothing listens: connections to it are refused.
pub fn closed_port_base() -> String {
    format!("http://127.0.0.1:{}", crate::driver::free_port())
}

#[cfg(test)]
mod tests {
    use super::*;

    const INDEX: &str = "<!DOCTYPE html><html><head>\n\
        <!-- connect-src in a comment is not the policy -->\n\
        <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; connect-src 'self' https://*.novita.ai; object-src 'none'\" />\n\
        <script type=\"module\">\nimport init from './app.js';\n</script></head><body></body></html>";

    #[test]
    fn connect_sources_replace_the_metas_in_order() {
        let page = set_connect_sources(
            INDEX,
            &[
                "http://127.0.0.1:1".into(),
                "https://proxy.example.com".into(),
            ],
        );
        assert!(page.contains(
            "connect-src 'self' http://127.0.0.1:1 https://proxy.example.com; object-src"
        ));
        assert!(page.contains("<!-- connect-src in a comment is not the policy -->"));
        assert!(set_connect_sources(INDEX, &[]).contains("connect-src 'self'; object-src"));
    }

    #[test]
    fn the_probe_comes_before_the_loader_which_is_left_as_it_was() {
        let page = page_html(INDEX, &[]);
        let probe = page.find(PROBE_PATH).expect("the probe is in the page");
        let loader = page.find("<script type=\"module\">").expect("the loader");
        assert!(probe < loader);
        assert!(page.contains("<script type=\"module\">\nimport init from './app.js';\n</script>"));
    }

    #[test]
    fn config_json_names_the_origin_the_page_must_reach() {
        let fake = "http://127.0.0.1:7";
        assert_eq!(
            ConfigJson::HostDefault.expected_base(fake).as_deref(),
            Some("")
        );
        assert_eq!(
            ConfigJson::CrossOriginFake.expected_base(fake).as_deref(),
            Some(fake)
        );
        assert_eq!(ConfigJson::Missing.expected_base(fake), None);
        let raw = ConfigJson::Raw(r#"{"apiBase": "https://Proxy.example.com:8443/x"}"#.into());
        assert_eq!(
            raw.expected_base(fake)
                .as_deref()
                .and_then(origin_of)
                .as_deref(),
            Some("https://proxy.example.com:8443")
        );
        assert_eq!(ConfigJson::Raw("{".into()).expected_base(fake), None);
        assert_eq!(origin_of(""), None);
        assert_eq!(origin_of("javascript:alert(1)"), None);
    }
}
