//! `novita-viewer-server`: parses the flags and runs [`novita_viewer_server::Server`].

use std::process::ExitCode;

use clap::Parser;
use novita_viewer_server::cli::{mib, Args};
use novita_viewer_server::Server;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server = match Server::new(args.config()) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("novita-viewer-server: {err}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "novita-viewer-server: cannot listen on {}: {err}",
                args.listen
            );
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(args.listen);
    if server.is_plaintext_remote() {
        eprintln!(
            "warning: the upstream {} is plain http on another machine (--allow-plain-http-upstream): API keys cross the network unencrypted",
            server.upstream()
        );
    }
    println!(
        "serving {} on http://{addr}, proxying API calls to {}{}; worst-case memory for these limits about {} besides the app's files",
        args.dist.display(),
        server.upstream(),
        if args.read_only { " (read-only)" } else { "" },
        mib(server.worst_case_memory()),
    );
    match server.run(listener, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("novita-viewer-server: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C, or SIGTERM on Unix (what `docker stop` and systemd send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
