//! Shared test helpers: a temporary dist folder, the server on a free loopback port, and a
//! small HTTP client (plus a raw one for requests a normal client refuses to send).

#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use novita_viewer_server::log::LogCapture;
use novita_viewer_server::{Config, LogSink, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Every test is bounded: nothing here waits longer than this.
pub const LIMIT: Duration = Duration::from_secs(15);

pub const INLINE_SCRIPT: &str =
    "import init from '/app-0123456789abcdef.js';init('/app-0123456789abcdef_bg.wasm');";

pub const WASM_NAME: &str = "/app-0123456789abcdef_bg.wasm";
pub const JS_NAME: &str = "/app-0123456789abcdef.js";
pub const CSS_NAME: &str = "/main-0123456789abcdef.css";

/// A dist folder like Trunk's, removed when dropped.
pub struct Dist {
    path: PathBuf,
}

impl Dist {
    pub fn new() -> Dist {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "novita-viewer-server-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create dist");
        let dist = Dist { path };
        dist.write("/index.html", index_html().as_bytes());
        dist.write(WASM_NAME, &wasm_bytes());
        dist.write(JS_NAME, js_text().as_bytes());
        dist.write(CSS_NAME, css_text().as_bytes());
        dist.write("/.stage/leftover.html", b"<p>staging</p>");
        dist
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn write(&self, name: &str, content: &[u8]) {
        let file = self.path.join(name.trim_start_matches('/'));
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(file, content).expect("write file");
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.path.join(name.trim_start_matches('/'))).expect("remove");
    }
}

impl Drop for Dist {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

pub fn index_html() -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />\n\
         <title>Novita instance viewer</title>\n<link rel=\"icon\" href=\"data:,\" />\n\
         <link rel=\"modulepreload\" href=\"{JS_NAME}\" crossorigin=\"anonymous\" />\n\
         <link rel=\"stylesheet\" href=\"{CSS_NAME}\" />\n\
         <script type=\"module\">{INLINE_SCRIPT}</script>\n</head>\n<body>\n\
         <noscript>This app needs JavaScript and WebAssembly enabled.</noscript>\n</body>\n</html>\n"
    )
}

pub fn wasm_bytes() -> Vec<u8> {
    let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    for i in 0..4000u32 {
        bytes.extend_from_slice(&(i % 97).to_le_bytes());
    }
    bytes
}

pub fn js_text() -> String {
    "export function greet(name) { return 'hello ' + name; }\n".repeat(40)
}

pub fn css_text() -> String {
    "body { margin: 0; font-family: system-ui, sans-serif; }\n".repeat(40)
}

/// The server running on 127.0.0.1:<free port>, its log captured; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub log: LogCapture,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// A config with the test defaults: the given dist and upstream, log captured later.
pub fn config(dist: &Dist, upstream: &str) -> Config {
    Config::new(dist.path(), upstream)
}

impl TestServer {
    pub async fn start(mut config: Config) -> TestServer {
        let (sink, log) = LogSink::capture();
        config.log = sink;
        let server = Server::new(config).expect("server config");
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(listener, async move {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            log,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("http://{}{path_and_query}", self.addr)
    }

    /// Triggers the shutdown without waiting for it.
    pub fn begin_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// Triggers the shutdown and waits (bounded) for the server to return.
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.begin_shutdown();
        let task = self.task.take().expect("task");
        tokio::time::timeout(LIMIT, task)
            .await
            .expect("server stopped in time")
            .expect("server task")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.begin_shutdown();
    }
}

/// An answer, fully read.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text()))
    }

    /// Asserts a refusal or failure in Novita's error shape with this status.
    pub fn assert_error(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        let json = self.json();
        assert_eq!(json["code"], status, "{json}");
        assert!(
            json["reason"].as_str().is_some_and(|r| !r.is_empty()),
            "{json}"
        );
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{json}"
        );
        assert!(json["metadata"].is_object(), "{json}");
        json
    }

    pub fn cors_headers(&self) -> Vec<String> {
        self.headers
            .keys()
            .map(|name| name.as_str().to_owned())
            .filter(|name| name.starts_with("access-control-"))
            .collect()
    }
}

/// Sends one request with a fresh connection and reads the whole answer.
pub async fn send(method: Method, url: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = Request::new(Full::new(Bytes::from(body.to_owned())));
    *request.method_mut() = method;
    *request.uri_mut() = url.parse().expect("url");
    for (name, value) in headers {
        request.headers_mut().append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    let exchange = async {
        let response = client.request(request).await.expect("request sent");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body read").to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    };
    tokio::time::timeout(LIMIT, exchange)
        .await
        .expect("answer in time")
}

pub async fn get(url: &str, headers: &[(&str, &str)]) -> Reply {
    send(Method::GET, url, headers, "").await
}

/// Writes `request` as raw bytes and returns the status code and the body (after the blank
/// line), for request targets no well-behaved client would send.
pub async fn raw(addr: SocketAddr, request: &str) -> (u16, String) {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write request");
        let mut answer = Vec::new();
        // The request says Connection: close, so the server closes after answering.
        let _ = stream.read_to_end(&mut answer).await;
        let text = String::from_utf8_lossy(&answer).into_owned();
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {text:?}"));
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default();
        (status, body)
    };
    tokio::time::timeout(LIMIT, exchange)
        .await
        .expect("raw answer in time")
}

/// The `"id"` of a fixture, as the API is asked for it.
pub fn fixture_id(name: &str) -> String {
    let value: serde_json::Value =
        serde_json::from_str(fake_novita::fixture(name).expect("fixture")).expect("fixture JSON");
    match &value["id"] {
        serde_json::Value::String(id) => id.clone(),
        other => other.to_string(),
    }
}

pub fn bearer() -> String {
    format!("Bearer {}", fake_novita::TEST_API_KEY)
}
