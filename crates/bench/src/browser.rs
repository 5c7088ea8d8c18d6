//! chromedriver (started once, dies with this process) and headless Chromium sessions with a
//! throw-away profile each. chromedriver is the browser tests' own (`e2e::driver_url`); the
//! sessions add what the
//! measures need: precise `performance.memory`, `window.gc()`, and DevTools commands through
//! chromedriver's `goog/cdp/execute` endpoint.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::Result;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The longest one in-page script may run (the soak's batches and the log burst are the long
/// ones); past it the measure fails rather than hangs.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

/// A running chromedriver.
pub struct Driver {
    url: String,
}

impl Driver {
    pub fn start() -> Result<Driver> {
        for path in [CHROMEDRIVER, CHROMIUM] {
            if !Path::new(path).exists() {
                return Err(format!(
                    "{path} is missing: run scripts/setup.sh (it installs chromium and chromium-driver)"
                ));
            }
        }
        // The browser tests' chromedriver: started once, and it dies with this process.
        Ok(Driver {
            url: e2e::driver_url().to_string(),
        })
    }

    /// A fresh headless Chromium with its own empty profile.
    pub async fn browser(&self) -> Result<Browser> {
        let profile = fresh_profile_dir()?;
        let caps = e2e::chromium_capabilities(
            &profile,
            &[
                // Timers and frames at full speed even though no window is ever in front.
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                // Exact `performance.memory` figures (not bucketed) and `window.gc()`, for the soak.
                "--enable-precise-memory-info",
                "--js-flags=--expose-gc",
            ],
        );
        let mut last_error = String::new();
        // Chromium occasionally fails to come up on a loaded 2-core machine; once more is fair.
        for _ in 0..2 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&self.url)
                .await
            {
                Ok(client) => {
                    let browser = Browser { client, profile };
                    let timeouts = TimeoutConfiguration::new(
                        Some(SCRIPT_TIMEOUT),
                        Some(Duration::from_secs(60)),
                        Some(Duration::ZERO),
                    );
                    if let Err(err) = browser.client.update_timeouts(timeouts).await {
                        browser.close().await;
                        return Err(format!("setting the script timeout failed: {err}"));
                    }
                    return Ok(browser);
                }
                Err(err) => last_error = err.to_string(),
            }
        }
        let _ = std::fs::remove_dir_all(&profile);
        Err(format!(
            "could not open a Chromium session through chromedriver at {}: {last_error}",
            self.url
        ))
    }
}

fn fresh_profile_dir() -> Result<PathBuf> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("bench-chromium-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)
        .map_err(|err| format!("creating the profile dir {}: {err}", dir.display()))?;
    Ok(dir)
}

/// One Chromium session.
pub struct Browser {
    client: Client,
    profile: PathBuf,
}

impl Browser {
    /// Ends the session (Chromium quits) and removes the profile.
    pub async fn close(self) {
        if let Err(err) = self.client.close().await {
            eprintln!("bench: closing the browser session failed: {err}");
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }

    pub async fn goto(&self, url: &str) -> Result<()> {
        self.client
            .goto(url)
            .await
            .map_err(|err| format!("navigating to {url} failed: {err}"))
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns what it returns.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        self.client
            .execute(script, args)
            .await
            .map_err(|err| format!("script failed: {err}\n  script: {}", first_line(script)))
    }

    /// Runs `script` as a promise: its value is what `run` gives back. `script` is the body of
    /// an `async` function, with `args` as `arguments`; a rejection or throw comes back as an
    /// error naming the message.
    pub async fn run(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        let wrapped = format!(
            "const done = arguments[arguments.length - 1];\n\
             const body = async function () {{\n{script}\n}};\n\
             body.apply(null, Array.prototype.slice.call(arguments, 0, -1)).then(\n\
               v => done({{ ok: v === undefined ? null : v }}),\n\
               e => done({{ error: String(e && e.stack || e) }}));"
        );
        let answer = self
            .client
            .execute_async(&wrapped, args)
            .await
            .map_err(|err| format!("script failed: {err}\n  script: {}", first_line(script)))?;
        match answer.get("error").and_then(Value::as_str) {
            Some(message) => Err(format!(
                "in-page script threw: {message}\n  script: {}",
                first_line(script)
            )),
            None => Ok(answer.get("ok").cloned().unwrap_or(Value::Null)),
        }
    }

    /// A DevTools protocol command on the current page's target.
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Result<Value> {
        let command = SessionCommand {
            path: "goog/cdp/execute",
            body: json!({ "cmd": cmd, "params": params }),
        };
        self.client
            .issue_cmd(command)
            .await
            .map_err(|err| format!("DevTools command {cmd} failed: {err}"))
    }

    /// Every request of this page goes to the network, as on a first visit (the HTTP cache,
    /// and with it V8's cached compiled wasm, is bypassed).
    pub async fn disable_cache(&self) -> Result<()> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
            .await?;
        Ok(())
    }
}

/// The first line of what the script does (after the shared helpers), to name it in errors.
fn first_line(script: &str) -> &str {
    script
        .strip_prefix(crate::page::PRELUDE)
        .unwrap_or(script)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// A chromedriver endpoint under the session that fantoccini has no method for (POST).
#[derive(Debug)]
struct SessionCommand {
    /// Relative to `/session/{id}/`.
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> std::result::Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}
