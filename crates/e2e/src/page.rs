//! Helpers a test body drives the page with. Every wait polls until a deadline; every failure
//! names the hook, what was expected, and ends with what the page was showing.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::error::{CmdError, ErrorStatus};
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::{RecordedRequest, Report, Session, INSTANCE_PATH, TEST_API_KEY};

/// How long a hook may take to appear before the test fails.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);
const EXCERPT_CHARS: usize = 1500;

/// `[data-testid="name"]`.
pub fn hook(testid: &str) -> String {
    format!("[data-testid=\"{testid}\"]")
}

fn is_missing(err: &CmdError) -> bool {
    matches!(err, CmdError::Standard(e) if matches!(
        e.error,
        ErrorStatus::NoSuchElement | ErrorStatus::StaleElementReference
    ))
}

impl Session {
    // ---- reporting -------------------------------------------------------------------------

    /// `message`, then the current URL and an excerpt of the page's visible text.
    pub async fn with_page(&self, message: &str) -> String {
        let url = self
            .client
            .current_url()
            .await
            .map_or_else(|e| format!("(no URL: {e})"), |u| u.to_string());
        let text = self
            .client
            .execute(
                "return (document.body ? document.body.innerText : '').replace(/\\s+/g, ' ').trim();",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "(could not read the page)".into());
        let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
        if text.chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        // Failure output must not carry the key either.
        let scrub = |s: String| s.replace(TEST_API_KEY, "<the key>");
        format!(
            "{message}\n  at: {}\n  page text: {}",
            scrub(url),
            scrub(excerpt)
        )
    }

    async fn fail(&self, message: impl Display) -> ! {
        panic!("{}", self.with_page(&message.to_string()).await)
    }

    // ---- navigation ------------------------------------------------------------------------

    /// Navigates to `path` (e.g. `/` or `/?instance=x`, relative to where the site serves the
    /// app), waits for the form, and, when config.json sets an API base, until the app has
    /// taken it up (so a Load right after cannot go to the default base).
    pub async fn open(&self, path: &str) {
        self.goto(path).await;
        self.wait_for("load").await;
        let probed = self.js("return typeof window.__e2e === 'object';").await;
        if probed != Value::Bool(true) {
            self.fail("the page runs without the harness's probe (window.__e2e is missing): was its <script> blocked?")
                .await;
        }
        if let Some(base) = self.expected_base.clone() {
            self.wait_js(
                &format!("the api-base field to show config.json's API base {base}"),
                "const e = document.querySelector('[data-testid=\"api-base\"]'); \
                 return !!e && e.value.replace(/\\/+$/, '') === arguments[0].replace(/\\/+$/, '');",
                vec![json!(base)],
            )
            .await;
        }
    }

    /// Opens `path` with the key remembered on this device, as a returning user would.
    pub async fn open_with_key(&self, path: &str) {
        self.open("/").await;
        self.js_with(
            "localStorage.setItem('novita-viewer.apiKey', arguments[0]); return true;",
            vec![json!(TEST_API_KEY)],
        )
        .await;
        self.open(path).await;
    }

    pub async fn goto(&self, path: &str) {
        let url = format!("{}{path}", self.site.url());
        if let Err(err) = self.client.goto(&url).await {
            panic!("navigating to {url} failed: {err}");
        }
    }

    pub async fn reload(&self) {
        if let Err(err) = self.client.refresh().await {
            self.fail(format!("reloading the page failed: {err}")).await;
        }
    }

    pub async fn url(&self) -> String {
        match self.client.current_url().await {
            Ok(url) => url.to_string(),
            Err(err) => self.fail(format!("reading the URL failed: {err}")).await,
        }
    }

    // ---- finding ---------------------------------------------------------------------------

    /// Waits up to [`WAIT`] for the hook `testid`.
    pub async fn wait_for(&self, testid: &str) -> Element {
        self.wait_for_css(&hook(testid), &format!("[data-testid={testid}]"), WAIT)
            .await
    }

