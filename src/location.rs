//! The page address: `?instance=<id>` follows the instance on screen, so the address bar can
//! be shared, and back/forward move between instances viewed. Nothing here ever writes the
//! key or the API base into the address.

use web_sys::UrlSearchParams;

fn search_params() -> Option<UrlSearchParams> {
    let search = web_sys::window()?.location().search().ok()?;
    UrlSearchParams::new_with_str(&search).ok()
}

/// A query parameter of the page address, trimmed; `None` when absent or empty.
pub fn param(name: &str) -> Option<String> {
    search_params()?
        .get(name)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The `?instance=` of the page address.
pub fn instance_param() -> Option<String> {
    param("instance")
}

/// Puts `?instance=<id>` in the address bar: a new history entry when the instance changes,
/// a replacement when it is the same one. Other parameters are kept.
pub fn show_instance(id: &str) {
    if instance_param().as_deref() == Some(id) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(params) = search_params() else {
        return;
    };
    params.set("instance", id);
    params.delete("demo");
    let Ok(path) = window.location().pathname() else {
        return;
    };
    let url = format!("{path}?{}", String::from(params.to_string()));
    if let Ok(history) = window.history() {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A comma-separated list of instance IDs, trimmed, without empties or repeats, at most 50.
pub fn split_ids(list: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for id in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if !ids.iter().any(|x| x == id) && ids.len() < 50 {
            ids.push(id.to_string());
        }
    }
    ids
}

/// The `?watch=id1,id2` of the page address.
pub fn watch_param() -> Vec<String> {
    param("watch").map(|v| split_ids(&v)).unwrap_or_default()
}
