//! Driving the app's page: opening it, filling the form, and the in-page timing of Load →
//! rendered. Timings are taken inside the page with `performance.now()`, so the WebDriver round
//! trips never count; "painted" is the end of the first frame after the DOM is complete (a
//! message posted from `requestAnimationFrame` arrives once that frame's style, layout and
//! paint are done).

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::servers::Servers;
use crate::Result;

/// Helpers every in-page script starts with.
pub const PRELUDE: &str = r#"
const afterFrame = () => new Promise(resolve => requestAnimationFrame(() => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => resolve(performance.now());
  channel.port2.postMessage(0);
}));
const waitFor = (test, ms, what) => new Promise((resolve, reject) => {
  const end = performance.now() + ms;
  (function poll() {
    let value;
    try { value = test(); } catch (e) { reject(e); return; }
    if (value) resolve(value);
    else if (performance.now() > end) reject(new Error('timed out after ' + ms + ' ms waiting for ' + what));
    else setTimeout(poll, 20);
  })();
});
const hook = id => `[data-testid="${id}"]`;
const count = id => document.querySelectorAll(hook(id)).length;
"#;

/// A script: the prelude, then `body`.
pub fn script(body: &str) -> String {
    format!("{PRELUDE}\n{body}")
}

/// How many rows of each kind the view must show before it counts as rendered.
#[derive(Clone, Copy, Debug)]
pub struct Rows {
    pub ports: usize,
    pub volumes: usize,
    pub envs: usize,
}

impl Rows {
    pub fn of_fixture(name: &str) -> Result<Rows> {
        let text = fake_novita::fixture(name).ok_or_else(|| format!("no fixture {name}"))?;
        let value: Value =
            serde_json::from_str(text).map_err(|err| format!("fixture {name}: {err}"))?;
        let len = |key: &str| value.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        Ok(Rows {
            ports: len("portMappings"),
            volumes: len("volumeMounts"),
            envs: len("envs"),
        })
    }

    pub fn json(&self) -> Value {
        json!({ "ports": self.ports, "volumes": self.volumes, "envs": self.envs })
    }
}

/// Navigates to the app (a fresh page) and waits until its form is up and it has taken the
/// same-origin API base from the bundled server's `config.json`.
pub async fn open_app(browser: &Browser, servers: &Servers) -> Result<()> {
    browser.goto(&format!("{}/", servers.app.url())).await?;
    browser
        .run(
            &script(
                "await waitFor(() => document.querySelector(hook('load')), 20000, 'the Load button');
                 await waitFor(() => { const b = document.querySelector(hook('api-base'));
                                        return !!b && b.value === ''; },
                               20000, 'the app to take the same-origin API base from config.json');",
            ),
            vec![],
        )
        .await?;
    Ok(())
}

/// Types the key and the instance ID as input events (what the app listens to).
pub async fn fill_form(browser: &Browser, key: &str, id: &str) -> Result<()> {
    browser
        .js(
            "for (const [testid, value] of [['api-key', arguments[0]], ['instance-id', arguments[1]]]) {
               const e = document.querySelector(`[data-testid=\"${testid}\"]`);
               e.value = value;
               e.dispatchEvent(new Event('input', { bubbles: true }));
             }
             return true;",
            vec![json!(key), json!(id)],
        )
        .await?;
    Ok(())
}

/// What one Load click took, in ms from the click.
#[derive(Clone, Copy, Debug)]
pub struct LoadTiming {
    /// The Get Instance response fully received (Resource Timing `responseEnd`).
    pub response: f64,
    /// Every expected row in the DOM, or for a long table the rows in sight (a
    /// MutationObserver saw it).
    pub dom: f64,
    /// The first frame with them painted.
    pub painted: f64,
}

impl LoadTiming {
    /// From the response's last byte to the frame: the app's own work (parse, render, layout).
    pub fn after_response(&self) -> f64 {
        self.painted - self.response
    }
}

/// Clicks Load (the form is filled) and times it until the instance `id` is rendered with
/// all of `rows`.
pub async fn load_and_render(browser: &Browser, id: &str, rows: Rows) -> Result<LoadTiming> {
    let value = browser
        .run(
            &script(
                r#"const [id, want] = arguments;
const view = `${hook('instance-view')}[data-instance-id="${CSS.escape(id)}"]`;
// Every row in the DOM; a long table (over 60 rows) draws those in sight of its box, so for
// it: the count it declares, and its first rows drawn.
const table = (cls, hook, n) => {
  const t = document.querySelector(`table.${cls}`);
  return n === 0 || (!!t && t.getAttribute('aria-rowcount') === String(n + 1) && count(hook) >= Math.min(n, 20));
};
const ready = () => !!document.querySelector(view)
  && table('ports', 'port-row', want.ports) && table('volumes', 'volume-row', want.volumes)
  && table('envs', 'env-row', want.envs);
if (ready()) throw new Error('the instance is already on screen before Load');
const dom = await new Promise((resolve, reject) => {
  const observer = new MutationObserver(() => {
    if (ready()) { observer.disconnect(); resolve(performance.now()); }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  setTimeout(() => {
    observer.disconnect();
    reject(new Error(`not rendered within 30 s: ${count('port-row')} port rows, ${count('volume-row')} volume rows, ${count('env-row')} env rows`));
  }, 30000);
  window.__benchT0 = performance.now();
  document.querySelector(hook('load')).click();
});
const painted = await afterFrame();
const t0 = window.__benchT0;
const gets = performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/gpu-instance/openapi/v1/gpu/instance?') && e.startTime >= t0);
if (!gets.length) throw new Error('no Get Instance request in Resource Timing');
return { response: gets[gets.length - 1].responseEnd - t0, dom: dom - t0, painted: painted - t0 };"#,
            ),
            vec![json!(id), rows.json()],
        )
        .await?;
    Ok(LoadTiming {
        response: number(&value, "response")?,
        dom: number(&value, "dom")?,
        painted: number(&value, "painted")?,
    })
}

/// Opens a fresh app page, fills the form, and loads `id`: the one way every measure starts.
pub async fn fresh_load(
    browser: &Browser,
    servers: &Servers,
    id: &str,
    rows: Rows,
) -> Result<LoadTiming> {
    open_app(browser, servers).await?;
    fill_form(browser, fake_novita::TEST_API_KEY, id).await?;
    load_and_render(browser, id, rows).await
}

/// Sets the auto-refresh period (`off`, `5`, ...) as a person would with the select.
pub async fn set_auto_refresh(browser: &Browser, value: &str) -> Result<()> {
    browser
        .js(
            "const s = document.querySelector('[data-testid=\"auto-refresh\"]');
             if (!s) throw new Error('no auto-refresh select');
             s.value = arguments[0];
             s.dispatchEvent(new Event('change', { bubbles: true }));
             return s.value;",
            vec![json!(value)],
        )
        .await?;
    Ok(())
}

/// A number field of an in-page answer.
pub fn number(value: &Value, key: &str) -> Result<f64> {
    value
        .get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("the page's answer has no number {key:?}: {value}"))
}