    /// Waits up to `timeout` for an element matching `css`; `what` names it in the failure.
    pub async fn wait_for_css(&self, css: &str, what: &str, timeout: Duration) -> Element {
        let deadline = Instant::now() + timeout;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(element) => return element,
                Err(err) if is_missing(&err) => {}
                Err(err) => self.fail(format!("looking for {what} failed: {err}")).await,
            }
            if Instant::now() >= deadline {
                self.fail(format!(
                    "timed out after {:.1} s waiting for {what} to appear",
                    timeout.as_secs_f64()
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether the hook is on the page right now (no waiting).
    pub async fn exists(&self, testid: &str) -> bool {
        self.count(testid).await > 0
    }

    /// How many elements carry the hook right now.
    pub async fn count(&self, testid: &str) -> usize {
        let n = self
            .js_with(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![json!(hook(testid))],
            )
            .await;
        n.as_u64().unwrap_or(0) as usize
    }

    /// Waits until exactly `expected` elements carry the hook.
    pub async fn wait_count(&self, testid: &str, expected: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let n = self.count(testid).await;
            if n == expected {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(format!(
                    "expected {expected} [data-testid={testid}] elements, found {n} after {:.1} s",
                    timeout.as_secs_f64()
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the hook is gone from the page.
    pub async fn wait_gone(&self, testid: &str) {
        let deadline = Instant::now() + WAIT;
        while self.exists(testid).await {
            if Instant::now() >= deadline {
                self.fail(format!(
                    "[data-testid={testid}] is still on the page after {} s; it should have gone",
                    WAIT.as_secs()
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    // ---- reading ---------------------------------------------------------------------------

    /// The hook's rendered text (waits for it).
    pub async fn text(&self, testid: &str) -> String {
        let element = self.wait_for(testid).await;
        self.text_of(&element, testid).await
    }

    /// `element` as a script argument (`arguments[i]` in the page).
    async fn script_arg(&self, element: &Element, what: &str) -> Value {
        match serde_json::to_value(element) {
            Ok(value) => value,
            Err(err) => {
                self.fail(format!("passing {what} to a script: {err}"))
                    .await
            }
        }
    }

    /// The element's rendered text, `innerText` as the page itself reads it, trimmed.
    /// (Not WebDriver's Get Element Text: WebKitWebDriver's leaves out the text of boxes with
    /// `overflow: hidden`, such as the status badge's label, which the page does show.)
    pub async fn text_of(&self, element: &Element, what: &str) -> String {
        let argument = self.script_arg(element, what).await;
        match self
            .client
            .execute("return arguments[0].innerText;", vec![argument])
            .await
        {
            Ok(Value::String(text)) => text.trim().to_owned(),
            Ok(other) => {
                self.fail(format!("the text of {what} is not a string: {other}"))
                    .await
            }
            Err(err) => {
                self.fail(format!("reading the text of {what}: {err}"))
                    .await
            }
        }
    }

    /// An attribute of the hook, as written in the DOM (waits for the hook).
    pub async fn attr(&self, testid: &str, name: &str) -> Option<String> {
        let element = self.wait_for(testid).await;
        self.attr_of(&element, name, testid).await
    }

    /// An attribute of an element, as written in the DOM (`None` when absent).
    ///
    /// Read with the page's own `getAttribute`, not WebDriver's Get Element Attribute:
    /// WebKitWebDriver answers that with the property for some names (`href` comes back as the
    /// absolute URL, not as written).
    pub async fn attr_of(&self, element: &Element, name: &str, what: &str) -> Option<String> {
        let argument = self.script_arg(element, what).await;
        match self
            .client
            .execute(
                "return arguments[0].getAttribute(arguments[1]);",
                vec![argument, Value::String(name.to_owned())],
            )
            .await
        {
            Ok(Value::String(value)) => Some(value),
            Ok(Value::Null) => None,
            Ok(other) => {
                self.fail(format!(
                    "attribute {name} of {what} is not a string: {other}"
                ))
                .await
            }
            Err(err) => {
                self.fail(format!("reading attribute {name} of {what}: {err}"))
                    .await
            }
        }
    }

    /// The live `value` of an input hook.
    pub async fn value(&self, testid: &str) -> String {
        let element = self.wait_for(testid).await;
        match element.prop("value").await {
            Ok(value) => value.unwrap_or_default(),
            Err(err) => {
                self.fail(format!("reading the value of {testid}: {err}"))
                    .await
            }
        }
    }

    pub async fn tag(&self, element: &Element, what: &str) -> String {
        match element.tag_name().await {
            Ok(tag) => tag.to_ascii_lowercase(),
            Err(err) => self.fail(format!("reading the tag of {what}: {err}")).await,
        }
    }

    /// `document.body.innerText`: the page's visible text.
    pub async fn body_text(&self) -> String {
        self.js("return document.body ? document.body.innerText : '';")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    // ---- acting ----------------------------------------------------------------------------

    pub async fn click(&self, testid: &str) {
        let element = self.wait_for(testid).await;
        self.click_on(&element, testid).await;
    }

    pub async fn click_on(&self, element: &Element, what: &str) {
        if let Err(err) = element.click().await {
            self.fail(format!("clicking {what} failed: {err}")).await;
        }
    }

    /// Replaces the text of an input hook by typing, as a person would.
    pub async fn fill(&self, testid: &str, text: &str) {
        let element = self.wait_for(testid).await;
        if let Err(err) = element.clear().await {
            self.fail(format!("clearing [data-testid={testid}] failed: {err}"))
                .await;
        }
        if !text.is_empty() {
            if let Err(err) = element.send_keys(text).await {
                self.fail(format!("typing into [data-testid={testid}] failed: {err}"))
                    .await;
            }
        }
    }

    // ---- JavaScript ------------------------------------------------------------------------

    pub async fn js(&self, script: &str) -> Value {
        self.js_with(script, vec![]).await
    }

    pub async fn js_with(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(value) => value,
            Err(err) => {
                self.fail(format!("running script failed: {err}\n  script: {script}"))
                    .await
            }
        }
    }

    /// Polls `script` (which must `return` a boolean) until it is true; `what` says what
    /// was being waited for.
    pub async fn wait_js(&self, what: &str, script: &str, args: Vec<Value>) {
        self.wait_js_for(what, script, args, WAIT).await;
    }

    pub async fn wait_js_for(&self, what: &str, script: &str, args: Vec<Value>, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if self.js_with(script, args.clone()).await == Value::Bool(true) {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(format!(
                    "timed out after {:.1} s waiting for {what}",
                    timeout.as_secs_f64()
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    // ---- the app's flows -------------------------------------------------------------------

    /// Types the key and the instance ID and presses Load.
    pub async fn load(&self, key: &str, instance_id: &str) {
        self.fill("api-key", key).await;
        self.fill("instance-id", instance_id).await;
        self.click("load").await;
    }

    /// Waits for the instance view showing `instance_id`.
    pub async fn wait_view(&self, instance_id: &str) -> Element {
        self.wait_view_for(instance_id, WAIT).await
    }

    pub async fn wait_view_for(&self, instance_id: &str, timeout: Duration) -> Element {
        let css = format!(
            "{}[data-instance-id=\"{}\"]",
            hook("instance-view"),
            instance_id.replace('\\', "\\\\").replace('"', "\\\"")
        );
        self.wait_for_css(
            &css,
            &format!("[data-testid=instance-view] with data-instance-id={instance_id}"),
            timeout,
        )
        .await
    }

    /// Waits for the error panel; returns its `data-kind` and its text.
    pub async fn wait_error(&self, timeout: Duration) -> (String, String) {
        let panel = self
            .wait_for_css(
                &hook("error"),
                "the error panel [data-testid=error]",
                timeout,
            )
            .await;
        let kind = self
            .attr_of(&panel, "data-kind", "[data-testid=error]")
            .await
            .unwrap_or_default();
        let text = self.text_of(&panel, "[data-testid=error]").await;
        (kind, text)
    }

    /// The Get Instance calls the stand-in has seen (preflights left out).
    pub fn instance_gets(&self) -> Vec<RecordedRequest> {
        self.api
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path == INSTANCE_PATH)
            .collect()
    }

    /// Waits until the stand-in has seen `n` Get Instance calls.
    pub async fn wait_gets(&self, n: usize) {
        let deadline = Instant::now() + WAIT;
        loop {
            let seen = self.instance_gets().len();
            if seen >= n {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(format!(
                    "the API stand-in saw {seen} GET {INSTANCE_PATH}, expected {n}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    // ---- the polite live region ---------------------------------------------------------

    /// From now on, records every text the polite live region announces (read them back with
    /// [`Session::announced`]).
    pub async fn record_announcements(&self) {
        self.js("window.__announced = []; \
             const region = document.querySelector('[data-testid=\"announcer\"]'); \
             new MutationObserver(() => { const text = region.textContent.trim(); \
               if (text) window.__announced.push(text); }) \
             .observe(region, { childList: true, subtree: true, characterData: true }); \
             return true;")
            .await;
    }

    /// What the live region has announced since [`Session::record_announcements`].
    pub async fn announced(&self) -> Vec<String> {
        serde_json::from_value(self.js("return window.__announced || []").await).unwrap_or_default()
    }

    // ---- what the harness's probe recorded -------------------------------------------------

    /// The reports of one kind (`violation`, `console`, `error`) from every page load of this
    /// test: those the probe sent to the harness, and those still only in the current page.
    async fn probe_reports(&self, kind: &str) -> Result<Vec<Report>, String> {
        let url = self.client.current_url().await.map_err(|e| e.to_string())?;
        let mut seen = BTreeSet::new();
        let mut reports = Vec::new();
        if url.as_str().starts_with(&self.site.origin()) {
            let list = self
                .client
                .execute(
                    "const p = window.__e2e; if (!p) return null; \
                     return arguments[0] === 'violation' ? p.violations \
                       : arguments[0] === 'console' ? p.console : p.errors;",
                    vec![json!(kind)],
                )
                .await
                .map_err(|e| format!("reading the probe's records failed: {e}"))?;
            match list {
                Value::Array(items) => reports.extend(items.into_iter().map(Report)),
                _ => {
                    return Err(format!(
                        "the page at {url} ran without the harness's probe (window.__e2e is \
                         missing), so its CSP violations went unrecorded"
                    ))
                }
            }
        }
        reports.extend(self.site.reports().into_iter().filter(|r| r.kind() == kind));
        reports.retain(|r| seen.insert(r.key()));
        Ok(reports)
    }

    /// Every CSP violation any page of this test reported.
    pub async fn csp_violations(&self) -> Result<Vec<Report>, String> {
        self.probe_reports("violation").await
    }

    /// The text of every console message any page of this test wrote.
    pub async fn console_messages(&self) -> Vec<String> {
        match self.probe_reports("console").await {
            Ok(reports) => reports
                .iter()
                .map(|r| r.0["text"].as_str().unwrap_or_default().to_owned())
                .collect(),
            Err(err) => self.fail(err).await,
        }
    }

    /// The text of every uncaught error (a wasm trap included) and unhandled rejection any page
    /// of this test reported.
    pub async fn page_errors(&self) -> Vec<String> {
        match self.probe_reports("error").await {
            Ok(reports) => reports
                .iter()
                .map(|r| r.0["text"].as_str().unwrap_or_default().to_owned())
                .collect(),
            Err(err) => self.fail(err).await,
        }
    }

    /// Cuts the page off its servers, as when the network goes away: the site stops serving
    /// (the page stays as loaded).
    pub async fn stop_site(&self) {
        self.site.stop().await;
    }
}
