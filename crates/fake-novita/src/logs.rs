//! Log streams, like the ones an instance's `connectComponentLog.systemLogAddress` and
//! `instanceLogAddress` point at, under `/logs/{scenario}/{system|instance}`.
//!
//! The query is the one Novita's console sends: `follow=1` keeps the connection open for new
//! lines, `sse=1` sends them as server-sent events (`data: <line>`, one line per event),
//! `timestamps=1` puts a Docker-style RFC 3339 time with nanoseconds in front of each line, and
//! `tail=N` starts with only the last N lines (all when absent or `all`). Without `follow` the
//! answer is the whole log so far as `text/plain`, which is what a download asks for.
//!
//! Scenarios:
//! - `trickle`: 40 lines of history, then a line every 200 ms for as long as the client stays.
//!   Every fifth line says ERROR, so there is something to filter for.
//! - `burst`: 10 lines of history, then 20,000 lines as fast as the client reads, then a trickle.
//! - `ansi`: coloured lines, every other kind of escape sequence, and one 20,000-character line,
//!   then more coloured lines every 200 ms.
//! - `drop`: each connection replays its tail, sends 5 new lines and closes; the next connection
//!   carries on where the last stopped (the lines are numbered across connections).
//! - `never`: accepts the connection and never answers (only a server shutdown ends it).
//! - `unavailable`: 503, as a log service that is down.
//! - `plain`: a fixed 300-line log ([`plain_log`]), streamed and then silent, for checking a
//!   download byte for byte.
//!
//! Every scenario shares one timeline per server, so a reconnect sees the same history.

use instance_model::format::civil_from_days;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::state::AppState;

/// Where the log routes are mounted.
pub const LOGS_PREFIX: &str = "/logs";

/// Every scenario name, for tests that want to go through them all.
pub const SCENARIOS: [&str; 7] = [
    "trickle",
    "burst",
    "ansi",
    "drop",
    "never",
    "unavailable",
    "plain",
];

/// Lines of history `trickle` starts with.
pub const TRICKLE_HISTORY: u64 = 40;
/// How often `trickle` (and the quiet part of `burst` and `ansi`) sends a line.
pub const TRICKLE_EVERY: Duration = Duration::from_millis(200);
/// Lines `burst` sends at once after its history.
pub const BURST_LINES: u64 = 20_000;
/// Lines each `drop` connection adds before it closes.
pub const DROP_BATCH: u64 = 5;
/// Length of `ansi`'s long line, in characters, escape codes excluded.
pub const LONG_LINE_CHARS: usize = 20_000;
/// Lines in the `plain` log.
pub const PLAIN_LINES: u64 = 300;

const BURST_HISTORY: u64 = 10;
const DROP_HISTORY: u64 = 3;
const ANSI_HISTORY: u64 = 12;
/// Which `ansi` line is the long one (after one of each coloured line).
const LONG_LINE_AT: u64 = 10;
/// Fixed clock for the scenarios whose lines are the same on every run.
const FIXED_BASE_SECS: i64 = 1_795_795_200; // 2026-11-27T16:00:00Z

/// `{base}/logs/{scenario}/{kind}`: an address for an instance's `connectComponentLog`.
pub fn log_address(base_url: &str, scenario: &str, kind: &str) -> String {
    format!(
        "{}{LOGS_PREFIX}/{scenario}/{kind}",
        base_url.trim_end_matches('/')
    )
}

/// The instance with its `connectComponentLog` replaced.
pub fn with_log_addresses(
    mut instance: Value,
    system: &str,
    instance_log: &str,
    is_running: bool,
) -> Value {
    if let Some(object) = instance.as_object_mut() {
        object.insert(
            "connectComponentLog".to_owned(),
            json!({
                "systemLogAddress": system,
                "instanceLogAddress": instance_log,
                "isRunning": is_running,
            }),
        );
    }
    instance
}

