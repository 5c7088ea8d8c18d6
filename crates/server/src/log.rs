//! One line per request on stderr: time, method, path (never the query), status, latency (to
//! the answer's headers), and for this server's own answers (refusals, proxy failures) their
//! reason. Never a header value or a body, so the API key and instance ids in queries stay out
//! of the log. A request whose client goes away first is logged as 499, as nginx does.

use instance_model::format::civil_from_days;
use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::LogNote;

/// Middleware: the outermost layer, so it sees every answer, refusals included.
pub(crate) async fn request_log(
    State(log): State<LogSink>,
    request: Request,
    next: Next,
) -> Response {
    let mut pending = PendingLog {
        log: &log,
        method: request.method().clone(),
        path: request.uri().path().to_owned(),
        started: Instant::now(),
        done: false,
    };
    let response = next.run(request).await;
    pending.done = true;
    let note = response.extensions().get::<LogNote>().map(|note| note.0);
    log.request(
        &pending.method,
        &pending.path,
        response.status(),
        pending.started.elapsed(),
        note,
    );
    response
}

/// Logs the request as cancelled if its future is dropped before the answer is ready.
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

/// Where log lines go. Cloning shares the destination.
#[derive(Clone)]
pub struct LogSink {
    out: Arc<Mutex<dyn Write + Send>>,
}

impl fmt::Debug for LogSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LogSink")
    }
}

/// The lines a [`LogSink::capture`] sink has received, for tests.
#[derive(Clone, Default)]
pub struct LogCapture {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl LogCapture {
    pub fn text(&self) -> String {
        let bytes = self.bytes.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl LogSink {
    pub fn stderr() -> LogSink {
        LogSink::to_writer(io::stderr())
    }

    pub fn to_writer(writer: impl Write + Send + 'static) -> LogSink {
        LogSink {
            out: Arc::new(Mutex::new(writer)),
        }
    }

    /// A sink that keeps everything in memory, and the handle to read it back.
    pub fn capture() -> (LogSink, LogCapture) {
        let capture = LogCapture::default();
        let sink = LogSink::to_writer(CaptureWriter(capture.bytes.clone()));
        (sink, capture)
    }

    /// Writes one line as given (a newline is added).
    pub fn line(&self, text: &str) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        // A log that cannot be written must not take requests down with it.
        let _ = writeln!(out, "{} {text}", utc_now());
        let _ = out.flush();
    }

    pub(crate) fn request(
        &self,
        method: &Method,
        path: &str,
        status: StatusCode,
        latency: Duration,
        note: Option<&str>,
    ) {
        let path = printable(path);
        let ms = latency.as_secs_f64() * 1000.0;
        let mut text = format!("{method} {path} {} {ms:.1}ms", status.as_u16());
        if let Some(note) = note {
            text.push(' ');
            text.push_str(note);
        }
        self.line(&text);
    }

    /// A request whose client went away before the answer was ready (nginx's 499).
    pub(crate) fn cancelled(&self, method: &Method, path: &str, latency: Duration) {
        let path = printable(path);
        let ms = latency.as_secs_f64() * 1000.0;
        self.line(&format!("{method} {path} 499 {ms:.1}ms CLIENT_CLOSED"));
    }
}

const MAX_LOGGED_PATH: usize = 200;

/// The path as printable ASCII, cut short, so nobody can forge log lines or flood the log.
fn printable(path: &str) -> String {
    let mut out: String = path
        .chars()
        .take(MAX_LOGGED_PATH)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if path.chars().count() > MAX_LOGGED_PATH {
        out.push_str("...");
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ`, without a date crate.
fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn paths_are_printable_and_bounded() {
        assert_eq!(printable("/a\nb c"), "/a?b?c");
        assert!(printable(&"x".repeat(1000)).len() < 210);
    }
}
