//! Issue 4, end to end: the app served by the bundled server, which forwards the API from the
//! same origin, works in Chromium with no CORS at all, and passes only what it should.

use std::net::SocketAddr;
use std::time::Duration;

use e2e::{check, dist_dir, run, ConfigJson, Setup, TEST_API_KEY};
use fake_novita::METRICS_PATH;
use novita_viewer_server::{serve, Config};
use tokio::sync::oneshot;

const FULL_ID: &str = "7f3e2a9c1b4d5e60";

/// The bundled server on its own thread and runtime, stopped when dropped.
struct BundledServer {
    url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl BundledServer {
    fn start(upstream: String) -> BundledServer {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime for the bundled server");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port for the bundled server");
                let addr = listener.local_addr().expect("its address");
                let _ = addr_tx.send(addr);
                let mut config = Config::new(dist_dir(), upstream);
                config.shutdown_timeout = Duration::from_secs(2);
                let shutdown = async move {
                    let _ = stopped.await;
                };
                if let Err(err) = serve(listener, config, shutdown).await {
                    eprintln!("the bundled server stopped with an error: {err}");
                }
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the bundled server starts");
        BundledServer {
            url: format!("http://{addr}"),
            stop: Some(stop),
        }
    }
}

impl Drop for BundledServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[tokio::test]
async fn the_app_works_through_the_bundled_server_with_no_cors() {
    // The harness's own static site is not used: the bundled server serves dist/ itself.
    run(Setup::with_config(ConfigJson::Missing), |t| async move {
        let server = BundledServer::start(t.api.base_url());
        if let Err(err) = t.client.goto(&format!("{}/", server.url)).await {
            panic!("opening the bundled server's page failed: {err}");
        }
        t.wait_for("load").await;
        // Its config.json points the app at its own origin.
        t.wait_js(
            "the api-base field to show the same-origin (empty) base",
            "const e = document.querySelector('[data-testid=\"api-base\"]'); return !!e && e.value === '';",
            vec![],
        )
        .await;
        t.load(TEST_API_KEY, FULL_ID).await;
        t.wait_view(FULL_ID).await;
        let name = t.text("instance-name").await;
        check!(t, name.contains("llama-finetune-a100"), "the instance should show through the proxy, name is {name:?}");

        let requests = t.api.requests();
        let preflights = requests.iter().filter(|r| r.method == "OPTIONS").count();
        check!(t, preflights == 0, "a same-origin call needs no preflight, the API saw {preflights}");
        // Metrics go through the proxy too (their own path), and draw under its CSP.
        t.wait_count("metric-chart", 5, Duration::from_secs(20)).await;
        let requests = t.api.requests();
        let metrics: Vec<_> = requests.iter().filter(|r| r.path == METRICS_PATH).collect();
        let metrics_query = format!("instanceId={FULL_ID}&startTime=");
        check!(
            t,
            !metrics.is_empty()
                && metrics.iter().all(|r| r.query.as_deref().is_some_and(|q| q.starts_with(&metrics_query))),
            "metrics through the proxy, query unchanged: {:?}",
            metrics.iter().map(|r| r.query.clone()).collect::<Vec<_>>()
        );
        let gets: Vec<_> = requests.iter().filter(|r| r.method == "GET").collect();
        check!(t, !gets.is_empty(), "the API stand-in saw no GET through the proxy");
        let expected = format!("Bearer {TEST_API_KEY}");
        for get in &gets {
            check!(
                t,
                get.authorization.as_deref() == Some(expected.as_str()),
                "the proxy should pass the Authorization header on unchanged (it did not)"
            );
            check!(t, get.origin.is_none(), "the proxy should not forward Origin, it sent {:?}", get.origin);
            check!(
                t,
                get.path == METRICS_PATH || get.query.as_deref() == Some(&format!("instanceId={FULL_ID}")[..]),
                "the query should pass through unchanged, it was {:?}",
                get.query
            );
        }

        // An API failure comes back through the proxy as the same error kind.
        t.load(TEST_API_KEY, "fail-429").await;
        let (kind, text) = t.wait_error(Duration::from_secs(10)).await;
        check!(t, kind == "rate-limited", "a 429 through the proxy should be rate-limited, is {kind}");
        check!(t, text.contains("30 seconds"), "Retry-After should pass through the proxy: {text:?}");
        drop(server);
    })
    .await;
}