/// The `plain` log exactly as a download with `timestamps=1` (or without) receives it.
pub fn plain_log(kind: &str, timestamps: bool) -> String {
    let mut out = String::new();
    for k in 0..PLAIN_LINES {
        push_line(&mut out, &plain_line(kind, k), timestamps, false);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------------

struct LogState {
    app: AppState,
    started: Instant,
    started_wall: Nanos,
    /// How many lines each `drop` stream has, by kind.
    drop_lines: Mutex<HashMap<&'static str, u64>>,
}

type Shared = Arc<LogState>;

/// The log routes, relative to [`LOGS_PREFIX`], with their own clock.
pub(crate) fn router(app: AppState) -> Router {
    let state = Arc::new(LogState {
        app,
        started: Instant::now(),
        started_wall: wall_now(),
        drop_lines: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/{scenario}/{kind}", get(stream))
        .with_state(state)
}

#[derive(Deserialize, Default)]
struct LogQuery {
    follow: Option<String>,
    sse: Option<String>,
    timestamps: Option<String>,
    tail: Option<String>,
}

fn flag(value: &Option<String>) -> bool {
    matches!(value.as_deref(), Some("1" | "true" | "yes"))
}

#[derive(Clone, Copy)]
struct Options {
    follow: bool,
    sse: bool,
    timestamps: bool,
    tail: Option<usize>,
}

async fn stream(
    State(state): State<Shared>,
    Path((scenario, kind)): Path<(String, String)>,
    query: Result<Query<LogQuery>, QueryRejection>,
) -> Response {
    let kind: &'static str = match kind.as_str() {
        "system" => "system",
        "instance" => "instance",
        _ => return not_found(),
    };
    // A query that does not parse is treated as no query, as lenient servers do.
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let options = Options {
        follow: flag(&query.follow),
        sse: flag(&query.sse),
        timestamps: flag(&query.timestamps),
        // Docker's rule: absent or "all" is everything; a number is the last N.
        tail: query.tail.as_deref().and_then(|t| t.parse().ok()),
    };
    let scenario: Scenario = match scenario.as_str() {
        "trickle" => Scenario::Trickle,
        "burst" => Scenario::Burst,
        "ansi" => Scenario::Ansi,
        "drop" => Scenario::Drop,
        "plain" => Scenario::Plain,
        "never" => {
            state.app.shutdown_requested().await;
            return (StatusCode::SERVICE_UNAVAILABLE, "server shutting down").into_response();
        }
        "unavailable" => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "log service unavailable\n",
            )
                .into_response()
        }
        _ => return not_found(),
    };
    let history = state.history(scenario, kind);
    let shown = match options.tail {
        Some(n) => &history[history.len().saturating_sub(n)..],
        None => &history[..],
    };
    if !options.follow {
        let mut text = String::new();
        for line in shown {
            push_line(&mut text, line, options.timestamps, false);
        }
        return with_type(Body::from(text), "text/plain; charset=utf-8");
    }

    let (tx, rx) = mpsc::channel::<Bytes>(8);
    let mut out = Out {
        tx,
        options,
        buf: String::new(),
    };
    let start: Vec<Line> = shown.to_vec();
    let next = history.len() as u64;
    tokio::spawn(async move {
        for chunk in start.chunks(500) {
            for line in chunk {
                out.line(line);
            }
            if !out.flush().await {
                return;
            }
        }
        state.follow(scenario, kind, next, out).await;
    });
    let body = Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|chunk| (Ok::<_, Infallible>(chunk), rx))
    }));
    let content_type = if options.sse {
        "text/event-stream"
    } else {
        "text/plain; charset=utf-8"
    };
    let mut response = with_type(body, content_type);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

fn with_type(body: Body, content_type: &'static str) -> Response {
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "no such log\n",
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------------------------

/// Nanoseconds since the Unix epoch.
type Nanos = i128;

fn wall_now() -> Nanos {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as Nanos)
}

#[derive(Clone, Debug)]
struct Line {
    at: Nanos,
    text: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Trickle,
    Burst,
    Ansi,
    Drop,
    Plain,
}

const TRICKLE_MESSAGES: [&str; 5] = [
    "ERROR upstream returned 502 Bad Gateway",
    "INFO request served in 12 ms",
    "INFO worker heartbeat ok",
    "WARN slow response from backend (1.8 s)",
    "DEBUG cache hit for model weights",
];

fn trickle_line(kind: &str, k: u64) -> String {
    format!(
        "{kind} trickle #{k} {}",
        TRICKLE_MESSAGES[(k % TRICKLE_MESSAGES.len() as u64) as usize]
    )
}

