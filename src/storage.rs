//! Where the key and settings live between visits, as CONTRACT.md says: the key in memory and
//! sessionStorage, in localStorage only when the user asks; the API base in localStorage.
//! Storage can be missing or refuse writes (private modes, quotas): then things simply are
//! not remembered.

use web_sys::Storage;

const KEY: &str = "novita-viewer.apiKey";
const API_BASE: &str = "novita-viewer.apiBase";

fn local() -> Option<Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn session() -> Option<Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn get(storage: Option<Storage>, name: &str) -> Option<String> {
    storage?
        .get_item(name)
        .ok()
        .flatten()
        .filter(|v| !v.is_empty())
}

fn set(storage: Option<Storage>, name: &str, value: &str) {
    if let Some(s) = storage {
        // A refused write (quota, private mode) only means it is not remembered.
        let _ = s.set_item(name, value);
    }
}

fn remove(storage: Option<Storage>, name: &str) {
    if let Some(s) = storage {
        let _ = s.remove_item(name);
    }
}

/// The stored key and whether it was remembered on this device.
pub fn load_key() -> (String, bool) {
    match get(local(), KEY) {
        Some(k) => (k, true),
        None => (get(session(), KEY).unwrap_or_default(), false),
    }
}

/// Keeps the key for this tab, and on this device too when `remember` is on (and removes it
/// from the device when it is off).
pub fn save_key(key: &str, remember: bool) {
    if key.is_empty() {
        remove(session(), KEY);
    } else {
        set(session(), KEY, key);
    }
    if remember && !key.is_empty() {
        set(local(), KEY, key);
    } else {
        remove(local(), KEY);
    }
}

pub fn forget_key() {
    remove(session(), KEY);
    remove(local(), KEY);
}

/// The API base the user chose in Settings, if any (it wins over config.json).
/// The saved API base, checked again: one saved by an older version that accepted less safe
/// forms (userinfo, backslashes) is ignored rather than used.
pub fn load_api_base() -> Option<String> {
    let saved = local()?.get_item(API_BASE).ok().flatten()?;
    instance_model::settings::normalize_api_base(&saved).ok()
}

pub fn save_api_base(base: Option<&str>) {
    match base {
        Some(b) => set(local(), API_BASE, b),
        None => remove(local(), API_BASE),
    }
}

const PINNED: &str = "novita-viewer.watch";
const REFRESH: &str = "novita-viewer.refresh";

/// The watch list: instance IDs only, never the key.
pub fn load_pinned() -> Vec<String> {
    get(local(), PINNED)
        .map(|v| crate::location::split_ids(&v))
        .unwrap_or_default()
}

pub fn save_pinned(ids: &[String]) {
    if ids.is_empty() {
        remove(local(), PINNED);
    } else {
        set(local(), PINNED, &ids.join(","));
    }
}

pub fn load_refresh_setting() -> Option<instance_model::refresh::RefreshSetting> {
    instance_model::refresh::RefreshSetting::parse(&get(local(), REFRESH)?)
}

pub fn save_refresh_setting(setting: instance_model::refresh::RefreshSetting) {
    set(local(), REFRESH, &setting.value());
}
