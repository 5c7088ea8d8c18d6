//! The command line. Every flag can also come from an environment variable (named in `--help`);
//! list flags take a comma-separated list there.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Parser};

use crate::log_stream::DEFAULT_LOG_HOST_SUFFIX;
use crate::{Config, LogSink, DEFAULT_UPSTREAM};

/// What `--help` says about memory. The figure is [`Config::worst_case_memory`] with the
/// defaults (a test keeps them equal, and the README's figure too).
pub const MEMORY_HELP: &str = "\
Memory: the limits bound what requests can make the server hold. With the defaults that is at \
most about 644 MiB, besides the app's files (held three times: plain, gzip, brotli):
  --max-connections x 192 KiB (each connection's buffers)
  + --max-concurrent x (--max-request-body + --max-response-body + 128 KiB)
  + --max-log-streams x 384 KiB.
Lower those flags to lower it; the server prints the figure for its own flags at start-up.";

/// Serves the Novita instance viewer (Trunk's dist/ folder) and forwards its API calls and its
/// log streams to Novita from the same origin, so the browser needs no CORS and the key goes
/// nowhere else.
#[derive(Parser)]
#[command(name = "novita-viewer-server", version, about, long_about = None, after_help = MEMORY_HELP)]
pub struct Args {
    /// Address and port to listen on. Use 0.0.0.0:PORT to be reachable from other machines
    /// (then reach it by IP address, or name its DNS name with --allow-host).
    #[arg(long, env = "NOVITA_VIEWER_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The folder Trunk built (must contain index.html). It is read once at start-up.
    #[arg(long, env = "NOVITA_VIEWER_DIST", default_value = "dist")]
    pub dist: PathBuf,

    /// Where the API paths (/gpu-instance/openapi/..., /openapi/v1/metrics/...) are forwarded.
    /// No user name or password in it; plain http only to this machine (see
    /// --allow-plain-http-upstream).
    #[arg(long, env = "NOVITA_VIEWER_UPSTREAM", default_value = DEFAULT_UPSTREAM)]
    pub upstream: String,

    /// Allow a plain-http --upstream on another machine: the API keys would cross the network
    /// unencrypted, so say so only for a trusted network.
    #[arg(long, env = "NOVITA_VIEWER_ALLOW_PLAIN_HTTP_UPSTREAM", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub allow_plain_http_upstream: bool,

    /// A read-only deployment: every POST to the API paths (start, stop, restart, delete, and
    /// any other change) is refused with a JSON 403 without reaching Novita, and config.json
    /// tells the page to show no action controls.
    #[arg(long, env = "NOVITA_VIEWER_READ_ONLY", action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new())]
    pub read_only: bool,

    /// An origin (https://ops.example.com) whose pages may call the API paths and the log
    /// streams here (CORS). Repeatable, or comma-separated. None by default: only pages served
    /// by this server can use it.
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

    /// An origin besides this one the page may connect to (Content-Security-Policy
    /// connect-src). None by default: the API and the log streams both go through this server.
    /// Repeatable, or comma-separated; wildcards like https://*.example.com allowed.
    #[arg(
        long = "connect-src",
        env = "NOVITA_VIEWER_CONNECT_SRC",
        value_delimiter = ','
    )]
    pub connect_sources: Vec<String>,

    /// A DNS name under which instances' log streams are followed (/log-stream/https/HOST/...):
    /// HOST must be this name or end in "." and this name. Repeatable, or comma-separated.
    #[arg(
        long = "log-host-suffix",
        env = "NOVITA_VIEWER_LOG_HOST_SUFFIX",
        value_delimiter = ',',
        default_value = DEFAULT_LOG_HOST_SUFFIX
    )]
    pub log_host_suffixes: Vec<String>,

    /// Seconds an upstream call may take, answer included, before a 504; also the time a log
    /// host has to start answering.
    #[arg(long, env = "NOVITA_VIEWER_UPSTREAM_TIMEOUT", default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub upstream_timeout: u64,

    /// Upstream calls in flight at once (at most 1024); more wait a few seconds for a slot,
    /// then get a 503. Each holds its request and answer in memory until the answer is sent.
    #[arg(long, env = "NOVITA_VIEWER_MAX_CONCURRENT", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_concurrent: u64,

    /// Largest request body forwarded, in bytes (larger: 413). At most 16 MiB.
    #[arg(long, env = "NOVITA_VIEWER_MAX_REQUEST_BODY", default_value_t = 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..=16 * 1024 * 1024))]
    pub max_request_body: u64,

    /// Largest upstream answer passed back, in bytes (larger: 502). At most 64 MiB.
    #[arg(long, env = "NOVITA_VIEWER_MAX_RESPONSE_BODY", default_value_t = 8 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..=64 * 1024 * 1024))]
    pub max_response_body: u64,

    /// Client connections open at once; more wait to be accepted.
    #[arg(long, env = "NOVITA_VIEWER_MAX_CONNECTIONS", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=16_384))]
    pub max_connections: u64,

    /// Seconds a client has to send a request's headers; also the longest an idle kept-alive
    /// connection stays open.
    #[arg(long, env = "NOVITA_VIEWER_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_timeout: u64,

    /// Log streams open at once (more: 503).
    #[arg(long, env = "NOVITA_VIEWER_MAX_LOG_STREAMS", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub max_log_streams: u64,

    /// Seconds a log stream may carry nothing before it is ended (the page reconnects).
    #[arg(long, env = "NOVITA_VIEWER_LOG_IDLE_TIMEOUT", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub log_idle_timeout: u64,

    /// Bytes one log stream may carry before it is ended (the page reconnects).
    #[arg(long, env = "NOVITA_VIEWER_MAX_LOG_STREAM_BYTES", default_value_t = 64 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_log_stream_bytes: u64,

    /// On SIGTERM or Ctrl-C, seconds to let requests in flight finish before stopping anyway.
    #[arg(long, env = "NOVITA_VIEWER_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
}

