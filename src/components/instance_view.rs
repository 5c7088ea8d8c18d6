//! The instance on screen: overview, connect, ports, volumes, environment, raw JSON, and the
//! "as of" line with Refresh.

use super::connect::Connect;
use super::envs::Envs;
use super::overview::Overview;
use super::ports::Ports;
use super::raw_json::RawJson;
use super::volumes::Volumes;
use crate::demo;
use crate::state::{AppState, Shown};
use instance_model::format::ago;
use leptos::prelude::*;

#[component]
fn AsOf(fetched_at_ms: f64) -> impl IntoView {
    let state = expect_context::<AppState>();
    let clock = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(fetched_at_ms))
        .to_locale_time_string("default")
        .as_string()
        .unwrap_or_default();
    let iso = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(fetched_at_ms))
        .to_iso_string()
        .as_string()
        .unwrap_or_default();
    view! {
        <span class="as-of">
            "As of " <time data-testid="refreshed-at" datetime=iso>{clock}</time>
            " (" {move || ago(fetched_at_ms, state.now_ms.get())} ")"
        </span>
    }
}

#[component]
fn DemoBanner(current: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let tabs = demo::SAMPLES
        .iter()
        .map(|(id, label, _)| {
            let selected = *id == current;
            view! {
                <button type="button" class="tab" aria-pressed=selected.to_string()
                    on:click=move |_| state.show_demo(id)>{*label}</button>
            }
        })
        .collect_view();
    view! {
        <div class="demo-banner" role="note">
            <strong>"Demo data"</strong>" — built-in samples, no key or network used. "
            <span class="tabs">{tabs}</span>
        </div>
    }
}

#[component]
pub fn InstanceView(shown: Shown) -> impl IntoView {
    let state = expect_context::<AppState>();
    let Shown { fetched, demo } = shown;
    let instance = fetched.instance;
    let refreshing = move || state.loading.get().is_some();
    view! {
        <article class="instance-view" data-testid="instance-view" data-instance-id=instance.id.clone()>
            {demo.then(|| view! { <DemoBanner current=instance.id.clone() /> })}
            <div class="freshness">
                <AsOf fetched_at_ms=fetched.fetched_at_ms />
                <button type="button" data-testid="refresh" on:click=move |_| state.refresh()
                    aria-busy=move || refreshing().to_string()>
                    {move || if refreshing() { "Refreshing…" } else { "Refresh" }}
                </button>
            </div>
            <Overview instance=instance.clone() />
            <section class="card" aria-labelledby="connect-h">
                <h3 id="connect-h">"Connect"</h3>
                <Connect instance=instance.clone() />
            </section>
            <section class="card" aria-labelledby="ports-h">
                <h3 id="ports-h">"Ports " <span class="count">{instance.port_mappings.len()}</span></h3>
                <Ports ports=instance.port_mappings.clone() />
            </section>
            <section class="card" aria-labelledby="volumes-h">
                <h3 id="volumes-h">"Volumes " <span class="count">{instance.volume_mounts.len()}</span></h3>
                <Volumes volumes=instance.volume_mounts.clone() />
            </section>
            <section class="card" aria-labelledby="envs-h">
                <h3 id="envs-h">"Environment variables " <span class="count">{instance.envs.len()}</span></h3>
                <Envs envs=instance.envs.clone() />
            </section>
            <section class="card" aria-labelledby="raw-h">
                <h3 id="raw-h">"Raw JSON"</h3>
                <RawJson raw=fetched.raw instance_id=instance.id.clone() />
            </section>
        </article>
    }
}
