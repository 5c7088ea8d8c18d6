//! Browser tests for the Novita instance viewer: the release build in `dist/`, served on
//! loopback by the bundled server (its real Content-Security-Policy, the API forwarded to the
//! local stand-in `fake-novita`) or by a plain static host under a sub-path, and driven in
//! Chromium, Firefox or WebKit (`E2E_BROWSER`, see [`engine`]) through WebDriver.
//!
//! Each test calls [`run`]: it takes one of a few browser slots, starts a fresh stand-in and a
//! site for the app (with the `/config.json` the test asked for), opens a new browser session
//! with a throw-away profile, runs the test body, and fails the test if any page reported a
//! Content-Security-Policy violation (the harness's probe listens for them from the first
//! script on, see `site`). The session is closed whatever the body did (a failed assertion
//! included) before the failure is reported.
//!
//! Bodies assert through the `data-testid` hooks of `shared/CONTRACT.md`, using the helpers on
//! [`Session`], whose failures say which hook, what was expected, and what the page showed.

mod driver;
pub mod engine;
mod page;
mod site;

use std::any::Any;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use fantoccini::Client;
use futures_util::FutureExt;
use serde_json::Value;
use tokio::sync::Semaphore;

pub use driver::{driver_url, free_port};
pub use engine::{chromium_capabilities, Engine, Feature};
pub use fake_novita::{FakeNovita, RecordedRequest, INSTANCE_PATH, TEST_API_KEY};
pub use site::{
    closed_port_base, dist_dir, ConfigJson, Host, Report, Site, CONFIG_CUT_OFF, CONFIG_LATE,
};

/// How many browser sessions may run at once in one test binary. The machine has two cores;
/// more browsers than that only make every test slower and the timing-based ones flaky.
const BROWSER_SLOTS: usize = 2;
static SLOTS: Semaphore = Semaphore::const_new(BROWSER_SLOTS);

/// A test that has not finished in this long is stuck, not slow.
const TEST_TIMEOUT: Duration = Duration::from_secs(150);

/// What a test needs set up before the browser opens.
#[derive(Clone, Debug)]
pub struct Setup {
    pub config: ConfigJson,
    pub host: Host,
    /// The deployment allows the page to connect to the stand-in's origin directly.
    pub allow_stand_in: bool,
    /// The bundled server runs with `--read-only`.
    pub read_only_server: bool,
}

impl Default for Setup {
    /// The bundled server with its own config.json: the API on the page's own origin.
    fn default() -> Self {
        Setup {
            config: ConfigJson::HostDefault,
            host: Host::Bundled,
            allow_stand_in: false,
            read_only_server: false,
        }
    }
}

impl Setup {
    /// The bundled server, with this config.json instead of its own.
    pub fn with_config(config: ConfigJson) -> Setup {
        Setup {
            config,
            host: Host::Bundled,
            allow_stand_in: false,
            read_only_server: false,
        }
    }

    /// A plain static host serving dist/ under `path` (`/some/sub/path/`), with a config.json
    /// there naming the stand-in as the API base (a static host cannot forward the API).
    pub fn static_host_at(path: &str) -> Setup {
        Setup {
            config: ConfigJson::CrossOriginFake,
            host: Host::StaticAt(path.to_owned()),
            allow_stand_in: false,
            read_only_server: false,
        }
    }
}

/// Everything one test drives: the browser, the stand-in, the site.
#[derive(Clone)]
pub struct Session {
    pub client: Client,
    pub engine: Engine,
    pub api: Arc<FakeNovita>,
    pub site: Arc<Site>,
    /// The API base config.json sets, when it sets one the app should end up using
    /// (`""`: the page's own origin).
    pub expected_base: Option<String>,
}