impl Args {
    pub fn config(&self) -> Config {
        let size = |bytes: u64| usize::try_from(bytes).unwrap_or(usize::MAX);
        let mut config = Config::new(&self.dist, &self.upstream);
        config.allow_plain_http_upstream = self.allow_plain_http_upstream;
        config.read_only = self.read_only;
        config.allow_origins = self.allow_origins.clone();
        config.allow_hosts = self.allow_hosts.clone();
        config.connect_sources = self.connect_sources.clone();
        config.log_host_suffixes = self.log_host_suffixes.clone();
        config.upstream_timeout = Duration::from_secs(self.upstream_timeout);
        config.max_concurrent = size(self.max_concurrent);
        config.max_request_body = size(self.max_request_body);
        config.max_response_body = size(self.max_response_body);
        config.max_connections = size(self.max_connections);
        config.header_timeout = Duration::from_secs(self.header_timeout);
        config.max_log_streams = size(self.max_log_streams);
        config.log_idle_timeout = Duration::from_secs(self.log_idle_timeout);
        config.max_log_stream_bytes = self.max_log_stream_bytes;
        config.shutdown_timeout = Duration::from_secs(self.shutdown_timeout);
        config.log = LogSink::stderr();
        config
    }
}

/// `bytes` in MiB, rounded up, as the help and the README print it.
pub fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes.div_ceil(1024 * 1024))
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
            "--read-only",
            "--log-host-suffix",
            "logs.example.com,other.example",
        ])
        .expect("parse");
        assert_eq!(
            args.allow_origins,
            ["https://a.example", "https://b.example"]
        );
        let config = args.config();
        assert_eq!(config.upstream_timeout, Duration::from_secs(2));
        assert_eq!(config.upstream, "https://api.novita.ai");
        assert!(config.read_only);
        assert!(!config.allow_plain_http_upstream);
        assert_eq!(
            config.log_host_suffixes,
            ["logs.example.com", "other.example"]
        );
        assert!(
            config.connect_sources.is_empty(),
            "nothing extra by default"
        );
        assert!(Args::try_parse_from(["x", "--upstream-timeout", "0"]).is_err());

        let defaults = Args::try_parse_from(["x"]).expect("defaults").config();
        assert_eq!(defaults.log_host_suffixes, ["novita.ai"]);
        assert_eq!(defaults.header_timeout, Duration::from_secs(10));
    }

    #[test]
    fn max_concurrent_and_the_body_limits_are_capped() {
        assert!(Args::try_parse_from(["x", "--max-concurrent", "1024"]).is_ok());
        for (flag, too_many) in [
            ("--max-concurrent", "1025"),
            ("--max-concurrent", "100000"),
            ("--max-connections", "16385"),
            ("--max-request-body", "16777217"),
            ("--max-response-body", "67108865"),
            ("--max-log-streams", "1025"),
        ] {
            assert!(
                Args::try_parse_from(["x", flag, too_many]).is_err(),
                "{flag} {too_many}"
            );
        }
    }

    #[test]
    fn the_stated_worst_case_memory_is_the_computed_one() {
        let defaults = Args::try_parse_from(["x"]).expect("defaults").config();
        let figure = mib(defaults.worst_case_memory());
        assert_eq!(figure, "644 MiB");
        // Compared with line breaks as spaces: both texts are wrapped.
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let stated = format!("at most about {figure}");
        let help = words(&Args::command().render_long_help().to_string());
        assert!(help.contains(&stated), "{help}");
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .expect("README.md");
        assert!(
            words(&readme).contains(&stated),
            "the README states another worst case than {figure}"
        );
        // Each term as the help states it.
        let mut small = defaults.clone();
        small.max_connections = 1;
        small.max_concurrent = 1;
        small.max_log_streams = 1;
        small.max_request_body = 1024;
        small.max_response_body = 2048;
        assert_eq!(
            small.worst_case_memory(),
            192 * 1024 + (1024 + 2048 + 128 * 1024) + 384 * 1024
        );
    }

    #[test]
    fn boolean_flags_come_from_the_environment_too() {
        // The one test in this binary that touches the environment, and with names no other
        // test reads.
        std::env::set_var("NOVITA_VIEWER_READ_ONLY", "true");
        std::env::set_var("NOVITA_VIEWER_ALLOW_PLAIN_HTTP_UPSTREAM", "0");
        let args = Args::try_parse_from(["x"]).expect("parse");
        std::env::remove_var("NOVITA_VIEWER_READ_ONLY");
        std::env::remove_var("NOVITA_VIEWER_ALLOW_PLAIN_HTTP_UPSTREAM");
        assert!(args.read_only);
        assert!(!args.allow_plain_http_upstream);
    }
}
