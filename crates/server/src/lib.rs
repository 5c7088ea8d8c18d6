//! A small native server for the built app: it serves Trunk's `dist/` folder and forwards the
//! Novita API paths (and the instances' log streams) from the same origin, so the browser needs
//! no CORS and the API key only ever goes to the host that served the page.
//!
//! Where things are, in the order a request meets them:
//!
//! - [`connections`]: accepting connections (hyper's HTTP/1 builder with its timers, a cap on
//!   open connections, a write timeout, graceful shutdown);
//! - [`log`]: the request log; [`security_headers`]: the CSP and the other headers on every
//!   answer; [`cors`]: CORS for named origins;
//! - [`guard`]: refuses foreign hosts, absolute-form targets and odd paths;
//! - then one of three routes: [`api`] (methods and read-only, a concurrency slot from
//!   [`slots`], the body limit, then [`proxy`]), [`log_stream`], or [`static_files`].
//!
//! [`upstream`] checks `--upstream` and builds the one client; [`body`] has the response bodies
//! that keep memory bounded; [`error`] the JSON errors and the start-up errors; [`cli`] the
//! flags.

pub mod api;
mod body;
pub mod cli;
mod connections;
pub mod cors;
mod error;
pub mod guard;
pub mod log;
pub mod log_stream;
mod proxy;
pub mod security_headers;
mod slots;
pub mod static_files;
pub mod upstream;

use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::from_fn_with_state;
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

use crate::connections::ConnectionLimits;
use crate::cors::CorsRoutes;
use crate::log_stream::{LogPolicy, LogStreams, StreamLimits, DEFAULT_LOG_HOST_SUFFIX};
use crate::upstream::Upstream;

pub use crate::connections::CONNECTION_BUFFER;
pub use crate::error::StartError;
pub use crate::log::LogSink;
pub use crate::upstream::UPSTREAM_CONNECTION_BUFFER;

/// The default upstream: Novita's public API.
pub const DEFAULT_UPSTREAM: &str = "https://api.novita.ai";

/// The highest `--max-concurrent`: each slot may hold a request and an answer in memory.
pub const MAX_CONCURRENT_CAP: usize = 1024;

/// What one log stream may hold in memory: its upstream connection's buffers and the frames
/// queued for the browser.
pub const LOG_STREAM_MEMORY: u64 = 6 * UPSTREAM_CONNECTION_BUFFER as u64;

/// Everything the server needs to know. [`Config::new`] gives the defaults the flags have.
#[derive(Clone)]
pub struct Config {
    /// Trunk's output folder; must hold an `index.html`.
    pub dist: PathBuf,
    /// Where the API paths go, e.g. `https://api.novita.ai`. A path on it is kept as a prefix.
    pub upstream: String,
    /// Allow a plain `http:` upstream on another machine (keys would cross the network unencrypted).
    pub allow_plain_http_upstream: bool,
    /// Refuse every POST to the API paths (start, stop, restart, delete...) with a JSON 403.
    pub read_only: bool,
    /// Origins (exact `scheme://host[:port]`) that may call the API paths from another page.
    pub allow_origins: Vec<String>,
    /// Extra names accepted in the `Host` header (`name` or `name:port`; `*` accepts any).
    pub allow_hosts: Vec<String>,
    /// The longest the whole upstream exchange may take, request and response body included;
    /// also the longest a log host may take to answer.
    pub upstream_timeout: Duration,
    /// Upstream requests in flight at once (at most [`MAX_CONCURRENT_CAP`]); more wait up to
    /// [`Config::queue_wait`], then 503.
    pub max_concurrent: usize,
    /// How long a request waits for a free upstream slot before a 503.
    pub queue_wait: Duration,
    /// Largest request body forwarded, in bytes.
    pub max_request_body: usize,
    /// Largest upstream response body passed back, in bytes (after decoding).
    pub max_response_body: usize,
    /// Client connections open at once.
    pub max_connections: usize,
    /// Time a client has to send a request's headers, and the most a kept-alive connection
    /// stays open idle.
    pub header_timeout: Duration,
    /// Time a client may accept none of its answer before it is cut off.
    pub send_timeout: Duration,
    /// After a shutdown signal, how long requests in flight may still take.
    pub shutdown_timeout: Duration,
    /// Origins besides this one the page may connect to (none by default: the log streams go
    /// through this server).
    pub connect_sources: Vec<String>,
    /// DNS names whose hosts (and sub-hosts) log streams are followed to.
    pub log_host_suffixes: Vec<String>,
    /// Log streams open at once.
    pub max_log_streams: usize,
    /// A log stream whose host sends nothing for this long is ended (the browser reconnects).
    pub log_idle_timeout: Duration,
    /// A log stream is ended after this many bytes (the browser reconnects).
    pub max_log_stream_bytes: u64,
    /// Where the request log goes (stderr unless a test captures it).
    pub log: LogSink,
}

