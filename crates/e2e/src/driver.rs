//! chromedriver, started once per test binary and shared by every test in it, and one fresh
//! headless Chromium session per test.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The chromedriver process id (also its process group id), for the exit hook.
static DRIVER_PID: AtomicI32 = AtomicI32::new(0);

/// The running chromedriver's base URL, `http://127.0.0.1:PORT`.
pub fn driver_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(start_chromedriver)
}

fn start_chromedriver() -> String {
    for path in [CHROMEDRIVER, CHROMIUM] {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: run scripts/setup.sh (it installs chromium and chromium-driver)"
        );
    }
    let mut last_error = String::new();
    // A free port can be taken by someone else between our probe and chromedriver's bind.
    for _ in 0..3 {
        let port = free_port();
        match spawn_in_keeper_thread(port) {
            Ok(pid) => {
                DRIVER_PID.store(pid, Ordering::SeqCst);
                // SAFETY: registering a plain `extern "C" fn` with no captured state.
                unsafe {
                    libc::atexit(kill_chromedriver_at_exit);
                }
                if wait_for_port(port, Duration::from_secs(15)) {
                    return format!("http://127.0.0.1:{port}");
                }
                kill_chromedriver_at_exit();
                last_error = format!("chromedriver did not listen on port {port} within 15 s");
            }
            Err(err) => last_error = err,
        }
    }
    panic!("could not start {CHROMEDRIVER}: {last_error}");
}

/// `PR_SET_PDEATHSIG` fires when the *thread* that forked the child ends, not the process. So
/// chromedriver is spawned from a thread that never ends: it then dies exactly when this test
/// process does, however the process ends (even SIGKILL), and no test thread's end can kill it.
fn spawn_in_keeper_thread(port: u16) -> Result<i32, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("chromedriver-parent".into())
        .spawn(move || {
            let mut command = Command::new(CHROMEDRIVER);
            command
                .arg(format!("--port={port}"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(|| {
                    // Its own process group, so the exit hook can end it with any browser
                    // it still has open.
                    libc::setpgid(0, 0);
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                    // The parent may already be gone between fork and prctl.
                    if libc::getppid() == 1 {
                        libc::_exit(1);
                    }
                    Ok(())
                });
            }
            match command.spawn() {
                Ok(mut child) => {
                    let pid = child.id() as i32;
                    let _ = tx.send(Ok(pid));
                    // Reap it if it ends early; otherwise keep this thread (its parent) alive.
                    let _ = child.wait();
                    loop {
                        std::thread::park();
                    }
                }
                Err(err) => {
                    let _ = tx.send(Err(format!("spawning {CHROMEDRIVER}: {err}")));
                }
            }
        })
        .map_err(|err| format!("spawning the chromedriver thread: {err}"))?;
    rx.recv()
        .map_err(|_| "the chromedriver thread ended without a word".to_string())?
}

extern "C" fn kill_chromedriver_at_exit() {
    let pid = DRIVER_PID.swap(0, Ordering::SeqCst);
    if pid > 0 {
        // SAFETY: plain syscall; the negative pid names chromedriver's own process group.
        unsafe {
            libc::kill(-pid, libc::SIGTERM);
        }
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding 127.0.0.1:0 to find a free port")
}

fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// The capabilities of a headless Chromium on these machines: the flags it needs to start as
/// root with no GPU and to stay off the network (without them it tries outside hosts and is
/// refused), a fresh `profile`, and any `extra` flags a caller needs (the benchmark's).
pub fn chromium_capabilities(profile: &Path, extra: &[&str]) -> Capabilities {
    let mut args: Vec<String> = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ]
    .iter()
    .chain(extra)
    .map(|a| a.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let mut caps = Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("pageLoadStrategy".into(), json!("normal"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "binary": CHROMIUM, "args": args }),
    );
    caps
}

/// One headless Chromium with its own throw-away profile.
pub struct Browser {
    pub client: Client,
    profile: PathBuf,
}

impl Browser {
    pub async fn start() -> Browser {
        let url = driver_url();
        let profile = fresh_profile_dir();
        let mut caps = chromium_capabilities(&profile, &[]);
        // Keeps the page's console, so tests can check the key never reaches a log line.
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let mut last_error = String::new();
        // Chromium occasionally fails to come up on a loaded 2-core machine; once more is fair.
        for _ in 0..2 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(url)
                .await
            {
                Ok(client) => return Browser { client, profile },
                Err(err) => last_error = err.to_string(),
            }
        }
        let _ = std::fs::remove_dir_all(&profile);
        panic!("could not open a Chromium session through chromedriver at {url}: {last_error}");
    }

    /// Ends the session (Chromium quits) and removes the profile.
    pub async fn close(self) {
        if let Err(err) = self.client.close().await {
            eprintln!("e2e: closing the browser session failed: {err}");
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn fresh_profile_dir() -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("e2e-chromium-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|err| panic!("creating the profile dir {}: {err}", dir.display()));
    dir
}

/// A chromedriver endpoint under the session that fantoccini has no method for.
#[derive(Debug)]
pub struct SessionCommand {
    pub method: http::Method,
    /// Relative to `/session/{id}/`.
    pub path: &'static str,
    pub body: Option<Value>,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(ToString::to_string),
        )
    }
}
