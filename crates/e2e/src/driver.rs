//! The WebDriver servers and the browser sessions they open: one fresh browser, with a
//! throw-away profile, per test.
//!
//! chromedriver holds many sessions at once, so one serves the whole test binary (the
//! benchmark uses it too, through [`driver_url`]). geckodriver holds one session at a time,
//! and each WebKitWebDriver is given one MiniBrowser at a time, so those engines get one
//! driver per browser slot, started when first needed and reused by later tests. WebKit's
//! MiniBrowser draws on an Xvfb display started once per test binary.
//!
//! Every process started here dies with the test binary however it ends: each is spawned
//! from a thread that never ends with `PR_SET_PDEATHSIG` (which fires when that *thread*
//! ends), in a process group of its own that an exit hook ends too, browsers included.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::engine::{geckodriver_path, Engine, WINDOW, XVFB};

/// How long a new browser session may take before the attempt counts as failed.
const SESSION_START_TIMEOUT: Duration = Duration::from_secs(90);
/// How long closing a session may take before its driver is ended instead.
const SESSION_CLOSE_TIMEOUT: Duration = Duration::from_secs(30);

// ---- processes that die with this one ---------------------------------------------------------

/// Process groups to end at exit: the drivers (with their browsers) and Xvfb.
static STARTED: [AtomicI32; 8] = [const { AtomicI32::new(0) }; 8];

fn remember_for_exit(pid: i32) {
    static HOOKED: OnceLock<()> = OnceLock::new();
    HOOKED.get_or_init(|| {
        // SAFETY: registering a plain `extern "C" fn` with no captured state.
        unsafe {
            libc::atexit(end_started_processes);
        }
    });
    for slot in &STARTED {
        if slot
            .compare_exchange(0, pid, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            return;
        }
    }
    // More than 8 at once means something respawns in a loop: the PDEATHSIG still ends it.
}

fn forget_for_exit(pid: i32) {
    for slot in &STARTED {
        let _ = slot.compare_exchange(pid, 0, Ordering::SeqCst, Ordering::SeqCst);
    }
}

extern "C" fn end_started_processes() {
    for slot in &STARTED {
        let pid = slot.swap(0, Ordering::SeqCst);
        if pid > 0 {
            // SAFETY: plain syscall; the negative pid names the process's own group.
            unsafe {
                libc::kill(-pid, libc::SIGTERM);
            }
        }
    }
}

/// Ends a process started by [`spawn_kept`], and its group.
fn end_process(pid: i32) {
    forget_for_exit(pid);
    // SAFETY: plain syscall on a process group this harness started.
    unsafe {
        libc::kill(-pid, libc::SIGTERM);
    }
}

/// Spawns `command` from a thread that never ends (see the module comment) and returns its
/// pid, and its stdout when `piped_stdout`.
fn spawn_kept(
    mut command: Command,
    piped_stdout: bool,
) -> Result<(i32, Option<ChildStdout>), String> {
    let name = command.get_program().to_string_lossy().into_owned();
    let (tx, rx) = mpsc::channel();
    let thread_name = format!("{name}-parent");
    let spawn_error = name.clone();
    std::thread::Builder::new()
        .name(thread_name)
        .spawn(move || {
            command
                .stdin(Stdio::null())
                .stdout(if piped_stdout {
                    Stdio::piped()
                } else {
                    Stdio::null()
                })
                .stderr(Stdio::null());
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(|| {
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
                    let _ = tx.send(Ok((pid, child.stdout.take())));
                    // Reap it if it ends early; otherwise keep this thread (its parent) alive.
                    let _ = child.wait();
                    loop {
                        std::thread::park();
                    }
                }
                Err(err) => {
                    let _ = tx.send(Err(format!("spawning {spawn_error}: {err}")));
                }
            }
        })
        .map_err(|err| format!("spawning the thread for {name}: {err}"))?;
    let (pid, stdout) = rx
        .recv()
        .map_err(|_| format!("the thread spawning {name} ended without a word"))??;
    remember_for_exit(pid);
    Ok((pid, stdout))
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

// ---- the display for WebKit -------------------------------------------------------------------

/// The X display MiniBrowser draws on (`:N`): an Xvfb of this test binary's own. Xvfb picks a
/// free display number itself (`-displayfd`), so runs side by side never collide.
fn display() -> &'static str {
    static DISPLAY: OnceLock<String> = OnceLock::new();
    DISPLAY.get_or_init(|| {
        let mut command = Command::new(XVFB);
        command.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            &format!("{}x{}x24", WINDOW.0 + 400, WINDOW.1 + 400),
            "-nolisten",
            "tcp",
        ]);
        let (pid, stdout) = spawn_kept(command, true)
            .unwrap_or_else(|err| panic!("starting Xvfb for WebKit's MiniBrowser: {err}"));
        let mut line = String::new();
        let read = stdout
            .map(|out| BufReader::new(out).read_line(&mut line))
            .and_then(Result::ok)
            .unwrap_or(0);
        let number = line.trim();
        if read == 0 || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            end_process(pid);
            panic!("Xvfb did not say which display it took (it printed {line:?})");
        }
        format!(":{number}")
    })
}

// ---- the drivers ------------------------------------------------------------------------------

/// A running WebDriver server.
struct DriverProcess {
    url: String,
    pid: i32,
}

