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
