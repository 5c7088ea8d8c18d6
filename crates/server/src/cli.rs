//! The command line. Every flag can also come from an environment variable (named in `--help`);
//! list flags take a comma-separated list there.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::{Config, LogSink, DEFAULT_UPSTREAM};

/// Serves the Novita instance viewer (Trunk's dist/ folder) and forwards its API calls to
/// Novita from the same origin, so the browser needs no CORS and the key goes nowhere else.
#[derive(Debug, Parser)]
#[command(name = "novita-viewer-server", version, about, long_about = None)]
pub struct Args {
    /// Address and port to listen on. Use 0.0.0.0:PORT to be reachable from other machines
    /// (then reach it by IP address, or name its DNS name with --allow-host).
    #[arg(long, env = "NOVITA_VIEWER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The folder Trunk built (must contain index.html). It is read once at start-up.
    #[arg(long, env = "NOVITA_VIEWER_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Where the API paths (/gpu-instance/openapi/..., /openapi/v1/metrics/...) are forwarded.
    #[arg(long, env = "NOVITA_VIEWER_UPSTREAM", default_value = DEFAULT_UPSTREAM)]
    pub upstream: String,

    /// An origin (https://ops.example.com) whose pages may call the API paths here (CORS).
    /// Repeatable, or comma-separated. None by default: only pages served by this server can
    /// use it.
    #[arg(
        long = "allow-origin",
        env = "NOVITA_VIEWER_ALLOW_ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,

    /// A host name (or name:port) accepted in the Host header besides localhost and IP
    /// addresses, e.g. the DNS name people use to reach this server. Repeatable, or
    /// comma-separated. '*' accepts any name, which turns off the DNS-rebinding protection.
    #[arg(
        long = "allow-host",
        env = "NOVITA_VIEWER_ALLOW_HOST",
        value_delimiter = ','
    )]
    pub allow_hosts: Vec<String>,

    /// An origin besides this one the page may connect to, for the instances' log streams,
    /// which live on Novita's hosts (Content-Security-Policy connect-src). Repeatable, or
    /// comma-separated; wildcards like https://*.example.com allowed.
    #[arg(
        long = "connect-src",
        env = "NOVITA_VIEWER_CONNECT_SRC",
        value_delimiter = ',',
        default_value = "https://*.novita.ai"
    )]
    pub connect_sources: Vec<String>,

    /// Seconds an upstream call may take, answer included, before a 504.
    #[arg(long, env = "NOVITA_VIEWER_UPSTREAM_TIMEOUT", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub upstream_timeout: u64,

    /// Upstream calls in flight at once; more wait a few seconds for a slot, then get a 503.
    #[arg(long, env = "NOVITA_VIEWER_MAX_CONCURRENT", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_concurrent: u64,

    /// Largest request body forwarded, in bytes (larger: 413).
    #[arg(long, env = "NOVITA_VIEWER_MAX_REQUEST_BODY", default_value_t = 1024 * 1024)]
    pub max_request_body: usize,

    /// Largest upstream answer passed back, in bytes (larger: 502).
    #[arg(long, env = "NOVITA_VIEWER_MAX_RESPONSE_BODY", default_value_t = 8 * 1024 * 1024)]
    pub max_response_body: usize,

    /// On SIGTERM or Ctrl-C, seconds to let requests in flight finish before stopping anyway.
    #[arg(long, env = "NOVITA_VIEWER_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
}

impl Args {
    pub fn config(&self) -> Config {
        let mut config = Config::new(&self.dist, &self.upstream);
        config.allow_origins = self.allow_origins.clone();
        config.allow_hosts = self.allow_hosts.clone();
        config.connect_sources = self.connect_sources.clone();
        config.upstream_timeout = Duration::from_secs(self.upstream_timeout);
        config.max_concurrent = usize::try_from(self.max_concurrent).unwrap_or(usize::MAX);
        config.max_request_body = self.max_request_body;
        config.max_response_body = self.max_response_body;
        config.shutdown_timeout = Duration::from_secs(self.shutdown_timeout);
        config.log = LogSink::stderr();
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn flags_parse() {
        Args::command().debug_assert();
        let args = Args::try_parse_from([
            "novita-viewer-server",
            "--allow-origin",
            "https://a.example",
            "--allow-origin",
            "https://b.example",
            "--upstream-timeout",
            "2",
        ])
        .expect("parse");
        assert_eq!(
            args.allow_origins,
            ["https://a.example", "https://b.example"]
        );
        let config = args.config();
        assert_eq!(config.upstream_timeout, Duration::from_secs(2));
        assert_eq!(config.upstream, "https://api.novita.ai");
        assert!(Args::try_parse_from(["x", "--upstream-timeout", "0"]).is_err());
    }
}