impl Config {
    pub fn new(dist: impl Into<PathBuf>, upstream: impl Into<String>) -> Config {
        Config {
            dist: dist.into(),
            upstream: upstream.into(),
            allow_plain_http_upstream: false,
            read_only: false,
            allow_origins: Vec::new(),
            allow_hosts: Vec::new(),
            upstream_timeout: Duration::from_secs(20),
            max_concurrent: 64,
            queue_wait: Duration::from_secs(5),
            max_request_body: 1024 * 1024,
            max_response_body: 8 * 1024 * 1024,
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            send_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(30),
            connect_sources: Vec::new(),
            log_host_suffixes: vec![DEFAULT_LOG_HOST_SUFFIX.to_owned()],
            max_log_streams: 32,
            log_idle_timeout: Duration::from_secs(300),
            max_log_stream_bytes: 64 * 1024 * 1024,
            log: LogSink::stderr(),
        }
    }

    /// The most memory the limits let requests take, in bytes, besides the dist folder (held
    /// three times: plain, gzip and brotli): every connection's buffers, every API slot's
    /// request and answer with its upstream connection, and every log stream's buffers.
    pub fn worst_case_memory(&self) -> u64 {
        let connection = 3 * CONNECTION_BUFFER as u64;
        let slot = (self.max_request_body + self.max_response_body) as u64
            + 2 * UPSTREAM_CONNECTION_BUFFER as u64;
        self.max_connections as u64 * connection
            + self.max_concurrent.min(MAX_CONCURRENT_CAP) as u64 * slot
            + self.max_log_streams as u64 * LOG_STREAM_MEMORY
    }
}

/// The three routes, each already wrapped in the guard (and CORS where it applies).
struct Routes {
    api: CorsRoutes,
    log_streams: CorsRoutes,
    files: Router,
}

/// A server ready to run: the dist folder is read and compressed, the upstream client built.
pub struct Server {
    routes: Arc<Routes>,
    upstream: Upstream,
    security: security_headers::SecurityHeaders,
    log: LogSink,
    limits: ConnectionLimits,
    stopping: watch::Sender<bool>,
    worst_case_memory: u64,
}

