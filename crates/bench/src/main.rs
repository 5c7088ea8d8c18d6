//! The benchmark of the release app (run it with `scripts/bench.sh`, which builds what it
//! measures first). Every figure is taken in headless Chromium on loopback, against the local
//! API stand-in, with the app served by the bundled server (the first screen under
//! Lighthouse's simulated slow network, the load overhead also with the API's answer held
//! back by a realistic round trip); each is printed as a table
//! (median, min, max over repeated runs) and everything is written as JSON so runs can be
//! compared. Nothing here asserts a timing: the machines are noisy.

mod browser;
mod fleet;
mod lighthouse;
mod load;
mod logs;
mod page;
mod refresh;
mod scale;
mod servers;
mod sizes;
mod stats;
mod usable;

use instance_model::format::civil_from_days;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use crate::browser::Driver;
use crate::servers::Servers;
use crate::sizes::PageSize;
use crate::stats::{thousands, Table};

/// Errors are messages for the person running the benchmark.
pub type Result<T> = std::result::Result<T, String>;

/// One measure's outcome: what goes into the JSON, and the tables to print.
pub struct Measured {
    pub json: Value,
    pub tables: Vec<Table>,
}

/// Every measure, in the order they run.
const MEASURES: [&str; 9] = [
    "sizes",
    "lighthouse",
    "usable",
    "load",
    "scale",
    "fleet",
    "refresh",
    "soak",
    "logs",
];

const USAGE: &str = "\
usage: bench [options]   (scripts/bench.sh builds the app and the baseline, then runs this)

  --dist DIR            the app's build (default: dist)
  --baseline-dist DIR   the baseline page's build (default: bench/baseline/dist)
  --out FILE            where the JSON goes (default: bench-results/<UTC time>.json)
  --only LIST           run only these measures, comma-separated, from:
                        sizes, lighthouse, usable, load, scale, fleet, refresh, soak, logs
                        (default: all)
  --lighthouse-runs N   Lighthouse mobile-profile runs of the first screen (default 3)
  --throttling LIST     Lighthouse's throttling methods: simulate (its default), devtools
                        (default: both)
  --runs N              runs of time to usable (each page) and load overhead (default 15)
  --round-trip MS       the API's answer delay of the second load-overhead condition
                        (default 100; 0 measures loopback only)
  --scale-runs N        runs of each scale size (default 7)
  --scale-sizes LIST    the N of big-N to render (default 10,100,500,2000; at most 5000)
  --fleet-runs N        renders of the 1,000-instance fleet (default 7)
  --refreshes N         refreshes for the refresh cost (default 30)
  --soak N              refreshes in the soak (default 1000; 0 skips it)
  --log-runs N          runs of the log burst (default 5)
  -h, --help            this text";

struct Options {
    dist: PathBuf,
    baseline_dist: PathBuf,
    out: Option<PathBuf>,
    only: Vec<String>,
    lighthouse_runs: usize,
    throttling: Vec<String>,
    runs: usize,
    round_trip_ms: u64,
    scale_runs: usize,
    scale_sizes: Vec<usize>,
    fleet_runs: usize,
    refreshes: usize,
    soak: usize,
    log_runs: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dist: PathBuf::from("dist"),
            baseline_dist: PathBuf::from("bench/baseline/dist"),
            out: None,
            only: MEASURES.iter().map(|m| (*m).to_owned()).collect(),
            lighthouse_runs: 3,
            throttling: lighthouse::THROTTLING.map(String::from).to_vec(),
            runs: 15,
            round_trip_ms: 100,
            scale_runs: 7,
            scale_sizes: vec![10, 100, 500, 2000],
            fleet_runs: 7,
            refreshes: 30,
            soak: 1000,
            log_runs: 5,
        }
    }
}

