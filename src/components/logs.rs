//! The logs panel: an instance's system and container logs, streamed live.
//!
//! Collapsed until asked for, so no stream opens on its own. Inside: two tabs, the stream's
//! state in words, a filter that highlights its matches, pause, local time or UTC, download,
//! and a scroll box that holds only the lines in sight (see [`stream`]). The stream closes when
//! the panel is closed, the tab changes, or the panel goes (another instance, or none).
//!
//! The panel's parts are always in the page and shown or hidden by attribute, which keeps the
//! wasm small; only what changes is reactive.

mod stream;

use instance_model::format::thousands;
use instance_model::logs::{
    download_file_name, download_url, dropped_notice, offset_label, stream_url, LogKind, LogSource,
    StreamPhase, DEFAULT_TAIL, MAX_LINES, TAIL_CHOICES,
};
use instance_model::LogStreams;
use leptos::prelude::*;
use leptos::task::spawn_local;
use stream::{local_offset_minutes, Dom, LogStream};
use wasm_bindgen::JsCast;

/// Fetches the whole log (a plain GET: no key, no cookies, no referrer) and saves it as a
/// `.txt` file.
async fn download(url: String, file_name: String) -> Result<(), String> {
    let unreadable = || "the answer could not be read".to_string();
    let init = web_sys::RequestInit::new();
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
    let response = crate::browser::fetch(&url, &init).await.map_err(|()| {
        "the log address could not be reached (offline, or it does not allow this page)".to_string()
    })?;
    if !response.ok() {
        return Err(format!("the log address answered {}", response.status()));
    }
    let promise = response.blob().map_err(|_| unreadable())?;
    let blob: web_sys::Blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .ok()
        .and_then(|b| b.dyn_into().ok())
        .ok_or_else(unreadable)?;
    crate::browser::save_file::save_blob(&blob, &file_name).map_err(|e| e.to_string())
}

