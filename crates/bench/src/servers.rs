//! What the browser talks to, all on loopback: the API stand-in, and the bundled server
//! (`novita-viewer-server`) twice, once for the app's `dist/` with the API forwarded to the
//! stand-in from the same origin, as in production, and once for the baseline page. Both pages
//! are therefore served the same way: from memory, brotli or gzip as the browser asks, with the
//! same caching headers.

use std::io;
use std::net::Ipv4Addr;
use std::path::Path;
use std::time::Duration;

use fake_novita::FakeNovita;
use novita_viewer_server::{Config, LogSink, Server};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::Result;

pub struct Servers {
    pub api: FakeNovita,
    pub app: Bundled,
    pub baseline: Bundled,
}

impl Servers {
    pub async fn start(dist: &Path, baseline_dist: &Path) -> Result<Servers> {
        let api = FakeNovita::start()
            .await
            .map_err(|err| format!("starting the API stand-in: {err}"))?;
        let app = Bundled::start(dist, &api.base_url()).await?;
        // The baseline calls no API; the upstream is only there because the server needs one.
        let baseline = Bundled::start(baseline_dist, &api.base_url()).await?;
        Ok(Servers { api, app, baseline })
    }

    /// How many Get Instance calls the stand-in has answered so far.
    pub fn instance_gets(&self) -> usize {
        self.api
            .requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == fake_novita::INSTANCE_PATH)
            .count()
    }
}

/// One bundled server, stopped when dropped.
pub struct Bundled {
    url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Bundled {
    async fn start(dist: &Path, upstream: &str) -> Result<Bundled> {
        let mut config = quiet_config(dist, upstream);
        // The stand-in also serves the log streams: let the page connect to it, as it may to
        // Novita's log hosts in production (--connect-src).
        config.connect_sources.push(upstream.to_string());
        Bundled::serve(config, dist).await
    }

    /// Serving `dist` exactly as deployed: the defaults, nothing added for the measures.
    pub async fn deployed(dist: &Path, upstream: &str) -> Result<Bundled> {
        Bundled::serve(quiet_config(dist, upstream), dist).await
    }

    async fn serve(config: Config, dist: &Path) -> Result<Bundled> {
        let server =
            Server::new(config).map_err(|err| format!("serving {}: {err}", dist.display()))?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|err| format!("binding a loopback port: {err}"))?;
        let addr = listener
            .local_addr()
            .map_err(|err| format!("reading the bound address: {err}"))?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.await;
            };
            if let Err(err) = server.run(listener, shutdown).await {
                eprintln!("bench: the bundled server stopped with an error: {err}");
            }
        });
        Ok(Bundled {
            url: format!("http://{addr}"),
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The defaults, with no request log: one line per request would bury the tables (the soak
/// alone makes a thousand).
fn quiet_config(dist: &Path, upstream: &str) -> Config {
    let mut config = Config::new(dist, upstream);
    config.log = LogSink::to_writer(io::sink());
    config.shutdown_timeout = Duration::from_secs(2);
    config
}

impl Drop for Bundled {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
