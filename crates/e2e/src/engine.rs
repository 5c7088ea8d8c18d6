//! The three browser engines the tests run in, chosen per test run by `E2E_BROWSER`
//! (`chromium`, the default, `firefox` or `webkit`), and the one list of what an engine lacks
//! that a test would otherwise check.
//!
//! Each engine is its Debian browser driven through its own WebDriver server: Chromium through
//! chromedriver, Firefox ESR through geckodriver (from crates.io), and WebKitGTK's MiniBrowser
//! through WebKitWebDriver. MiniBrowser has no headless mode, so it runs on an Xvfb display
//! the harness starts (see `driver`). `scripts/setup.sh` installs all of them.

use std::fmt;
use std::io::Write;
use std::path::Path;

use fantoccini::wd::Capabilities;
use serde_json::json;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
pub const WEBKIT_DRIVER: &str = "/usr/bin/WebKitWebDriver";
pub const WEBKIT_MINIBROWSER: &str = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
pub const XVFB: &str = "/usr/bin/Xvfb";

/// The window every test runs in, in CSS pixels.
pub const WINDOW: (u32, u32) = (1280, 900);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    Webkit,
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::Webkit => "webkit",
        })
    }
}

/// Something a test checks that not every engine has. Each has a reason, said by name in
/// the run's output wherever a check is left out (see [`Engine::lacks`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// `PerformanceObserver` entries of type `longtask` (the Long Tasks API).
    LongTasks,
}

impl Engine {
    /// The engine of this test run: `$E2E_BROWSER`, or Chromium when it is unset.
    pub fn current() -> Engine {
        match std::env::var("E2E_BROWSER").as_deref() {
            Err(_) | Ok("") | Ok("chromium") => Engine::Chromium,
            Ok("firefox") => Engine::Firefox,
            Ok("webkit") => Engine::Webkit,
            Ok(other) => panic!("E2E_BROWSER={other:?}: expected chromium, firefox or webkit"),
        }
    }

    /// Why this engine cannot take part in a check, or `None` when it can.
    pub fn lacks(self, feature: Feature) -> Option<&'static str> {
        match (feature, self) {
            (Feature::LongTasks, Engine::Chromium) => None,
            (Feature::LongTasks, Engine::Firefox | Engine::Webkit) => Some(
                "it has no Long Tasks API (PerformanceObserver 'longtask' entries are Chromium's)",
            ),
        }
    }

    /// Whether a check needing `feature` can run here. When it cannot, says so on the test
    /// run's own stderr (not captured by the test runner, so it shows in every run).
    pub fn check_supported(self, feature: Feature, check: &str) -> bool {
        match self.lacks(feature) {
            None => true,
            Some(reason) => {
                let test = std::thread::current().name().unwrap_or("a test").to_owned();
                let _ = writeln!(
                    std::io::stderr(),
                    "e2e [{self}] {test}: not checked here: {check}, because {reason}"
                );
                false
            }
        }
    }

    /// The WebDriver server's binary.
    pub fn driver_binary(self) -> &'static str {
        match self {
            Engine::Chromium => CHROMEDRIVER,
            Engine::Firefox => "geckodriver",
            Engine::Webkit => WEBKIT_DRIVER,
        }
    }

    /// The WebDriver server's arguments to listen on loopback `port`.
    pub fn driver_args(self, port: u16) -> Vec<String> {
        match self {
            Engine::Chromium => vec![format!("--port={port}")],
            Engine::Firefox => vec![
                "--host".into(),
                "127.0.0.1".into(),
                "--port".into(),
                port.to_string(),
                // Two geckodrivers run side by side: each lets Firefox pick its own ports.
                "--marionette-port".into(),
                "0".into(),
                "--websocket-port".into(),
                "0".into(),
                "--log".into(),
                "fatal".into(),
            ],
            Engine::Webkit => vec![format!("--port={port}"), "--host=127.0.0.1".into()],
        }
    }

    /// Whether the driver can hold more than one session at once. geckodriver cannot, and
    /// WebKitWebDriver is given one MiniBrowser at a time too, so those get one driver per
    /// browser slot.
    pub fn driver_shared(self) -> bool {
        self == Engine::Chromium
    }

    /// Whether the browser needs an X display (MiniBrowser has no headless mode).
    pub fn needs_display(self) -> bool {
        self == Engine::Webkit
    }

    /// Paths that must exist for this engine, with what installs them.
    pub fn required_files(self) -> Vec<(String, &'static str)> {
        let setup = "run scripts/setup.sh (it installs every engine the tests use)";
        match self {
            Engine::Chromium => vec![(CHROMEDRIVER.into(), setup), (CHROMIUM.into(), setup)],
            Engine::Firefox => vec![(FIREFOX.into(), setup), (geckodriver_path(), setup)],
            Engine::Webkit => vec![
                (WEBKIT_DRIVER.into(), setup),
                (WEBKIT_MINIBROWSER.into(), setup),
                (XVFB.into(), setup),
            ],
        }
    }

    /// The capabilities of a new session: the browser, its flags, and a fresh `profile` where
    /// the engine lets the harness choose one (geckodriver and WebKitWebDriver make their own
    /// throw-away profile for every session).
    pub fn capabilities(self, profile: &Path) -> Capabilities {
        let mut caps = Capabilities::new();
        caps.insert("pageLoadStrategy".into(), json!("normal"));
        match self {
            Engine::Chromium => return chromium_capabilities(profile, &[]),
            Engine::Firefox => {
                caps.insert("browserName".into(), json!("firefox"));
                caps.insert(
                    "moz:firefoxOptions".into(),
                    json!({
                        "binary": FIREFOX,
                        "args": ["-headless", format!("--width={}", WINDOW.0), format!("--height={}", WINDOW.1)],
                        // Off the network: no update, telemetry, safe-browsing or captive-portal
                        // checks (the machines reach nothing outside, and each try would wait).
                        "prefs": {
                            "app.update.enabled": false,
                            "browser.safebrowsing.malware.enabled": false,
                            "browser.safebrowsing.phishing.enabled": false,
                            "network.captive-portal-service.enabled": false,
                            "network.connectivity-service.enabled": false,
                            "datareporting.policy.dataSubmissionEnabled": false,
                            "toolkit.telemetry.enabled": false,
                            "browser.shell.checkDefaultBrowser": false,
                        },
                    }),
                );
            }
            Engine::Webkit => {
                caps.insert("browserName".into(), json!("MiniBrowser"));
                caps.insert(
                    "webkitgtk:browserOptions".into(),
                    json!({ "binary": WEBKIT_MINIBROWSER, "args": ["--automation"] }),
                );
            }
        }
        caps
    }
}

/// Where `cargo install geckodriver` puts it.
pub fn geckodriver_path() -> String {
    let home = std::env::var("CARGO_HOME")
        .ok()
        .or_else(|| std::env::var("HOME").ok().map(|h| format!("{h}/.cargo")))
        .unwrap_or_else(|| "/root/.cargo".into());
    format!("{home}/bin/geckodriver")
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
    ]
    .iter()
    .chain(extra)
    .map(|a| a.to_string())
    .collect();
    args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
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
