//! The one place the app talks to the Novita API. Every failure becomes an
//! [`ApiError`](instance_model::ApiError), whose variants are the error kinds of CONTRACT.md.

use gloo_net::http::Request;
use instance_model::api::{classify_failure, instance_url, TIMEOUT_SECS};
use instance_model::{ApiError, Instance, InstanceParseError};
use leptos::prelude::set_timeout_with_handle;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;
use web_sys::AbortController;

/// An instance as fetched: the parsed model, the body exactly as received (for the raw JSON
/// view), and when it arrived (ms since the epoch).
#[derive(Clone, Debug, PartialEq)]
pub struct Fetched {
    pub instance: Instance,
    pub raw: String,
    pub fetched_at_ms: f64,
}

/// Aborts a request in flight when dropped, so a newer load, or a page that no longer wants
/// the answer, does not leave a fetch running.
pub struct InFlight {
    controller: Option<AbortController>,
}

impl InFlight {
    pub fn abort(&self) {
        if let Some(c) = &self.controller {
            c.abort();
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.abort();
    }
}

/// Starts a Get Instance call. The returned [`InFlight`] cancels it; the future gives the
/// outcome. The key goes only into the `Authorization` header of this one request.
pub fn get_instance(
    api_base: &str,
    api_key: &str,
    instance_id: &str,
) -> (
    InFlight,
    impl std::future::Future<Output = Result<Fetched, ApiError>>,
) {
    let url = instance_url(api_base, instance_id);
    let controller = AbortController::new().ok();
    let signal = controller.as_ref().map(AbortController::signal);
    let authorization = format!("Bearer {}", api_key.trim());
    let in_flight = InFlight {
        controller: controller.clone(),
    };
    let future = async move {
        let timed_out = Rc::new(Cell::new(false));
        // The timer aborts the request; `timed_out` tells that abort apart from a cancel.
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
                Duration::from_secs(u64::from(TIMEOUT_SECS)),
            )
            .ok()
        };
        let result = send(&url, &authorization, signal.as_ref()).await;
        if let Some(t) = timer {
            t.clear();
        }
        match result {
            Err(_) if timed_out.get() => Err(ApiError::Timeout {
                after_secs: TIMEOUT_SECS,
            }),
            other => other,
        }
    };
    (in_flight, future)
}

async fn send(
    url: &str,
    authorization: &str,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Fetched, ApiError> {
    let response = Request::get(url)
        .header("Authorization", authorization)
        .header("Content-Type", "application/json")
        // The page's own address (which may carry ?instance=) is nobody else's business.
        .referrer_policy(web_sys::ReferrerPolicy::NoReferrer)
        // No cookies to the API, and always fresh data.
        .credentials(web_sys::RequestCredentials::Omit)
        .cache(web_sys::RequestCache::NoStore)
        .abort_signal(signal)
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    let status = response.status();
    let retry_after = response.headers().get("retry-after");
    let body = response.text().await.map_err(|_| ApiError::Network)?;
    if !(200..300).contains(&status) {
        return Err(classify_failure(status, &body, retry_after.as_deref()));
    }
    let instance =
        Instance::from_json(&body).map_err(|e: InstanceParseError| ApiError::BadResponse {
            detail: e.to_string(),
        })?;
    Ok(Fetched {
        instance,
        raw: body,
        fetched_at_ms: js_sys::Date::now(),
    })
}
