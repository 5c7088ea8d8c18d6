//! A small native server for the built app: it serves Trunk's `dist/` folder and forwards the
//! Novita API paths to the real API from the same origin, so the browser needs no CORS and the
//! API key only ever goes to the host that served the page.
//!
//! Everything a request meets, in order: the request log ([`log`]), the security headers
//! ([`security_headers`]) and CORS ([`cors`]) added to whatever answer comes back, the guard that
//! refuses foreign hosts, absolute-form targets and odd paths ([`guard`]), then either the
//! forwarder ([`proxy`]) or the static files ([`static_files`]).

pub mod cli;
pub mod cors;
mod error;
pub mod guard;
pub mod log;
pub mod proxy;
pub mod security_headers;
pub mod static_files;

use std::future::{Future, IntoFuture};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;

pub use crate::log::LogSink;

/// The default upstream: Novita's public API.
pub const DEFAULT_UPSTREAM: &str = "https://api.novita.ai";

/// The path prefixes forwarded upstream; everything else is a static file or a 404.
pub const API_PREFIXES: [&str; 2] = ["/gpu-instance/openapi/", "/openapi/v1/metrics/"];

/// Everything the server needs to know. [`Config::new`] gives the defaults the flags have.
#[derive(Clone, Debug)]
pub struct Config {
    /// Trunk's output folder; must hold an `index.html`.
    pub dist: PathBuf,
    /// Where the API paths go, e.g. `https://api.novita.ai`. A path on it is kept as a prefix.
    pub upstream: String,
    /// Origins (exact `scheme://host[:port]`) that may call the API paths from another page.
    pub allow_origins: Vec<String>,
    /// Extra names accepted in the `Host` header (`name` or `name:port`; `*` accepts any).
    pub allow_hosts: Vec<String>,
    /// The longest the whole upstream exchange may take, request and response body included.
    pub upstream_timeout: Duration,
    /// Upstream requests in flight at once; more wait up to [`Config::queue_wait`], then 503.
    pub max_concurrent: usize,
    /// How long a request waits for a free upstream slot before a 503.
    pub queue_wait: Duration,
    /// Largest request body forwarded, in bytes.
    pub max_request_body: usize,
    /// Largest upstream response body passed back, in bytes.
    pub max_response_body: usize,
    /// After a shutdown signal, how long requests in flight may still take.
    pub shutdown_timeout: Duration,
    /// Origins besides this one the page may connect to: the log streams
    /// (default `https://*.novita.ai`).
    pub connect_sources: Vec<String>,
    /// Where the request log goes (stderr unless a test captures it).
    pub log: LogSink,
}

impl Config {
    pub fn new(dist: impl Into<PathBuf>, upstream: impl Into<String>) -> Config {
        Config {
            dist: dist.into(),
            upstream: upstream.into(),
            allow_origins: Vec::new(),
            allow_hosts: Vec::new(),
            upstream_timeout: Duration::from_secs(20),
            max_concurrent: 64,
            queue_wait: Duration::from_secs(5),
            max_request_body: 1024 * 1024,
            max_response_body: 8 * 1024 * 1024,
            shutdown_timeout: Duration::from_secs(30),
            connect_sources: security_headers::DEFAULT_CONNECT_SOURCES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            log: LogSink::stderr(),
        }
    }
}

/// What every request handler shares: built once at start-up, read-only afterwards.
pub(crate) struct App {
    pub(crate) files: static_files::StaticFiles,
    pub(crate) proxy: proxy::Proxy,
    pub(crate) cors: cors::Cors,
    pub(crate) hosts: guard::HostPolicy,
    pub(crate) security: security_headers::SecurityHeaders,
    pub(crate) log: LogSink,
}

/// A server ready to run: the dist folder is read and compressed, the upstream client built.
pub struct Server {
    app: Arc<App>,
    shutdown_timeout: Duration,
}

