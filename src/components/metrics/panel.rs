//! The metrics panel of the instance view: a `<details>` (open on a wide screen, closed on a
//! phone, as the page first decides; then as the user leaves it), the time window, how fresh
//! the charts are, and the five charts, or, instead, why there are none (not running, no
//! metrics yet, the call failed). Everything here reads the state's panel
//! ([`crate::state::metrics_panel`]); nothing outside the panel changes with it.

use super::chart::{chart_of, draw, reading_at, reading_for_key, show_reading, ChartData, Slot};
use crate::browser::dom::Listeners;
use crate::components::freshness::local_time;
use crate::state::live::Phase;
use crate::state::metrics_panel::Charted;
use crate::state::AppState;
use instance_model::metrics::query::Window;
use instance_model::metrics::{explain_failure, Gpu, GpuSeries, Series};
use instance_model::Status;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

/// Screens at least this wide open the panel on the first instance shown.
const WIDE_SCREEN: &str = "(min-width: 720px)";

fn is_wide_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(WIDE_SCREEN).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Local time minus UTC in minutes at `at_ms`, as the browser knows it.
fn utc_offset_minutes(at_ms: f64) -> i32 {
    -(js_sys::Date::new(&JsValue::from_f64(at_ms)).get_timezone_offset() as i32)
}

/// The five charts, in the order an operator reads them; a metric the API did not send at all
/// says so in place of its chart.
fn slots(charted: &Charted) -> Vec<Slot> {
    let offset = utc_offset_minutes(charted.query.end as f64 * 1000.0);
    let m = &charted.metrics;
    let chart = |metric, title, name, main: Option<Series>, gpus: &[Gpu]| match main {
        Some(main) => Slot::Chart(ChartData {
            metric,
            title,
            name,
            main,
            gpus: gpus.to_vec(),
            query: charted.query,
            window: charted.window,
            offset_minutes: offset,
        }),
        None => Slot::Missing { metric, title },
    };
    let per_gpu = |series: &GpuSeries| {
        series
            .is_reported()
            .then(|| series.average().unwrap_or_default())
    };
    vec![
        chart(
            "gpu",
            "GPU utilisation",
            "GPU",
            per_gpu(&m.gpu),
            &m.gpu.gpus,
        ),
        chart(
            "gpu-mem",
            "GPU memory",
            "GPU memory",
            per_gpu(&m.gpu_mem),
            &m.gpu_mem.gpus,
        ),
        chart("cpu", "CPU", "CPU", m.cpu.clone(), &[]),
        chart("mem", "Memory", "Memory", m.mem.clone(), &[]),
        chart("disk", "Root disk", "Root disk", m.disk.clone(), &[]),
    ]
}

/// The charts on screen and the reading shown, if any: (chart's SVG, its slot, reading).
struct Drawn {
    slots: Vec<Slot>,
    picked: Option<(Element, usize, Option<usize>)>,
}

/// What a pointer or a key does to the charts: one function for every event (a closure per
/// event would each cost the wasm a copy of this).
fn on_chart_event(drawn: &mut Drawn, ev: &web_sys::Event) {
    let leaving = matches!(ev.type_().as_str(), "pointerleave" | "focusout");
    let hit = if leaving {
        None
    } else {
        chart_of(ev.target(), &drawn.slots)
    };
    let next = hit.and_then(|(svg, chart)| {
        let slot = &drawn.slots[chart];
        let reading = if let Some(pointer) = ev.dyn_ref::<web_sys::PointerEvent>() {
            reading_at(slot, pointer.offset_x(), svg.client_width())
        } else {
            let key = ev.dyn_ref::<web_sys::KeyboardEvent>()?.key();
            let from = drawn
                .picked
                .as_ref()
                .filter(|(_, c, _)| *c == chart)
                .and_then(|(_, _, r)| *r);
            let reading = reading_for_key(slot, &key, from)?;
            ev.prevent_default();
            reading
        };
        Some((svg, chart, reading))
    });
    if next.is_none() && !leaving {
        return; // a key the charts do not use, or not over a chart
    }
    if let Some((old, old_chart, _)) = &drawn.picked {
        if next.as_ref().is_none_or(|(_, chart, _)| chart != old_chart) {
            show_reading(old, &drawn.slots[*old_chart], None);
        }
    }
    if let Some((svg, chart, reading)) = &next {
        show_reading(svg, &drawn.slots[*chart], *reading);
    }
    drawn.picked = next;
}

