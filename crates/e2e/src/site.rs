//! The servers a test talks to: the local API stand-in and a static server for the built app
//! (dist/), both on a background runtime of their own so they outlive any one test's runtime.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use fake_novita::FakeNovita;
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tower_http::services::ServeDir;

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

/// What the static server answers for `/config.json`.
#[derive(Clone, Debug)]
pub enum ConfigJson {
    /// `{"apiBase": "<the stand-in's base URL>"}` (the default).
    PointAtFake,
    /// 404, as when the host has no config.json.
    Missing,
    /// This exact text, as `application/json`, whatever it is.
    Raw(String),
}

/// The static server for dist/, recording the path and query of every request it serves.
pub struct Site {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Option<oneshot::Sender<()>>,
}

impl Site {
    pub async fn start(config: ConfigJson, fake_base: &str) -> Site {
        let dist = dist_dir();
        let config_body: Option<String> = match config {
            ConfigJson::PointAtFake => {
                Some(serde_json::json!({ "apiBase": fake_base }).to_string())
            }
            ConfigJson::Missing => None,
            ConfigJson::Raw(text) => Some(text),
        };
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route(
                "/config.json",
                get(move || async move {
                    match config_body {
                        Some(body) => {
                            ([(header::CONTENT_TYPE, "application/json")], body).into_response()
                        }
                        None => StatusCode::NOT_FOUND.into_response(),
                    }
                }),
            )
            .fallback_service(ServeDir::new(dist))
            .layer(from_fn_with_state(Arc::clone(&requests), record));
        let (stop, stopped) = oneshot::channel::<()>();
        let addr = background()
            .spawn(async move {
                let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
                    .await
                    .expect("binding the static server");
                let addr = listener.local_addr().expect("static server address");
                tokio::spawn(async move {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async move {
                            let _ = stopped.await;
                        })
                        .await;
                });
                addr
            })
            .await
            .expect("starting the static server");
        Site {
            addr,
            requests,
            stop: Some(stop),
        }
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Path and query (`/config.json`, `/?instance=x`) of every request served so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn record(
    State(requests): State<Arc<Mutex<Vec<String>>>>,
    request: Request,
    next: Next,
) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| request.uri().path().to_owned(), ToString::to_string);
    requests
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(target);
    next.run(request).await
}

/// A loopback address where nothing listens: connections to it are refused.
pub fn closed_port_base() -> String {
    format!("http://127.0.0.1:{}", crate::driver::free_port())
}
