//! How fresh the data on screen is, and the controls that keep it so: "as of" (ticking, a
//! warning when older than two refresh periods), the auto-refresh period, Refresh, the banner
//! when a refresh failed (the last good data stays on screen), pin, and notifications.

use crate::browser::notify;
use crate::components::click;
use crate::reactive::memo;
use crate::state::live::{Failure, Phase};
use crate::state::AppState;
use instance_model::format::ago;
use instance_model::refresh::{is_stale, RefreshSetting};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// A time of day in the browser's zone, 24-hour `HH:MM:SS`. Built from the Date's fields:
/// `toLocaleTimeString` set up the browser's locale data on first use, about 13 ms on this
/// machine, on the path of every first load.
pub fn local_time(ms: f64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}",
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

/// "As of 16:42:03 (12 s ago)". Everything that changes on a quiet refresh is inside this
/// element (`testid`: `refreshed-at` for an instance, `fleet-refreshed-at` for the fleet; a
/// compact one, on a watch card, has none), so an unchanged refresh touches nothing else.
#[component]
pub fn AsOf(
    fetched_at: Memo<f64>,
    in_progress: Memo<bool>,
    #[prop(optional)] compact: bool,
    #[prop(default = "refreshed-at")] testid: &'static str,
) -> impl IntoView {
    let state = expect_context::<AppState>();
    let stale = move || {
        is_stale(
            state.now_ms() - fetched_at.get(),
            state.refresh_setting(),
            in_progress.get(),
        )
    };
    let iso = move || {
        js_sys::Date::new(&JsValue::from_f64(fetched_at.get()))
            .to_iso_string()
            .as_string()
            .unwrap_or_default()
    };
    let testid = (!compact).then_some(testid);
    view! {
        <span class="as-of" data-testid=testid data-stale=move || stale().to_string()>
            {(!compact).then_some("As of ")}
            <time datetime=iso>{move || local_time(fetched_at.get())}</time>
            " (" {move || ago(fetched_at.get(), state.now_ms())} ")"
            {move || stale().then(|| view! { <strong class="stale-warning">" — may be out of date"</strong> })}
        </span>
    }
}

/// The banner over data kept through a failed refresh (an instance's, or the fleet's list).
#[component]
pub fn RefreshFailed(phase: Memo<Phase>, failure: ReadSignal<Option<Failure>>) -> impl IntoView {
    move || {
        let stale = phase.get() == Phase::Stale;
        failure.get().filter(|_| stale).map(|f| {
            view! {
                <div class="refresh-failed" data-testid="refresh-failed" data-kind=f.error.kind().as_str() role="alert">
                    <strong>"Refresh failed at " {local_time(f.at_ms)} ": "</strong>
                    {f.error.to_string()} ". "
                    <span>"Showing the last good data. " {f.error.advice(&f.api_base)}</span>
                </div>
            }
        })
    }
}

/// Auto-refresh, Refresh and notifications for what is on screen; the pin button when `pin`
/// names an instance that can be watched.
#[component]
pub fn RefreshControls(#[prop(default = None)] pin: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let options = RefreshSetting::CHOICES
        .iter()
        .map(|(value, label)| view! { <option value=*value>{*label}</option> })
        .collect_view();
    let enable_notifications = move |_| {
        if untrack(move || state.notifications()) {
            state.set_notifications(false);
            return;
        }
        notify::request(move |granted| {
            state.set_notifications(granted);
            state.announce(if granted {
                "Desktop notifications on for status changes."
            } else {
                "The browser did not allow notifications."
            });
        });
    };
    view! {
        <div class="refresh-controls">
            <label class="inline">
                "Auto-refresh "
                <select data-testid="auto-refresh"
                    prop:value=move || state.refresh_setting().value()
                    on:change:target=move |ev| {
                        if let Some(s) = RefreshSetting::parse(&ev.target().value()) {
                            state.set_refresh_setting(s);
                        }
                    }>
                    {options}
                </select>
            </label>
            <button type="button" data-testid="refresh" title="Refresh now (r)" on:click={click(move |_| state.refresh())}>"Refresh"</button>
            {pin.map(|id| {
                let pinned = memo({ let id = id.clone(); move || state.is_watched(&id) });
                view! {
                    <button type="button" data-testid="pin" aria-pressed=move || pinned.get().to_string()
                        on:click={click(move |_| state.toggle_pin(&id))}>
                        {move || if pinned.get() { "Unpin" } else { "Pin to watch list" }}
                    </button>
                }
            })}
            <button type="button" class="ghost" aria-pressed=move || state.notifications().to_string()
                on:click=enable_notifications>
                {move || if state.notifications() { "Notifications on" } else { "Notify me of changes" }}
            </button>
        </div>
    }
}
