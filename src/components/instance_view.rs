//! The instance on screen: freshness and controls, overview, status history, metrics, connect,
//! ports, volumes, environment, raw JSON. Every part reads a memo of just what it shows, so a
//! refresh that changes nothing changes nothing but the "as of" line.

use super::connect::Connect;
use super::envs::Envs;
use super::freshness::{AsOf, RefreshControls, RefreshFailed};
use super::instance::actions::InstanceActions;
use super::overview::Overview;
use super::ports::Ports;
use super::raw_json::RawJson;
use super::timeline::Timeline;
use super::volumes::Volumes;
use crate::components::click;
use crate::demo;
use crate::reactive::memo;
use crate::state::AppState;
use crate::state::Tracker;
use leptos::prelude::*;

/// Says the data is the demo's, with a tab for the sample fleet and each sample instance.
#[component]
pub fn DemoBanner(current: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let fleet = current == demo::FLEET;
    let tabs = demo::SAMPLES
        .iter()
        .map(|(id, label, _)| {
            let selected = *id == current;
            view! {
                <button type="button" class="tab" aria-pressed=selected.to_string()
                    on:click={click(move |_| state.show_demo(id))}>{*label}</button>
            }
        })
        .collect_view();
    let tabs = view! {
        <button type="button" class="tab" aria-pressed=fleet.to_string()
            on:click={click(move |_| state.show_demo_fleet())}>"Sample fleet"</button>
        {tabs}
    };
    view! {
        <div class="demo-banner" role="note">
            <span><strong>"Demo data"</strong>" — built-in samples, no key or network used."</span>
            <span class="tabs">{tabs}</span>
        </div>
    }
}

/// The full view of one instance; rendered once per instance shown, then kept current by
/// its tracker's signals.
#[component]
pub fn InstanceView(tracker: Tracker) -> impl IntoView {
    let live = tracker.live;
    let instance = memo(move || {
        live.with_data(|d| d.map(|f| f.instance.clone()))
            .unwrap_or_default()
    });
    let fetched_at = memo(move || live.fetched_at());
    let raw = memo(move || live.with_data(|d| d.map(|f| f.raw.clone()).unwrap_or_default()));
    let in_progress = memo(move || instance.with(|i| i.status.is_in_progress()));
    let count = move |f: fn(&instance_model::Instance) -> usize| move || instance.with(f);
    let id = tracker.id();
    let log_id = id.clone();
    let log_streams = memo(move || instance.with(|i| i.logs.clone()));
    view! {
        <article class="instance-view" data-testid="instance-view" data-instance-id=id.clone()>
            {tracker.demo.then(|| view! { <DemoBanner current=id.clone() /> })}
            <div class="freshness">
                <AsOf fetched_at=fetched_at in_progress=in_progress />
                <RefreshControls pin=(!tracker.demo).then(|| tracker.id()) />
            </div>
            <RefreshFailed phase=live.phase() failure=live.failure_signal() />
            <Overview instance=instance />
            <InstanceActions tracker=tracker />
            // One child with the timeline: another child would cost the wasm a new view type.
            <>
                <Timeline tracker=tracker />
                <super::metrics::MetricsPanel />
            </>
            <section class="card" aria-labelledby="connect-h">
                <h3 id="connect-h">"Connect"</h3>
                <Connect instance=instance />
            </section>
            <section class="card" aria-labelledby="logs-h">
                <h3 id="logs-h">"Logs"</h3>
                // Rebuilt only when the log addresses or isRunning change, not on every refresh.
                {move || {
                    let logs = log_streams.get();
                    view! { <super::logs::LogsPanel instance_id=log_id.clone() logs=logs demo=tracker.demo /> }
                }}
            </section>
            <section class="card" aria-labelledby="ports-h">
                <h3 id="ports-h">"Ports " <span class="count">{count(|i| i.port_mappings.len())}</span></h3>
                <Ports instance=instance />
            </section>
            <section class="card" aria-labelledby="volumes-h">
                <h3 id="volumes-h">"Volumes " <span class="count">{count(|i| i.volume_mounts.len())}</span></h3>
                <Volumes instance=instance />
            </section>
            <section class="card" aria-labelledby="envs-h">
                <h3 id="envs-h">"Environment variables " <span class="count">{count(|i| i.envs.len())}</span></h3>
                <Envs instance=instance />
            </section>
            <section class="card" aria-labelledby="raw-h">
                <h3 id="raw-h">"Raw JSON"</h3>
                <RawJson raw=raw instance_id=id.clone() />
            </section>
        </article>
    }
}