/// The panel for one instance's `logs`.
///
/// When `config.json` says `"proxyLogs": true` (the bundled server's does), every log address
/// (http or https) is opened through the server's `{apiBase}/log-stream/...` route; otherwise
/// only `https:` addresses are opened, at their own addresses.
#[component]
pub fn LogsPanel(instance_id: String, logs: Option<LogStreams>, demo: bool) -> impl IntoView {
    let state = expect_context::<crate::state::AppState>();
    let logs = StoredValue::new(logs.unwrap_or_default());
    let source = move |kind: LogKind| {
        let proxy = state.log_proxy_base();
        logs.with_value(|l| LogSource::of(l, kind, proxy.as_deref()))
    };
    let stream = LogStream::new();
    let LogStream {
        phase,
        dropped,
        follow,
        paused_at,
        unseen,
        empty,
        ..
    } = *stream;
    let stream = StoredValue::new_local(stream);
    // The panel is gone (another instance, or none): the stream goes with it.
    on_cleanup(move || stream.with_value(|s| s.close()));

    let open = RwSignal::new(false);
    let tab = RwSignal::new(LogKind::System);
    let filter = RwSignal::new(String::new());
    let download_failed = RwSignal::new(None::<String>);
    // How many past lines a new stream asks for.
    let tail = RwSignal::new(DEFAULT_TAIL);

    let ready_address = move || match source(tab.get()) {
        LogSource::Ready(address) => Some(address),
        _ => None,
    };
    let start = move || {
        download_failed.set(None);
        match ready_address() {
            Some(address) => {
                stream.with_value(|s| s.start(stream_url(&address, tail.get_untracked())));
            }
            None => stream.with_value(|s| s.close()),
        }
    };
    let toggle = move |_| {
        let now_open = !open.get_untracked();
        open.set(now_open);
        if now_open {
            start();
        } else {
            stream.with_value(|s| s.close());
        }
    };
    let choose = move |kind: LogKind| {
        if tab.get_untracked() != kind {
            tab.set(kind);
            start();
        }
    };
    let tab_button = move |kind: LogKind, testid: &'static str| {
        view! {
            <button type="button" class="tab" data-testid=testid
                aria-pressed=move || (tab.get() == kind).to_string()
                on:click=move |_| choose(kind)>
                {kind.label()}
            </button>
        }
    };
    let on_download = move |_| {
        let Some(address) = ready_address() else {
            return;
        };
        download_failed.set(None);
        let file_name = download_file_name(&instance_id, tab.get_untracked());
        spawn_local(async move {
            if let Err(why) = download(download_url(&address), file_name).await {
                download_failed.set(Some(why));
            }
        });
    };
    let stop_or_reconnect = move |_| {
        stream.with_value(|s| {
            if phase.get_untracked() == Some(StreamPhase::Stopped) {
                s.reconnect();
            } else {
                s.stop();
            }
        })
    };

    let scroller = NodeRef::<leptos::html::Div>::new();
    let sizer = NodeRef::<leptos::html::Div>::new();
    let rows = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let (Some(scroller), Some(sizer), Some(rows)) = (scroller.get(), sizer.get(), rows.get())
        {
            stream.with_value(|s| {
                s.attach(Dom {
                    scroller: scroller.into(),
                    sizer: sizer.into(),
                    rows: rows.into(),
                })
            });
        }
    });

    let unavailable = move || source(tab.get()).message(tab.get());
    let paused = move || paused_at.get().is_some();
    let zone = offset_label(local_offset_minutes(js_sys::Date::now()));
    // Demo data promises no network, so the panel offers nothing to open.
    let demo_note = demo.then_some("Logs are not available in the demo: it uses no network.");
    view! {
        <div class="logs">
            <p class="muted" data-testid="logs-demo">{demo_note}</p>
            <button type="button" data-testid="logs-toggle" hidden=demo aria-expanded=move || open.get().to_string()
                aria-controls="logs-body" on:click=toggle>
                {move || if open.get() { "Hide logs" } else { "Show logs" }}
            </button>
            <div id="logs-body" class="logs-body" hidden=move || !open.get()>
                <div class="logs-toolbar">
                    <div class="tabs" role="group" aria-label="Which log">
                        {tab_button(LogKind::System, "logs-tab-system")}
                        {tab_button(LogKind::Instance, "logs-tab-instance")}
                    </div>
                    <span class="logs-status" data-testid="logs-status" role="status"
                        data-state=move || phase.get().map_or("", |p| p.slug())>
                        {move || phase.get().map(|p| p.text())}
                    </span>
                    <button type="button" data-testid="logs-stop" hidden=move || phase.get().is_none()
                        on:click=stop_or_reconnect>
                        {move || if phase.get() == Some(StreamPhase::Stopped) { "Reconnect" } else { "Stop" }}
                    </button>
                </div>
                <p class="muted" data-testid="logs-unavailable">{unavailable}</p>
                <div class="logs-stream" hidden=move || ready_address().is_none()>
                    <div class="logs-controls">
                        <input type="search" class="logs-filter" data-testid="logs-filter"
                            placeholder="Filter lines" aria-label="Filter log lines"
                            on:input:target=move |ev| {
                                let needle = ev.target().value();
                                stream.with_value(|s| s.set_filter(&needle));
                                filter.set(needle);
                            } />
                        <button type="button" data-testid="logs-pause" aria-pressed=move || paused().to_string()
                            on:click=move |_| stream.with_value(|s| s.set_paused(paused_at.get_untracked().is_none()))>
                            {move || if paused() { "Resume" } else { "Pause" }}
                        </button>
                        <label class="logs-tail">
                            "Last "
                            <select data-testid="logs-tail" title="Past lines to fetch when the stream opens"
                                on:change:target=move |ev| {
                                    if let Ok(n) = ev.target().value().parse::<u32>() {
                                        tail.set(n);
                                        start();
                                    }
                                }>
                                {TAIL_CHOICES.map(|n| view! { <option value=n.to_string() selected=n == DEFAULT_TAIL>{n}</option> }).collect_view()}
                            </select>
                            " lines"
                        </label>
                        <label class="logs-utc" title=format!("Unticked: your time zone, {zone}")>
                            <input type="checkbox" data-testid="logs-utc"
                                on:change:target=move |ev| stream.with_value(|s| s.set_utc(ev.target().checked())) />
                            " UTC"
                        </label>
                        <button type="button" data-testid="logs-download" on:click=on_download>
                            "Download .txt"
                        </button>
                    </div>
                    <p class="hint warn" role="alert" hidden=move || download_failed.with(Option::is_none)>
                        "Download failed: " {move || download_failed.get()} ". "
                        <a href=move || ready_address().map(|a| download_url(&a)) target="_blank" rel="noopener noreferrer">
                            "Open the log address"<span class="sr-only">" (opens in a new tab)"</span>
                        </a>
                    </p>
                    <p class="logs-notice" data-testid="logs-dropped">
                        {move || dropped_notice(dropped.get(), MAX_LINES)}
                    </p>
                    <p class="logs-notice" data-testid="logs-paused">
                        {move || paused().then(|| format!(
                            "Paused: {} new lines kept, not shown. Press Resume to see them.",
                            thousands(unseen.get())
                        ))}
                    </p>
                    <div class="logs-frame">
                        <div class="log-scroll" node_ref=scroller tabindex="0" role="region"
                            aria-label="Log lines"
                            data-testid="log-lines"
                            on:scroll=move |_| stream.with_value(|s| s.scrolled())>
                            <p class="log-empty">
                                {move || empty.get().then(|| if filter.with(String::is_empty) { "No lines yet." } else { "No lines match the filter." })}
                            </p>
                            <div class="log-sizer" node_ref=sizer>
                                <div class="log-window" node_ref=rows></div>
                            </div>
                        </div>
                        <button type="button" class="logs-jump" data-testid="logs-jump" hidden=move || follow.get()
                            on:click=move |_| stream.with_value(|s| s.jump_to_latest())>
                            "↓ Jump to latest"
                        </button>
                    </div>
                </div>
            </div>
        </div>
    }
    // Erased here so the instance view's code does not carry this whole tree's type.
    .into_any()
}