fn start_driver(engine: Engine) -> DriverProcess {
    for (path, fix) in engine.required_files() {
        assert!(Path::new(&path).exists(), "{path} is missing: {fix}");
    }
    let binary = match engine {
        Engine::Firefox => geckodriver_path(),
        _ => engine.driver_binary().to_owned(),
    };
    let mut last_error = String::new();
    // A free port can be taken by someone else between our probe and the driver's bind.
    for _ in 0..3 {
        let port = free_port();
        let mut command = Command::new(&binary);
        command.args(engine.driver_args(port));
        if engine.needs_display() {
            command.env("DISPLAY", display());
        }
        match spawn_kept(command, false) {
            Ok((pid, _)) => {
                if wait_for_port(port, Duration::from_secs(15)) {
                    return DriverProcess {
                        url: format!("http://127.0.0.1:{port}"),
                        pid,
                    };
                }
                end_process(pid);
                last_error = format!("it did not listen on port {port} within 15 s");
            }
            Err(err) => last_error = err,
        }
    }
    panic!("could not start {binary}: {last_error}");
}

/// The running chromedriver's base URL, `http://127.0.0.1:PORT`, started on first use and
/// shared by every Chromium session of this process (the benchmark's too).
pub fn driver_url() -> &'static str {
    static SHARED: OnceLock<DriverProcess> = OnceLock::new();
    &SHARED.get_or_init(|| start_driver(Engine::Chromium)).url
}

/// Drivers of the one-session-at-a-time engines, idle between tests.
static IDLE: Mutex<Vec<DriverProcess>> = Mutex::new(Vec::new());

fn take_driver(engine: Engine) -> Option<DriverProcess> {
    if engine.driver_shared() {
        return None;
    }
    let idle = IDLE.lock().unwrap_or_else(PoisonError::into_inner).pop();
    Some(idle.unwrap_or_else(|| start_driver(engine)))
}

// ---- sessions ---------------------------------------------------------------------------------

/// One browser with its own throw-away profile.
pub struct Browser {
    pub client: Client,
    pub engine: Engine,
    profile: PathBuf,
    /// The driver this session has to itself (none for Chromium's shared chromedriver).
    driver: Option<DriverProcess>,
}

impl Browser {
    pub async fn start(engine: Engine) -> Browser {
        let profile = fresh_profile_dir(engine);
        let caps = engine.capabilities(&profile);
        let mut driver = take_driver(engine);
        let mut last_error = String::new();
        // A browser occasionally fails to come up on a loaded 2-core machine; once more is
        // fair, with a fresh driver for the engines that have one each.
        for attempt in 0..2 {
            if attempt > 0 {
                if let Some(old) = driver.take() {
                    end_process(old.pid);
                    driver = Some(start_driver(engine));
                }
            }
            let url = driver
                .as_ref()
                .map_or_else(|| driver_url().to_owned(), |d| d.url.clone());
            // A driver can also hang on a new session (seen with WebKitWebDriver when its
            // MiniBrowser never came up): bounded, it counts as a failed attempt.
            let mut builder = ClientBuilder::new(HttpConnector::new());
            let connecting = builder.capabilities(caps.clone()).connect(&url);
            match tokio::time::timeout(SESSION_START_TIMEOUT, connecting).await {
                Ok(Ok(client)) => {
                    let browser = Browser {
                        client,
                        engine,
                        profile,
                        driver,
                    };
                    if engine != Engine::Chromium {
                        // Chromium takes its size from a flag; the others from WebDriver.
                        if let Err(err) = browser.client.set_window_size(WINDOW.0, WINDOW.1).await {
                            eprintln!("e2e: sizing the {engine} window failed: {err}");
                        }
                    }
                    return browser;
                }
                Ok(Err(err)) => last_error = format!("{err} (through {url})"),
                Err(_) => {
                    last_error = format!(
                        "no session within {} s (through {url})",
                        SESSION_START_TIMEOUT.as_secs()
                    )
                }
            }
        }
        if let Some(driver) = driver {
            end_process(driver.pid);
        }
        let _ = std::fs::remove_dir_all(&profile);
        panic!("could not open a {engine} session: {last_error}");
    }

    /// Ends the session (the browser quits), removes the profile and hands the driver on.
    pub async fn close(self) {
        // Bounded like the start: a hung driver is ended below rather than waited on forever.
        let closed = match tokio::time::timeout(SESSION_CLOSE_TIMEOUT, self.client.close()).await {
            Ok(closed) => closed.map_err(|err| err.to_string()),
            Err(_) => Err(format!(
                "no answer within {} s",
                SESSION_CLOSE_TIMEOUT.as_secs()
            )),
        };
        let _ = std::fs::remove_dir_all(&self.profile);
        if let Some(driver) = self.driver {
            match closed {
                Ok(()) => IDLE
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(driver),
                // A driver that failed to close its session is not trusted with another.
                Err(_) => end_process(driver.pid),
            }
        }
        if let Err(err) = closed {
            eprintln!("e2e: closing the {} session failed: {err}", self.engine);
        }
    }
}

fn fresh_profile_dir(engine: Engine) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("e2e-{engine}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|err| panic!("creating the profile dir {}: {err}", dir.display()));
    dir
}
