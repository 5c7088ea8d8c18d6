//! Accepting and serving client connections with hyper's HTTP/1 builder, so that no client can
//! hold the server open for free:
//!
//! - at most `--max-connections` open at once; past that, new connections wait in the kernel's
//!   backlog until one closes;
//! - `--header-timeout` (10 s) to send a request's headers, counted from the connection's start
//!   or from the end of the previous answer, so the same timer closes a connection that dribbles
//!   its headers and one kept alive but idle (hyper starts it whenever it waits for a request);
//! - a write timeout: a client that accepts none of its answer for `send_timeout` is cut off,
//!   which frees the answer's memory and its concurrency slot;
//! - small buffers ([`CONNECTION_BUFFER`]), so each connection's memory is bounded.
//!
//! On shutdown: stop accepting, tell every connection to close after its answer in flight, and
//! give them the grace period.

use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio_io_timeout::TimeoutStream;

use crate::LogSink;

/// The largest read or write buffer of one client connection (hyper's default is about
/// 400 KiB); it also bounds the size of a request's headers.
pub const CONNECTION_BUFFER: usize = 64 * 1024;

#[derive(Clone, Copy, Debug)]
pub(crate) struct ConnectionLimits {
    pub(crate) max_connections: usize,
    pub(crate) header_timeout: Duration,
    pub(crate) send_timeout: Duration,
    pub(crate) grace: Duration,
}

/// Serves `app` on `listener` until `shutdown` completes; `stopping` is set then, so long
/// answers (log streams) can end themselves.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
    stopping: watch::Sender<bool>,
    log: LogSink,
) -> io::Result<()> {
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true)
        .max_buf_size(CONNECTION_BUFFER);
    let service = TowerToHyperService::new(app);
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(err) if is_connection_error(&err) => continue,
            Err(err) => {
                // Out of file descriptors, say: wait instead of spinning.
                log.line(&format!("accept failed: {err}"));
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // Small JSON answers: waiting for Nagle only adds latency.
        let _ = tcp.set_nodelay(true);
        let mut stream = TimeoutStream::new(tcp);
        stream.set_write_timeout(Some(limits.send_timeout));
        let connection = builder.serve_connection(TokioIo::new(Box::pin(stream)), service.clone());
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection that fails (timed out, reset) has nothing left to answer.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    tokio::select! {
        () = graceful.shutdown() => Ok(()),
        () = tokio::time::sleep(limits.grace) => {
            log.line(&format!(
                "shutdown: requests still in flight after {} s, stopping anyway",
                limits.grace.as_secs()
            ));
            Ok(())
        }
    }
}

/// Errors that concern one connection only (the next accept will work).
fn is_connection_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