/// The charts of `charted`, drawn by hand into one element (see [`super::chart`]); the
/// pointer and keyboard are handled there for all five.
fn charts_view(charted: &Charted) -> impl IntoView {
    let drawn = StoredValue::new_local(Drawn {
        slots: slots(charted),
        picked: None,
    });
    let draw_here = move |el: Element| {
        drawn.with_value(|d| draw(&el, &d.slots));
        // Kept as long as the view is (its owner drops it); the charts ignore `scroll`.
        let events = ["pointermove", "pointerleave", "focusout", "keydown"];
        StoredValue::new_local(Listeners::new(&el, &events, &el, move |ev| {
            drawn.update_value(|d| on_chart_event(d, &ev))
        }));
    };
    view! { <div class="charts" use:draw_here></div> }
}

/// A line of the panel in place of charts, or above them: one element shape for every message,
/// so they cost the wasm one view type.
fn message(
    class: &'static str,
    hook: &'static str,
    role: &'static str,
    kind: Option<&'static str>,
    text: String,
) -> AnyView {
    view! { <p class=class data-testid=hook role=role data-kind=kind>{text}</p> }.into_any()
}

/// Why there are no charts when the instance on screen is not a running real one.
fn unavailable(state: AppState) -> Option<String> {
    if state.metrics_subject().is_some() {
        return None;
    }
    let tracker = state.current_tracker()?;
    if tracker.demo {
        return Some("Metrics are not part of the demo data.".into());
    }
    let status = tracker
        .live
        .with_data(|d| d.map(|f| f.instance.status.clone()))
        .unwrap_or_default();
    Some(if status == Status::Running {
        "Paste your API key to see metrics.".into()
    } else {
        format!(
            "Metrics are collected while the instance runs; it is {}.",
            status.label().to_lowercase()
        )
    })
}

#[component]
pub fn MetricsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    state.open_metrics_by_default(is_wide_screen());
    let live = state.metrics_live();
    let phase = live.phase();
    let options = Window::ALL
        .iter()
        .map(|w| view! { <option value=w.value()>{w.label()}</option> })
        .collect_view();
    // Everything below the window control: why there is nothing, the failure, the charts.
    let content = move || {
        let mut parts = Vec::new();
        if let Some(why) = unavailable(state) {
            parts.push(message("muted", "metrics-unavailable", "status", None, why));
            return parts;
        }
        let phase = phase.get();
        if let Some(f) = live.failure() {
            let mut text = explain_failure(&f.error, &f.api_base);
            if phase == Phase::Stale {
                text = format!(
                    "Refresh failed at {}: showing the last metrics. {text}",
                    local_time(f.at_ms)
                );
            }
            let kind = Some(f.error.kind().as_str());
            parts.push(message(
                "metrics-failed",
                "metrics-failed",
                "alert",
                kind,
                text,
            ));
        }
        if phase == Phase::Loading {
            let text = "Loading metrics…".to_string();
            parts.push(message("loading", "metrics-loading", "status", None, text));
        }
        let at = live.fetched_at();
        if at > 0.0 && phase.has_data() {
            let text = format!(
                "As of {} · refreshed every minute while open",
                local_time(at)
            );
            parts.push(message("muted", "metrics-as-of", "status", None, text));
        }
        live.with_data(|d| {
            if let Some(charted) = d {
                parts.push(if charted.metrics.has_readings() {
                    charts_view(charted).into_any()
                } else {
                    let text = format!(
                        "No metrics for the {} yet. Novita reports them about a minute late, so a newly started instance shows its first readings after a minute or two; if this lasts, the instance may not report metrics.",
                        charted.window.phrase()
                    );
                    message("metrics-empty", "metrics-empty", "status", None, text)
                });
            }
        });
        parts
    };
    view! {
        <details class="card metrics" data-testid="metrics"
            prop:open=move || state.metrics_open()
            on:toggle:target=move |ev| state.set_metrics_open(ev.target().open())>
            <summary><h3 class="inline-heading">"Metrics"</h3></summary>
            <div class="metrics-bar">
                <label class="inline">
                    "Window "
                    <select data-testid="metrics-range"
                        prop:value=move || state.metrics_window().value()
                        on:change:target=move |ev| {
                            if let Some(w) = Window::parse(&ev.target().value()) {
                                state.set_metrics_window(w);
                            }
                        }>
                        {options}
                    </select>
                </label>
            </div>
            {content}
        </details>
    }
}