impl Server {
    /// Reads and checks everything up front, so a bad flag or an empty dist folder fails
    /// before the server says it is serving.
    pub fn new(config: Config) -> io::Result<Server> {
        let files = static_files::StaticFiles::load(&config.dist)?;
        if let Some(bad) = config
            .connect_sources
            .iter()
            .find(|s| !security_headers::is_valid_connect_source(s))
        {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "--connect-src {bad:?} is not an http(s) origin such as https://*.novita.ai"
                ),
            ));
        }
        let security =
            security_headers::SecurityHeaders::for_files(&files, &config.connect_sources);
        let proxy = proxy::Proxy::new(&config)?;
        let cors = cors::Cors::new(&config.allow_origins)?;
        let hosts = guard::HostPolicy::new(&config.allow_hosts)?;
        Ok(Server {
            app: Arc::new(App {
                files,
                proxy,
                cors,
                hosts,
                security,
                log: config.log.clone(),
            }),
            shutdown_timeout: config.shutdown_timeout,
        })
    }

    /// The upstream in force, as given (for the start-up line).
    pub fn upstream(&self) -> &str {
        self.app.proxy.upstream()
    }

    /// True when API calls would cross the network unencrypted (plain `http:` to another host).
    pub fn is_plaintext_remote(&self) -> bool {
        self.app.proxy.is_plaintext_remote()
    }

    /// The Content-Security-Policy every answer carries.
    pub fn content_security_policy(&self) -> &str {
        self.app.security.csp()
    }

    /// The whole app as an axum router, for tests or embedding.
    pub fn router(&self) -> Router {
        Router::new().fallback(handle).with_state(self.app.clone())
    }

    /// Serves until `shutdown` completes, then stops accepting, lets requests in flight finish
    /// for at most the configured shutdown timeout, and returns.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            shutdown.await;
            let _ = stopping_tx.send(());
        };
        let listener = listener.tap_io(|tcp| {
            // Small JSON answers: waiting for Nagle only adds latency.
            let _ = tcp.set_nodelay(true);
        });
        let served = axum::serve(listener, self.router())
            .with_graceful_shutdown(signal)
            .into_future();
        let grace = self.shutdown_timeout;
        let log = self.app.log.clone();
        tokio::select! {
            result = served => result,
            () = async move {
                if stopping_rx.await.is_err() {
                    // The signal future was dropped without firing: never give up early.
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(grace).await;
            } => {
                log.line(&format!(
                    "shutdown: requests still in flight after {} s, stopping anyway",
                    grace.as_secs()
                ));
                Ok(())
            }
        }
    }
}

/// Builds the server from `config` and runs it on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    Server::new(config)?.run(listener, shutdown).await
}

/// The one handler: logs, decorates and dispatches every request.
async fn handle(State(app): State<Arc<App>>, request: Request) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let api = is_api_path(&path);
    let origin = app.cors.allowed_origin(request.headers());
    let preflight = cors::is_preflight(&request);

    // Logs even when the client goes away first and this future is dropped (as 499).
    let mut pending = PendingLog {
        log: &app.log,
        method,
        path,
        started,
        done: false,
    };
    let mut note = None;
    let mut response = dispatch(&app, request, api, origin.is_some(), &mut note).await;

    app.cors
        .decorate(response.headers_mut(), origin, api, preflight);
    app.security.apply(response.headers_mut());
    pending.done = true;
    app.log.request(
        &pending.method,
        &pending.path,
        response.status(),
        started.elapsed(),
        note,
    );
    response
}

struct PendingLog<'a> {
    log: &'a LogSink,
    method: Method,
    path: String,
    started: Instant,
    done: bool,
}

impl Drop for PendingLog<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.log
                .cancelled(&self.method, &self.path, self.started.elapsed());
        }
    }
}

async fn dispatch(
    app: &App,
    request: Request,
    api: bool,
    origin_allowed: bool,
    note: &mut Option<&'static str>,
) -> Response {
    if let Err(refusal) = guard::check(&app.hosts, &request) {
        *note = Some(refusal.reason);
        return refusal.into_response();
    }
    if api {
        if origin_allowed && cors::is_preflight(&request) {
            return StatusCode::NO_CONTENT.into_response();
        }
        if request.method() != Method::GET && request.method() != Method::POST {
            *note = Some("METHOD_NOT_ALLOWED");
            return method_not_allowed("GET, POST");
        }
        let (response, outcome) = app.proxy.forward(request).await;
        *note = outcome;
        response
    } else {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            *note = Some("METHOD_NOT_ALLOWED");
            return method_not_allowed("GET, HEAD");
        }
        app.files.respond(&request)
    }
}

fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = error::json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("This server only answers {allow} on this path"),
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

pub(crate) fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}
