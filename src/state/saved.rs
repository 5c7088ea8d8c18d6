//! What is remembered between visits, as CONTRACT.md says: the key in sessionStorage (gone
//! with the tab), in localStorage only when the user asks; the API base, the watch list, the
//! refresh period, the metrics window and the idle rule in localStorage. Storage can be missing or refuse writes (private modes,
//! quotas): then things are simply not remembered.

use super::env::{Env, Store};
use instance_model::address::split_ids;
use instance_model::idle::IdleRule;
use instance_model::metrics::query::Window;
use instance_model::refresh::RefreshSetting;
use instance_model::settings::normalize_api_base;

const KEY: &str = "novita-viewer.apiKey";
const API_BASE: &str = "novita-viewer.apiBase";
const WATCHED: &str = "novita-viewer.watch";
const REFRESH: &str = "novita-viewer.refresh";
const METRICS_WINDOW: &str = "novita-viewer.metricsWindow";
const IDLE_THRESHOLD: &str = "novita-viewer.idleThreshold";
const IDLE_WINDOW: &str = "novita-viewer.idleWindow";

fn non_empty(env: &dyn Env, store: Store, name: &str) -> Option<String> {
    env.load(store, name).filter(|v| !v.is_empty())
}

/// The stored key and whether it was remembered on this device.
pub fn key(env: &dyn Env) -> (String, bool) {
    match non_empty(env, Store::Local, KEY) {
        Some(k) => (k, true),
        None => (
            non_empty(env, Store::Session, KEY).unwrap_or_default(),
            false,
        ),
    }
}

/// Keeps the key for this tab, and on this device too when `remember` is on (and removes it
/// from the device when it is off).
pub fn save_key(env: &dyn Env, key: &str, remember: bool) {
    let key = Some(key).filter(|k| !k.is_empty());
    env.save(Store::Session, KEY, key);
    env.save(Store::Local, KEY, key.filter(|_| remember));
}

/// The API base the user chose in Settings, if any (it wins over config.json). Checked again
/// as it is read: one saved by an older, looser check (with userinfo, say) is not used.
pub fn api_base(env: &dyn Env) -> Option<String> {
    normalize_api_base(&env.load(Store::Local, API_BASE)?).ok()
}

pub fn save_api_base(env: &dyn Env, base: Option<&str>) {
    env.save(Store::Local, API_BASE, base);
}

/// The watch list: instance IDs only, never the key.
pub fn watched(env: &dyn Env) -> Vec<String> {
    non_empty(env, Store::Local, WATCHED)
        .map(|v| split_ids(&v))
        .unwrap_or_default()
}

pub fn save_watched(env: &dyn Env, ids: &[String]) {
    let list = ids.join(",");
    env.save(
        Store::Local,
        WATCHED,
        Some(list.as_str()).filter(|l| !l.is_empty()),
    );
}

pub fn refresh_setting(env: &dyn Env) -> Option<RefreshSetting> {
    RefreshSetting::parse(&non_empty(env, Store::Local, REFRESH)?)
}

pub fn save_refresh_setting(env: &dyn Env, setting: RefreshSetting) {
    env.save(Store::Local, REFRESH, Some(&setting.value()));
}

pub fn metrics_window(env: &dyn Env) -> Option<Window> {
    Window::parse(&non_empty(env, Store::Local, METRICS_WINDOW)?)
}

pub fn save_metrics_window(env: &dyn Env, window: Window) {
    env.save(Store::Local, METRICS_WINDOW, Some(window.value()));
}

/// The idle rule; a part missing or not one of the choices is the default's.
pub fn idle_rule(env: &dyn Env) -> IdleRule {
    let read = |name| non_empty(env, Store::Local, name).unwrap_or_default();
    IdleRule {
        threshold_pct: IdleRule::parse_threshold(&read(IDLE_THRESHOLD))
            .unwrap_or(IdleRule::DEFAULT.threshold_pct),
        window_mins: IdleRule::parse_window(&read(IDLE_WINDOW))
            .unwrap_or(IdleRule::DEFAULT.window_mins),
    }
}

pub fn save_idle_rule(env: &dyn Env, rule: IdleRule) {
    env.save(
        Store::Local,
        IDLE_THRESHOLD,
        Some(&rule.threshold_pct.to_string()),
    );
    env.save(
        Store::Local,
        IDLE_WINDOW,
        Some(&rule.window_mins.to_string()),
    );
}
