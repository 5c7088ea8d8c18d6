//! Browser tests for the Novita instance viewer: the release build in `dist/`, served on
//! loopback, driven in headless Chromium through chromedriver, talking cross-origin (CORS) to
//! the local API stand-in (`fake-novita`).
//!
//! Each test calls [`run`]: it takes one of a few browser slots, starts a fresh stand-in and a
//! static server for `dist/` (with the `/config.json` the test asked for), opens a new Chromium
//! session with a throw-away profile, runs the test body, and closes the session whatever the
//! body did (a failed assertion included) before reporting the failure.
//!
//! Bodies assert through the `data-testid` hooks of `shared/CONTRACT.md`, using the helpers on
//! [`Session`], whose failures say which hook, what was expected, and what the page showed.

mod driver;
mod page;
mod site;

use std::future::Future;
use std::panic::{resume_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use fantoccini::Client;
use futures_util::FutureExt;
use tokio::sync::Semaphore;

pub use driver::{chromium_capabilities, driver_url, free_port};
pub use fake_novita::{FakeNovita, RecordedRequest, INSTANCE_PATH, TEST_API_KEY};
pub use site::{closed_port_base, dist_dir, ConfigJson, Site};

/// How many Chromium sessions may run at once in one test binary. The machine has two cores;
/// more browsers than that only make every test slower and the timing-based ones flaky.
const BROWSER_SLOTS: usize = 2;
static SLOTS: Semaphore = Semaphore::const_new(BROWSER_SLOTS);

/// A test that has not finished in this long is stuck, not slow.
const TEST_TIMEOUT: Duration = Duration::from_secs(150);

/// What a test needs set up before the browser opens.
#[derive(Clone, Debug)]
pub struct Setup {
    pub config: ConfigJson,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            config: ConfigJson::PointAtFake,
        }
    }
}

impl Setup {
    pub fn with_config(config: ConfigJson) -> Setup {
        Setup { config }
    }
}

/// Everything one test drives: the browser, the stand-in, the static server.
#[derive(Clone)]
pub struct Session {
    pub client: Client,
    pub api: Arc<FakeNovita>,
    pub site: Arc<Site>,
    /// The API base config.json sets, when it sets one the app should end up using.
    pub expected_base: Option<String>,
}

/// Runs one browser test. The session is closed (and the servers stopped) whether the body
/// returns or panics; a panic is then passed on, so the test fails with its message.
pub async fn run<F, Fut>(setup: Setup, body: F)
where
    F: FnOnce(Session) -> Fut,
    Fut: Future<Output = ()>,
{
    // Checked before anything starts, so a missing build fails with the one message that helps.
    site::dist_dir();
    let _slot = SLOTS
        .acquire()
        .await
        .expect("the browser slots are never closed");
    let api = Arc::new(site::start_fake().await);
    let expected_base = match &setup.config {
        ConfigJson::PointAtFake => Some(api.base_url()),
        ConfigJson::Missing => None,
        ConfigJson::Raw(text) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| v.get("apiBase")?.as_str().map(str::to_owned)),
    };
    let site = Arc::new(Site::start(setup.config, &api.base_url()).await);
    let browser = driver::Browser::start().await;
    let session = Session {
        client: browser.client.clone(),
        api,
        site,
        expected_base,
    };
    let outcome = AssertUnwindSafe(tokio::time::timeout(TEST_TIMEOUT, body(session)))
        .catch_unwind()
        .await;
    browser.close().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(_)) => panic!(
            "the test did not finish within {} s (stuck waiting on the browser or a server?)",
            TEST_TIMEOUT.as_secs()
        ),
        Err(panic) => resume_unwind(panic),
    }
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
