//! Saving a file the page already holds (raw JSON, a downloaded log) through the browser's
//! download, with no request.

use leptos::prelude::set_timeout;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};

/// The browser would not save the file (no document, a blocked object URL).
#[derive(Debug)]
pub struct Refused;

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the browser refused to save the file")
    }
}

/// Saves `blob` as `file_name`.
pub fn save_blob(blob: &web_sys::Blob, file_name: &str) -> Result<(), Refused> {
    let object_url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| Refused)?;
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or(Refused)?;
    anchor.set_href(&object_url);
    anchor.set_download(file_name);
    anchor.click();
    // Revoked later: a browser may read the file after the click returns.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&object_url);
        },
        Duration::from_secs(60),
    );
    Ok(())
}

/// Saves `text` as a file of the given MIME type.
pub fn save_text(text: &str, mime: &str, file_name: &str) -> Result<(), Refused> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| Refused)?;
    save_blob(&blob, file_name)
}
