//! A bounded loopback load test: the fake Novita API alone, then this server in front of it.
//!
//! ```text
//! cargo run --release -p novita-viewer-server --example load -- [--requests 20000] [--concurrency 200]
//! ```
//!
//! Everything runs in this one process on 127.0.0.1 (the stand-in, the proxy and the client
//! share the tokio runtime and the machine's cores), so the figures compare the two paths on
//! equal terms rather than measure either in isolation. Exits non-zero on any failed request.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use fake_novita::{FakeNovita, INSTANCE_PATH, TEST_API_KEY};
use http_body_util::{BodyExt, Empty};
use hyper::{Request, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use novita_viewer_server::{Config, LogSink, Server};
use tokio::net::TcpListener;

#[derive(Parser)]
struct Args {
    /// Requests per phase (after a warm-up of a tenth as many).
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 200)]
    concurrency: usize,
    /// The proxy's --max-concurrent.
    #[arg(long, default_value_t = 64)]
    max_concurrent: usize,
    /// The proxy's --max-connections. hyper's client opens more connections than requests in
    /// flight (it races a new connection against waiting for a pooled one), so at 200 in flight
    /// the default 256 would leave some waiting in the listen backlog.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// The most a phase may take before the run counts as failed.
    #[arg(long, default_value_t = 120)]
    phase_limit_secs: u64,
}

struct Phase {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    failures: usize,
    first_failure: Option<String>,
}

impl Phase {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: f64) -> Duration {
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }

    fn print(&self, name: &str) {
        println!(
            "{name:<8} {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} requests in {:.2} s, {} failed)",
            self.rate(),
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99)),
            self.requests,
            self.elapsed.as_secs_f64(),
            self.failures,
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

async fn run_phase(url: &str, requests: usize, concurrency: usize) -> Phase {
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(concurrency)
        .build_http::<Empty<Bytes>>();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let next = next.clone();
        let url: hyper::Uri = url.parse().expect("url");
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0;
            let mut first_failure = None;
            while next.fetch_add(1, Ordering::Relaxed) < requests {
                let request = Request::get(url.clone())
                    .header("authorization", format!("Bearer {TEST_API_KEY}"))
                    .header("host", url.authority().expect("authority").as_str())
                    .body(Empty::new())
                    .expect("request");
                let sent = Instant::now();
                let outcome = match client.request(request).await {
                    Ok(response) => {
                        let status = response.status();
                        match response
                            .into_body()
                            .collect()
                            .await
                            .map(|body| body.to_bytes())
                        {
                            Ok(body) if status == StatusCode::OK && !body.is_empty() => Ok(()),
                            Ok(_) => Err(format!("status {status}")),
                            Err(err) => Err(format!("body: {err}")),
                        }
                    }
                    Err(err) => Err(format!("request: {err:?}")),
                };
                latencies.push(sent.elapsed());
                if let Err(why) = outcome {
                    failures += 1;
                    first_failure.get_or_insert(why);
                }
            }
            (latencies, failures, first_failure)
        }));
    }
    let mut phase = Phase {
        requests,
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(requests),
        failures: 0,
        first_failure: None,
    };
    for worker in workers {
        let (latencies, failures, first_failure) = worker.await.expect("worker");
        phase.latencies.extend(latencies);
        phase.failures += failures;
        if phase.first_failure.is_none() {
            phase.first_failure = first_failure;
        }
    }
    phase.elapsed = started.elapsed();
    phase.latencies.sort_unstable();
    phase
}

async fn measure(name: &str, url: &str, args: &Args) -> Result<Phase, String> {
    let limit = Duration::from_secs(args.phase_limit_secs);
    let work = async {
        let warm_up = run_phase(url, (args.requests / 10).max(1), args.concurrency).await;
        if warm_up.failures > 0 {
            return warm_up;
        }
        run_phase(url, args.requests, args.concurrency).await
    };
    let phase = tokio::time::timeout(limit, work)
        .await
        .map_err(|_| format!("{name}: took longer than {} s", limit.as_secs()))?;
    if phase.failures > 0 {
        return Err(format!(
            "{name}: {} requests failed, first: {}",
            phase.failures,
            phase.first_failure.as_deref().unwrap_or("?")
        ));
    }
    Ok(phase)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("load: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<(), String> {
    let fake = FakeNovita::start().await.map_err(|err| err.to_string())?;
    let id = fake_novita::fixture("minimal")
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|value| value["id"].as_str().map(str::to_owned))
        .ok_or("the minimal fixture has no string id")?;
    let path = format!("{INSTANCE_PATH}?instanceId={id}");

    let dist = std::env::temp_dir().join(format!("novita-viewer-load-{}", std::process::id()));
    std::fs::create_dir_all(&dist).map_err(|err| err.to_string())?;
    std::fs::write(
        dist.join("index.html"),
        "<!DOCTYPE html><title>load</title>",
    )
    .map_err(|err| err.to_string())?;
    let mut config = Config::new(&dist, fake.base_url());
    config.max_concurrent = args.max_concurrent;
    config.max_connections = args.max_connections;
    // Lines are formatted and written as in production, only into nothing.
    config.log = LogSink::to_writer(std::io::sink());
    let server = Server::new(config).map_err(|err| err.to_string());
    let _ = std::fs::remove_dir_all(&dist);
    let server = server?;
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .map_err(|err| err.to_string())?;
    let proxy_addr: SocketAddr = listener.local_addr().map_err(|err| err.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run(listener, async move {
        let _ = stopped.await;
    }));

    println!(
        "{} requests per phase, {} in flight, GET {INSTANCE_PATH}?instanceId=<minimal fixture>, proxy --max-concurrent {} --max-connections {}, {} cores",
        args.requests,
        args.concurrency,
        args.max_concurrent,
        args.max_connections,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let direct = measure("direct", &format!("{}{path}", fake.base_url()), args).await?;
    fake.clear_requests();
    direct.print("direct");
    let proxied = measure("proxied", &format!("http://{proxy_addr}{path}"), args).await?;
    fake.clear_requests();
    proxied.print("proxied");
    println!(
        "ratio    throughput {:.2}x of direct   p50 {:.2}x   p99 {:.2}x",
        proxied.rate() / direct.rate(),
        ms(proxied.percentile(0.5)) / ms(direct.percentile(0.5)),
        ms(proxied.percentile(0.99)) / ms(direct.percentile(0.99)),
    );

    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .map_err(|_| "the proxy did not stop".to_owned())?
        .map_err(|err| err.to_string())?
        .map_err(|err| err.to_string())?;
    Ok(())
}