const ANSI_LINES: [&str; 10] = [
    "\x1b[32mINFO\x1b[0m server started on :8080",
    "\x1b[33mWARN\x1b[0m disk 91% full",
    "\x1b[1;31mERROR\x1b[0m CUDA out of memory",
    "\x1b[90mgray debug line\x1b[0m",
    "\x1b[37;44m white on blue \x1b[0m plain again",
    "\x1b]0;window title\x07\x1b[2K\x1b[1Gcursor moves and an OSC title, stripped",
    "\x1b[38;5;196m256-colour red\x1b[0m and \x1b[38;2;255;0;0mtrue colour\x1b[0m shown plain",
    "\x1b]8;;https://example.com\x1b\\hyperlink text\x1b]8;;\x1b\\ without the link",
    "\x1b[1mbold\x1b[22m then \x1b[95mbright magenta\x1b[39m then plain",
    "\x1b[?25lprogress 100%\x1b[?25h\x1b(B",
];

fn ansi_line(kind: &str, k: u64) -> String {
    if k == LONG_LINE_AT {
        let head = format!("{kind} ansi #{k} long:");
        let fill = LONG_LINE_CHARS.saturating_sub(head.len());
        let pattern = "0123456789";
        let body: String = pattern.chars().cycle().take(fill).collect();
        return format!("\x1b[36m{head}\x1b[0m{body}");
    }
    format!(
        "{kind} ansi #{k} {}",
        ANSI_LINES[(k % ANSI_LINES.len() as u64) as usize]
    )
}

fn plain_line(kind: &str, k: u64) -> Line {
    let text = if k % 50 == 7 {
        format!("{kind} plain #{k} \x1b[31mERROR\x1b[0m something failed")
    } else {
        format!("{kind} plain #{k} all is well")
    };
    Line {
        at: fixed_at(k),
        text,
    }
}

/// Deterministic times: the fixed base plus k seconds and k microseconds.
fn fixed_at(k: u64) -> Nanos {
    (Nanos::from(FIXED_BASE_SECS) + Nanos::from(k)) * 1_000_000_000 + Nanos::from(k) * 1_000
}

/// Appends one line as a client receives it: SSE event or plain text line.
fn push_line(out: &mut String, line: &Line, timestamps: bool, sse: bool) {
    if sse {
        out.push_str("data: ");
    }
    if timestamps {
        out.push_str(&rfc3339_nanos(line.at));
        out.push(' ');
    }
    out.push_str(&line.text);
    out.push_str(if sse { "\n\n" } else { "\n" });
}

/// `2026-11-27T16:42:03.123456789Z`, as Docker writes it.
fn rfc3339_nanos(at: Nanos) -> String {
    let secs = at.div_euclid(1_000_000_000) as i64;
    let nanos = at.rem_euclid(1_000_000_000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{nanos:09}Z",
        s / 3_600,
        s % 3_600 / 60,
        s % 60
    )
}

// ---------------------------------------------------------------------------------------------
// Timelines
// ---------------------------------------------------------------------------------------------

/// Writes lines to one client, a chunk at a time.
struct Out {
    tx: mpsc::Sender<Bytes>,
    options: Options,
    buf: String,
}

impl Out {
    fn line(&mut self, line: &Line) {
        push_line(
            &mut self.buf,
            line,
            self.options.timestamps,
            self.options.sse,
        );
    }

    /// False once the client has gone.
    async fn flush(&mut self) -> bool {
        if self.buf.is_empty() {
            return true;
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.tx.send(chunk).await.is_ok()
    }
}

impl LogState {
    /// Lines of a timeline that has this many lines by now.
    fn trickle_count(&self, history: u64) -> u64 {
        let elapsed = self.started.elapsed().as_nanos() / TRICKLE_EVERY.as_nanos();
        history + elapsed as u64
    }

    /// When line `k` of a trickling timeline with `history` lines before the start was made:
    /// the last history line at the start, the first new one a step later.
    fn trickle_at(&self, history: u64, k: u64) -> Nanos {
        let step = TRICKLE_EVERY.as_nanos() as Nanos;
        self.started_wall + (Nanos::from(k) + 1 - Nanos::from(history)) * step
    }

    /// When (on this server's clock) line `k` of such a timeline comes due.
    fn trickle_due(&self, history: u64, k: u64) -> Instant {
        let after = (k + 1).saturating_sub(history);
        self.started + TRICKLE_EVERY * u32::try_from(after).unwrap_or(u32::MAX)
    }