impl Server {
    /// Reads and checks everything up front, so a bad flag or an empty dist folder fails
    /// before the server says it is serving.
    pub fn new(config: Config) -> Result<Server, StartError> {
        let upstream = Upstream::parse(&config.upstream, config.allow_plain_http_upstream)?;
        let mut files = static_files::StaticFiles::load(&config.dist, config.read_only)?;
        if let Some(bad) = config
            .connect_sources
            .iter()
            .find(|s| !security_headers::is_valid_connect_source(s))
        {
            return Err(StartError::ConnectSource(bad.clone()));
        }
        let security =
            security_headers::SecurityHeaders::for_files(&files, &config.connect_sources);
        files.set_csp_meta(security.csp());
        let cors = cors::Cors::new(&config.allow_origins)?;
        let hosts = Arc::new(guard::HostPolicy::new(&config.allow_hosts)?);
        let policy = LogPolicy::new(&config.log_host_suffixes, upstream.is_loopback_http())?;
        let max_concurrent = config.max_concurrent.clamp(1, MAX_CONCURRENT_CAP);
        let client = upstream::client(config.upstream_timeout, max_concurrent)?;
        let (stopping, stopping_rx) = watch::channel(false);
        let guarded =
            |router: Router| router.layer(from_fn_with_state(hosts.clone(), guard::guard));

        let proxy = Arc::new(proxy::Proxy {
            client,
            upstream: upstream.clone(),
            timeout: config.upstream_timeout,
            max_response_body: config.max_response_body,
            max_request_body: config.max_request_body,
        });
        let slots = slots::Slots::new(max_concurrent, config.queue_wait);
        let api = cors.routes(guarded(api::router(proxy, slots, config.read_only)));

        let streams = Arc::new(LogStreams {
            policy,
            client: upstream::log_client(config.upstream_timeout, config.max_log_streams)?,
            slots: Arc::new(Semaphore::new(config.max_log_streams.max(1))),
            limits: StreamLimits {
                header_timeout: config.upstream_timeout,
                idle_timeout: config.log_idle_timeout,
                max_bytes: config.max_log_stream_bytes,
            },
            cors: cors.clone(),
            stopping: stopping_rx,
        });
        let log_streams = cors.routes(guarded(
            Router::new()
                .fallback(log_stream::stream)
                .with_state(streams),
        ));
        let files = guarded(
            Router::new()
                .fallback(static_files::serve)
                .with_state(Arc::new(files)),
        );

        let routes = Arc::new(Routes {
            api,
            log_streams,
            files,
        });
        Ok(Server {
            routes,
            upstream,
            security,
            log: config.log.clone(),
            limits: ConnectionLimits {
                max_connections: config.max_connections.max(1),
                header_timeout: config.header_timeout,
                send_timeout: config.send_timeout,
                grace: config.shutdown_timeout,
            },
            stopping,
            worst_case_memory: config.worst_case_memory(),
        })
    }

    /// The upstream in force, as `scheme://host[:port]` (for the start-up line).
    pub fn upstream(&self) -> &str {
        self.upstream.origin()
    }

    /// True when API calls would cross the network unencrypted (plain `http:` to another host,
    /// which `--allow-plain-http-upstream` allowed).
    pub fn is_plaintext_remote(&self) -> bool {
        self.upstream.is_plaintext_remote()
    }

    /// The Content-Security-Policy every answer carries.
    pub fn content_security_policy(&self) -> &str {
        self.security.csp()
    }

    /// [`Config::worst_case_memory`] of the configuration this server runs with.
    pub fn worst_case_memory(&self) -> u64 {
        self.worst_case_memory
    }

    /// The whole app as an axum router, for tests or embedding.
    pub fn router(&self) -> Router {
        let app = Router::new()
            .fallback(dispatch)
            .with_state(self.routes.clone());
        self.security
            .wrap(app)
            .layer(from_fn_with_state(self.log.clone(), log::request_log))
    }

    /// Serves until `shutdown` completes, then stops accepting, lets requests in flight finish
    /// for at most the configured shutdown timeout, and returns.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let app = self.router();
        connections::serve(
            listener,
            app,
            self.limits,
            shutdown,
            self.stopping,
            self.log,
        )
        .await
    }
}

/// Builds the server from `config` and runs it on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let server = Server::new(config).map_err(io::Error::other)?;
    server.run(listener, shutdown).await
}

/// Sends each request to its route by path.
async fn dispatch(State(routes): State<Arc<Routes>>, request: Request) -> Response {
    let path = request.uri().path();
    let route = if api::is_api_path(path) {
        routes.api.pick(request.headers())
    } else if path.starts_with(log_stream::LOG_STREAM_PREFIX) {
        routes.log_streams.pick(request.headers())
    } else {
        routes.files.clone()
    };
    match route.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}