enum Parsed {
    Run(Box<Options>),
    Help,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Parsed> {
    let mut o = Options::default();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            return Ok(Parsed::Help);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let count = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{name} takes a whole number, got {v:?}"))
        };
        match name.as_str() {
            "--dist" => o.dist = value()?.into(),
            "--baseline-dist" => o.baseline_dist = value()?.into(),
            "--out" => o.out = Some(value()?.into()),
            "--only" => {
                o.only = value()?.split(',').map(|m| m.trim().to_owned()).collect();
                if let Some(bad) = o.only.iter().find(|m| !MEASURES.contains(&m.as_str())) {
                    return Err(format!(
                        "unknown measure {bad:?} (one of {})",
                        MEASURES.join(", ")
                    ));
                }
            }
            "--lighthouse-runs" => o.lighthouse_runs = count(value()?)?.max(1),
            "--throttling" => {
                o.throttling = value()?.split(',').map(|m| m.trim().to_owned()).collect();
                if let Some(bad) = o
                    .throttling
                    .iter()
                    .find(|m| !lighthouse::THROTTLING.contains(&m.as_str()))
                {
                    return Err(format!(
                        "unknown throttling {bad:?} (one of {})",
                        lighthouse::THROTTLING.join(", ")
                    ));
                }
            }
            "--runs" => o.runs = count(value()?)?.max(1),
            "--round-trip" => o.round_trip_ms = count(value()?)?.min(60_000) as u64,
            "--scale-runs" => o.scale_runs = count(value()?)?.max(1),
            "--scale-sizes" => {
                o.scale_sizes = value()?
                    .split(',')
                    .map(|n| count(n.trim().to_owned()))
                    .collect::<Result<_>>()?;
                if o.scale_sizes.iter().any(|n| *n == 0 || *n > 5000) {
                    return Err("--scale-sizes: each N must be from 1 to 5000".into());
                }
            }
            "--fleet-runs" => o.fleet_runs = count(value()?)?.max(1),
            "--refreshes" => o.refreshes = count(value()?)?.max(1),
            "--soak" => o.soak = count(value()?)?,
            "--log-runs" => o.log_runs = count(value()?)?.max(1),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if o.soak == 0 {
        o.only.retain(|m| m != "soak");
    }
    Ok(Parsed::Run(Box::new(o)))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Parsed::Run(options)) => options,
        Ok(Parsed::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("bench: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the measures asked for; false when any of them failed (the others still run).
async fn run(o: &Options) -> Result<bool> {
    for dir in [&o.dist, &o.baseline_dist] {
        if !dir.join("index.html").is_file() {
            return Err(format!(
                "{} has no index.html: build it first (scripts/bench.sh does)",
                dir.display()
            ));
        }
    }
    let started = SystemTime::now();
    let clock = Instant::now();
    let out = o
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("bench-results/{}.json", utc_stamp(started))));
    let wants = |m: &str| o.only.iter().any(|x| x == m);
    println!(
        "bench: {} cores, load average {}, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average().unwrap_or_else(|| "?".into()),
        chromium_version().unwrap_or_else(|| "chromium version unknown".into())
    );

    let mut results = Map::new();
    let mut failed = Vec::new();
    let mut record = |name: &str, outcome: Result<Measured>| match outcome {
        Ok(m) => {
            for t in &m.tables {
                t.print();
            }
            results.insert(name.to_owned(), m.json);
        }
        Err(message) => {
            eprintln!("\nbench: {name} failed: {message}");
            results.insert(name.to_owned(), json!({ "error": message }));
            failed.push(name.to_owned());
        }
    };

    if wants("sizes") {
        record("sizes", measure_sizes(&o.dist, &o.baseline_dist));
    }
    if wants("lighthouse") {
        // Only a server: Lighthouse drives its own Chromium. The start screen calls no API,
        // but the bundled server needs an upstream.
        let api = fake_novita::FakeNovita::start()
            .await
            .map_err(|err| format!("starting the API stand-in: {err}"))?;
        eprintln!("bench: lighthouse…");
        let t = Instant::now();
        let outcome =
            lighthouse::measure(&o.dist, &api.base_url(), o.lighthouse_runs, &o.throttling).await;
        eprintln!("bench: lighthouse took {:.0} s", t.elapsed().as_secs_f64());
        record("lighthouse", outcome);
    }
    let browser_measures = [
        "usable", "load", "scale", "fleet", "refresh", "soak", "logs",
    ];
    if browser_measures.iter().any(|m| wants(m)) {
        let servers = Servers::start(&o.dist, &o.baseline_dist).await?;
        let driver = Driver::start()?;
        for name in browser_measures.into_iter().filter(|m| wants(m)) {
            eprintln!("bench: {name}…");
            let t = Instant::now();
            let outcome = match name {
                "usable" => usable::measure(&driver, &servers, o.runs).await,
                "load" => load::measure(&driver, &servers, o.runs, o.round_trip_ms).await,
                "scale" => scale::measure(&driver, &servers, &o.scale_sizes, o.scale_runs).await,
                "fleet" => fleet::measure(&driver, &servers, o.fleet_runs).await,
                "refresh" => refresh::measure_cost(&driver, &servers, o.refreshes).await,
                "soak" => refresh::measure_soak(&driver, &servers, o.soak).await,
                _ => logs::measure(&driver, &servers, o.log_runs).await,
            };
            eprintln!("bench: {name} took {:.0} s", t.elapsed().as_secs_f64());
            record(name, outcome);
        }
    }

    let report = json!({
        "format": 1,
        "started_at": utc_stamp(started),
        "duration_s": clock.elapsed().as_secs(),
        "machine": {
            "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
            "load_average_at_start": load_average(),
            "chromium": chromium_version(),
        },
        "setup": {
            "served_by": "novita-viewer-server (the bundled server) on 127.0.0.1, API forwarded same-origin to fake-novita",
            "browser": "headless Chromium through chromedriver, fresh profile per measure, 1280×900",
            "dist": o.dist.display().to_string(),
            "baseline_dist": o.baseline_dist.display().to_string(),
            "lighthouse_runs": o.lighthouse_runs, "throttling": o.throttling, "runs": o.runs, "round_trip_ms": o.round_trip_ms, "scale_runs": o.scale_runs, "scale_sizes": o.scale_sizes, "fleet_runs": o.fleet_runs,
            "refreshes": o.refreshes, "soak": o.soak, "log_runs": o.log_runs,
        },
        "results": results,
        "failed": failed,
    });
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(&report).map_err(|err| err.to_string())?;
    std::fs::write(&out, text + "\n").map_err(|err| format!("writing {}: {err}", out.display()))?;
    println!(
        "\nbench: wrote {} ({:.0} s)",
        out.display(),
        clock.elapsed().as_secs_f64()
    );
    if !failed.is_empty() {
        eprintln!("bench: these measures failed: {}", failed.join(", "));
    }
    Ok(failed.is_empty())
}

fn measure_sizes(dist: &Path, baseline_dist: &Path) -> Result<Measured> {
    let app = PageSize::measure(dist)?;
    let baseline = PageSize::measure(baseline_dist)?;
    let mut table = Table::new(
        "Download size (bytes; gzip -9 -n, brotli q11)",
        &["file", "kind", "raw", "gzip", "brotli"],
    );
    app.add_rows(&mut table, "app");
    baseline.add_rows(&mut table, "baseline");
    let (_, app_gz, app_br) = app.total();
    let (_, base_gz, base_br) = baseline.total();
    let gzip_ratio = app_gz as f64 / base_gz.max(1) as f64;
    let brotli_ratio = app_br as f64 / base_br.max(1) as f64;
    table.note(format!(
        "app/baseline: gzip {gzip_ratio:.2}× (goal ≤ 1.6×), brotli {brotli_ratio:.2}×; app gzip total {} bytes = {:.1} KiB",
        thousands(app_gz),
        app_gz as f64 / 1024.0
    ));
    Ok(Measured {
        json: json!({
            "app": app.json(),
            "baseline": baseline.json(),
            "ratio_gzip": gzip_ratio,
            "ratio_brotli": brotli_ratio,
            "goal_ratio_gzip": 1.6,
        }),
        tables: vec![table],
    })
}

fn load_average() -> Option<String> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(
        text.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn chromium_version() -> Option<String> {
    let output = std::process::Command::new(browser::CHROMIUM)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// `20261127T171500Z`: sorts by time, and is safe in a file name.
fn utc_stamp(at: SystemTime) -> String {
    let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc() {
        let at = UNIX_EPOCH + std::time::Duration::from_secs(1_795_795_200 + 3_723);
        assert_eq!(utc_stamp(at), "20261127T170203Z");
    }

    #[test]
    fn options() {
        let parse = |args: &[&str]| parse_args(args.iter().map(|a| (*a).to_owned()));
        let Ok(Parsed::Run(o)) = parse(&["--only", "sizes,soak", "--soak=0", "--runs", "3"]) else {
            panic!("should parse");
        };
        assert_eq!(o.only, vec!["sizes"]);
        assert_eq!(o.runs, 3);
        assert!(parse(&["--only", "nope"]).is_err());
        assert!(parse(&["--scale-sizes", "10,9000"]).is_err());
        assert!(matches!(parse(&["-h"]), Ok(Parsed::Help)));
        let Ok(Parsed::Run(o)) = parse(&["--throttling", "devtools", "--round-trip=250"]) else {
            panic!("should parse");
        };
        assert_eq!(
            (o.throttling, o.round_trip_ms),
            (vec!["devtools".to_owned()], 250)
        );
        assert!(parse(&["--throttling", "simulate,fast"]).is_err());
    }
}