    fn drop_count(&self, kind: &'static str) -> u64 {
        let lines = self
            .drop_lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        lines.get(kind).copied().unwrap_or(DROP_HISTORY)
    }

    /// Claims the next `drop` line number.
    fn next_drop(&self, kind: &'static str) -> u64 {
        let mut lines = self
            .drop_lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let count = lines.entry(kind).or_insert(DROP_HISTORY);
        *count += 1;
        *count - 1
    }

    /// The whole log so far.
    fn history(&self, scenario: Scenario, kind: &'static str) -> Vec<Line> {
        match scenario {
            Scenario::Trickle => (0..self.trickle_count(TRICKLE_HISTORY))
                .map(|k| Line {
                    at: self.trickle_at(TRICKLE_HISTORY, k),
                    text: trickle_line(kind, k),
                })
                .collect(),
            Scenario::Ansi => (0..self.trickle_count(ANSI_HISTORY))
                .map(|k| Line {
                    at: self.trickle_at(ANSI_HISTORY, k),
                    text: ansi_line(kind, k),
                })
                .collect(),
            Scenario::Burst => (0..BURST_HISTORY)
                .map(|k| Line {
                    at: self.started_wall - Nanos::from(BURST_HISTORY - k) * 1_000_000,
                    text: format!("{kind} burst history #{k}"),
                })
                .collect(),
            Scenario::Drop => (0..self.drop_count(kind))
                .map(|k| Line {
                    at: fixed_at(k),
                    text: format!("{kind} drop #{k}"),
                })
                .collect(),
            Scenario::Plain => (0..PLAIN_LINES).map(|k| plain_line(kind, k)).collect(),
        }
    }

    /// Sleeps until `until`; false when the server is shutting down first.
    async fn wait_until(&self, until: Instant) -> bool {
        tokio::select! {
            () = tokio::time::sleep_until(until) => true,
            () = self.app.shutdown_requested() => false,
        }
    }

    /// What comes after the history on a `follow` connection. `next` is the first line number
    /// not yet sent. Returning drops the sender, which ends the response.
    async fn follow(&self, scenario: Scenario, kind: &'static str, next: u64, mut out: Out) {
        match scenario {
            Scenario::Trickle | Scenario::Ansi => {
                let (history, make): (u64, fn(&str, u64) -> String) =
                    if scenario == Scenario::Trickle {
                        (TRICKLE_HISTORY, trickle_line)
                    } else {
                        (ANSI_HISTORY, ansi_line)
                    };
                let mut k = next;
                loop {
                    if !self.wait_until(self.trickle_due(history, k)).await {
                        return;
                    }
                    out.line(&Line {
                        at: self.trickle_at(history, k),
                        text: make(kind, k),
                    });
                    if !out.flush().await {
                        return;
                    }
                    k += 1;
                }
            }
            Scenario::Burst => {
                let start = wall_now();
                for k in 0..BURST_LINES {
                    out.line(&Line {
                        at: start + Nanos::from(k) * 1_000,
                        text: format!("{kind} burst #{k} INFO step {k} of {BURST_LINES}"),
                    });
                    if k % 500 == 499 && !out.flush().await {
                        return;
                    }
                }
                if !out.flush().await {
                    return;
                }
                let mut last = start + Nanos::from(BURST_LINES) * 1_000;
                for k in 0_u64.. {
                    if !self.wait_until(Instant::now() + TRICKLE_EVERY).await {
                        return;
                    }
                    last = last.max(wall_now()) + 1;
                    out.line(&Line {
                        at: last,
                        text: format!("{kind} after burst #{k}"),
                    });
                    if !out.flush().await {
                        return;
                    }
                }
            }
            Scenario::Drop => {
                for _ in 0..DROP_BATCH {
                    if !self
                        .wait_until(Instant::now() + Duration::from_millis(100))
                        .await
                    {
                        return;
                    }
                    let k = self.next_drop(kind);
                    out.line(&Line {
                        at: fixed_at(k),
                        text: format!("{kind} drop #{k}"),
                    });
                    if !out.flush().await {
                        return;
                    }
                }
                // Dropping `out` closes the stream mid-follow, as a proxy timing out would.
            }
            Scenario::Plain => {
                // Stays open and silent until the client goes or the server stops.
                tokio::select! {
                    () = out.tx.closed() => {}
                    () = self.app.shutdown_requested() => {}
                }
            }
        }
    }
}
