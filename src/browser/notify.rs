//! Desktop notifications for status changes, only after the user switched them on.

use wasm_bindgen::JsValue;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

pub fn permitted() -> bool {
    Notification::permission() == NotificationPermission::Granted
}

/// Asks the browser for permission (it must follow a click); `done` gets the answer.
pub fn request(done: impl FnOnce(bool) + 'static) {
    let Ok(promise) = Notification::request_permission() else {
        done(false);
        return;
    };
    leptos::task::spawn_local(async move {
        let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
        done(answer.ok() == Some(JsValue::from_str("granted")));
    });
}

pub fn show(title: &str, body: &str) {
    if !permitted() {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    let _ = Notification::new_with_options(title, &options);
}