/// Runs one browser test in the engine of this run ([`Engine::current`]). The session is
/// closed (and the servers stopped) whether the body returns or panics; a panic is then
/// passed on, so the test fails with its message, and so is any CSP violation a page
/// reported.
pub async fn run<F, Fut>(setup: Setup, body: F)
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = ()>,
{
    let engine = Engine::current();
    match AssertUnwindSafe(run_once(setup.clone(), &body))
        .catch_unwind()
        .await
    {
        Ok(()) => {}
        // WebKitGTK's MiniBrowser now and then loses its page to about:blank mid-test (its web
        // process gone: seen in about one logs-suite run in four on this machine, at a step
        // where the app was already up, never in Chromium or Firefox). That is the browser
        // failing, not the app: such a test runs once more, in a fresh browser, and says so.
        // Any other failure, and a second loss, fails the test.
        Err(panic) if engine == Engine::Webkit && panic_message(&panic).contains(LOST_PAGE) => {
            eprintln!(
                "e2e [{engine}] {}: the browser lost its page (about:blank); running it once more in a fresh browser",
                std::thread::current().name().unwrap_or("a test")
            );
            run_once(setup, &body).await;
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// How a failure reads when the page was gone from the browser (see [`page`]'s failure text).
const LOST_PAGE: &str = "\n  at: about:blank\n";

async fn run_once<F, Fut>(setup: Setup, body: &F)
where
    F: Fn(Session) -> Fut,
    Fut: Future<Output = ()>,
{
    // Checked before anything starts, so a missing build fails with the one message that helps.
    site::dist_dir();
    let engine = Engine::current();
    let _slot = SLOTS
        .acquire()
        .await
        .expect("the browser slots are never closed");
    let api = Arc::new(site::start_fake().await);
    let expected_base = setup.config.expected_base(&api.base_url());
    let site = Arc::new(
        Site::start(
            setup.host,
            setup.config,
            &api.base_url(),
            setup.allow_stand_in,
            setup.read_only_server,
        )
        .await,
    );
    let browser = driver::Browser::start(engine).await;
    let session = Session {
        client: browser.client.clone(),
        engine,
        api,
        site,
        expected_base,
    };
    let outcome = AssertUnwindSafe(tokio::time::timeout(TEST_TIMEOUT, body(session.clone())))
        .catch_unwind()
        .await;
    // Bounded: after a body that timed out, the browser itself may be what hangs.
    let violations = tokio::time::timeout(Duration::from_secs(30), session.csp_violations())
        .await
        .unwrap_or_else(|_| Err("the page's CSP record could not be read within 30 s".into()));
    browser.close().await;
    let violations = match violations {
        Ok(list) if list.is_empty() => None,
        Ok(list) => Some(describe_violations(engine, &list)),
        Err(problem) => Some(problem),
    };
    match (outcome, violations) {
        (Ok(Ok(())), None) => {}
        (Ok(Ok(())), Some(violations)) => panic!("{violations}"),
        (Ok(Err(_)), violations) => panic!(
            "the test did not finish within {} s (stuck waiting on the browser or a server?){}",
            TEST_TIMEOUT.as_secs(),
            violations.map(|v| format!("\n\n{v}")).unwrap_or_default()
        ),
        (Err(panic), None) => std::panic::resume_unwind(panic),
        (Err(panic), Some(violations)) => {
            panic!("{}\n\nand besides: {violations}", panic_message(&panic))
        }
    }
}

fn panic_message(panic: &Box<dyn Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the test panicked".into())
}

/// One line per distinct violation: directive, what was blocked, where, how often.
fn describe_violations(engine: Engine, violations: &[Report]) -> String {
    let mut distinct: BTreeMap<String, usize> = BTreeMap::new();
    for report in violations {
        let v = &report.0;
        let text = |key: &str| match &v[key] {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => "-".into(),
        };
        let line = format!(
            "{} blocked {} (at {}:{}; sample {:?})",
            text("directive"),
            text("blockedURI"),
            text("sourceFile"),
            text("line"),
            text("sample"),
        );
        *distinct.entry(line).or_default() += 1;
    }
    let lines: Vec<String> = distinct
        .into_iter()
        .map(|(line, n)| {
            format!(
                "  - {line}{}",
                if n > 1 {
                    format!(" x{n}")
                } else {
                    String::new()
                }
            )
        })
        .collect();
    format!(
        "{} Content-Security-Policy violation(s) reported in {engine}; the app must run under the \
         bundled server's policy with none:\n{}",
        violations.len(),
        lines.join("\n")
    )
}

/// Asserts inside a test body; on failure the message ends with an excerpt of the page's text.
///
/// `check!(t, cond, "format", args...)`
#[macro_export]
macro_rules! check {
    ($t:expr, $cond:expr, $($msg:tt)+) => {
        if !$cond {
            let message = format!($($msg)+);
            panic!("{}", $t.with_page(&message).await);
        }
    };
}
