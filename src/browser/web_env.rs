//! The [`Env`] of the page: what the state needs, from the browser.

use crate::state::env::{Cancel, Env, HttpRequest, HttpResponse, Store, Task};
use instance_model::ApiError;
use leptos::prelude::set_timeout_with_handle;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, Headers, ReferrerPolicy, RequestCache, RequestCredentials,
    RequestInit, RequestRedirect, Response,
};

pub struct WebEnv;

impl Env for WebEnv {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn set_timeout(&self, delay_ms: u64, callback: Box<dyn FnOnce()>) -> Cancel {
        match set_timeout_with_handle(callback, Duration::from_millis(delay_ms)) {
            Ok(handle) => Cancel::new(move || handle.clear()),
            Err(_) => Cancel::none(),
        }
    }

    fn spawn(&self, task: Task<()>) {
        leptos::task::spawn_local(task);
    }

    /// The request goes out now, in the caller's task, not when the returned task is first
    /// polled: spawned tasks run after the effects already queued, so a Load click would
    /// otherwise draw the loading screen before asking the API (about 4 ms later, measured).
    fn http(&self, request: HttpRequest) -> (Cancel, Task<Result<HttpResponse, ApiError>>) {
        let controller = AbortController::new().ok();
        let cancel = {
            let controller = controller.clone();
            Cancel::new(move || {
                if let Some(c) = controller {
                    c.abort();
                }
            })
        };
        let timed_out = Rc::new(Cell::new(false));
        // The timer aborts the request; `timed_out` tells that abort from a cancel.
        let timer = {
            let timed_out = Rc::clone(&timed_out);
            let controller = controller.clone();
            set_timeout_with_handle(
                move || {
                    timed_out.set(true);
                    if let Some(c) = controller {
                        c.abort();
                    }
                },
                Duration::from_secs(u64::from(request.timeout_secs)),
            )
            .ok()
        };
        let sent = send(
            &request,
            controller.as_ref().map(AbortController::signal).as_ref(),
        );
        let task = async move {
            let result = match sent {
                Ok(answer) => receive(answer).await,
                Err(error) => Err(error),
            };
            if let Some(t) = timer {
                t.clear();
            }
            match result {
                Err(_) if timed_out.get() => Err(ApiError::Timeout {
                    after_secs: request.timeout_secs,
                }),
                other => other,
            }
        };
        (cancel, Box::pin(task))
    }

    fn load(&self, store: Store, name: &str) -> Option<String> {
        storage(store)?.get_item(name).ok().flatten()
    }

    fn save(&self, store: Store, name: &str, value: Option<&str>) {
        if let Some(s) = storage(store) {
            // A refused write (quota, private mode) only means it is not remembered.
            let _ = match value {
                Some(v) => s.set_item(name, v),
                None => s.remove_item(name),
            };
        }
    }

    fn search(&self) -> String {
        web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default()
    }

    fn push_search(&self, search: &str) {
        set_search(search, true);
    }

    fn replace_search(&self, search: &str) {
        set_search(search, false);
    }

    fn notify(&self, title: &str, body: &str) {
        super::notify::show(title, body);
    }
}

/// Puts `search` in the address bar, as a new history entry (`push`) or in place of the
/// current one. The path the page was opened on is kept: the app may live under any sub-path.
fn set_search(search: &str, push: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Ok(path), Ok(history)) = (window.location().pathname(), window.history()) else {
        return;
    };
    let url = format!("{path}{search}");
    let _ = if push {
        history.push_state_with_url(&JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
    };
}

fn storage(store: Store) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    match store {
        Store::Session => window.session_storage(),
        Store::Local => window.local_storage(),
    }
    .ok()
    .flatten()
}

/// `fetch(url, init)`. Network failures, refusals (CORS, a refused redirect) and aborts are
/// all `Err(())`: the browser does not say which, on purpose.
pub async fn fetch(url: &str, init: &RequestInit) -> Result<Response, ()> {
    let window = web_sys::window().ok_or(())?;
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, init))
        .await
        .map_err(|_| ())?;
    answer.dyn_into::<Response>().map_err(|_| ())
}

/// The whole body of `response` as text.
pub async fn text(response: &Response) -> Result<String, ()> {
    let promise = response.text().map_err(|_| ())?;
    let text = JsFuture::from(promise).await.map_err(|_| ())?;
    text.as_string().ok_or(())
}

/// Sends `request`: the browser's `fetch` is called before this returns.
fn send(request: &HttpRequest, signal: Option<&AbortSignal>) -> Result<JsFuture, ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    headers
        .set("Authorization", &request.authorization)
        .and_then(|()| headers.set("Content-Type", "application/json"))
        .map_err(|_| ApiError::Network)?;
    let init = RequestInit::new();
    init.set_method(request.method);
    init.set_headers(&headers);
    // No cookies and no referrer to the API, always fresh data, and no redirects: one could
    // carry the Authorization header somewhere else.
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    init.set_redirect(RequestRedirect::Error);
    init.set_signal(signal);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    Ok(JsFuture::from(
        window.fetch_with_str_and_init(&request.url, &init),
    ))
}

/// The answer to a request [`send`] sent: its status, body and `Retry-After`. Network
/// failures, refusals (CORS, a refused redirect) and aborts are all [`ApiError::Network`].
async fn receive(answer: JsFuture) -> Result<HttpResponse, ApiError> {
    let response: Response = answer
        .await
        .ok()
        .and_then(|r| r.dyn_into().ok())
        .ok_or(ApiError::Network)?;
    let retry_after = response.headers().get("retry-after").ok().flatten();
    let body = text(&response).await.map_err(|()| ApiError::Network)?;
    Ok(HttpResponse {
        status: response.status(),
        body,
        retry_after,
    })
}
