//! The logs panel: an instance's system and container logs, streamed live.
//!
//! Collapsed until asked for, so no stream opens on its own. Inside: two tabs, the stream's
//! state in words, a filter that highlights its matches, pause, local time or UTC, download,
//! and a scroll box that holds only the lines in sight (see [`stream`]). The stream closes when
//! the panel is closed, the tab changes, or the panel goes (another instance, or none).
//!
//! The panel is drawn by hand: its fixed markup (a constant, with nothing from the API or a log
//! in it) goes into one container once, with every part always in the page and shown or hidden
//! by attribute. One handler takes every event of its controls, and one effect writes every
//! text and attribute that can change, each only when it differs (`browser::dom`). As a
//! reactive view, with a closure per changing text and attribute, the panel cost the wasm about
//! 6.6 KB more, gzipped; built element by element rather than from the markup, 0.2 KB more.
//! Text from the API or a log only ever goes in as text.

mod stream;

use crate::browser::dom::{find, flag, set_attr, set_text, true_false, Listeners};
use crate::reactive::effect;
use crate::state::AppState;
use instance_model::format::thousands;
use instance_model::logs::{
    download_file_name, download_url, dropped_notice, offset_label, stream_url, LogKind, LogSource,
    StreamPhase, DEFAULT_TAIL, MAX_LINES,
};
use instance_model::LogStreams;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use stream::{local_offset_minutes, Dom, LogStream};
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlInputElement, HtmlSelectElement, Node};

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
    let state = expect_context::<AppState>();
    let root = NodeRef::<leptos::html::Div>::new();
    // Made here rather than in the effect, whose own owner is cleared on every run.
    let changed = Trigger::new();
    let stream = LogStream::new(changed);
    let mut unbuilt = Some((instance_id, logs.unwrap_or_default(), stream));
    // Kept by the effect: when the panel goes, so does the effect, and with it the panel's
    // handler (removed from the page) and its stream (closed).
    let mut panel: Option<Panel> = None;
    effect(move || {
        let Some(root) = root.get() else { return };
        if let Some((instance_id, logs, stream)) = unbuilt.take() {
            let parts = Parts::new(&root, state, instance_id, logs, stream, changed, demo);
            panel = Some(Panel::listen(parts));
        }
        if let Some(panel) = &panel {
            panel.parts.show();
        }
    });
    // A bare container, the same view as other hand-drawn parts (its class is set by hand).
    view! { <div node_ref=root></div> }
}

/// The events the panel's controls raise, all taken by one handler on the panel (`scroll`,
/// which does not bubble, on the scroll box itself).
const EVENTS: [&str; 3] = ["click", "input", "change"];

/// The panel in the page and its handler, removed with it (and its stream closed).
struct Panel {
    parts: Rc<Parts>,
    _listening: Listeners,
}

impl Panel {
    fn listen(parts: Parts) -> Panel {
        let parts = Rc::new(parts);
        let handled = Rc::clone(&parts);
        let listening = Listeners::new(&parts.root, &EVENTS, &parts.scroller, move |ev: Event| {
            handled.on_event(&ev)
        });
        Panel {
            parts,
            _listening: listening,
        }
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        self.parts.stream.close();
    }
}

/// The panel's elements that change, and what its controls chose.
struct Parts {
    state: AppState,
    logs: LogStreams,
    instance_id: String,
    stream: Rc<LogStream>,
    /// Told when a choice below or what the stream shows changes, so the effect shows it.
    changed: Trigger,
    open: Cell<bool>,
    tab: Cell<LogKind>,
    /// How many past lines a new stream asks for.
    tail: Cell<u32>,
    filtering: Cell<bool>,
    download_failed: RefCell<Option<String>>,
    root: Element,
    toggle: Element,
    body: Element,
    tabs: [(LogKind, Element); 2],
    status: Element,
    stop: Element,
    unavailable: Element,
    controls: Element,
    pause: Element,
    failed: Element,
    failed_text: Node,
    failed_link: Element,
    dropped: Element,
    paused: Element,
    empty: Element,
    scroller: Element,
    jump: Element,
}

/// The panel's fixed markup, closed: no text from the API or a log, no style and no script
/// (so no Content-Security-Policy objects to it). What changes is written by [`Parts::show`].
const MARKUP: &str = concat!(
    r#"<p class="muted" data-testid="logs-demo"></p>"#,
    r#"<button type="button" data-testid="logs-toggle" aria-expanded="false" aria-controls="logs-body">Show logs</button>"#,
    r#"<div class="logs-body" id="logs-body" hidden="">"#,
    r#"<div class="logs-toolbar">"#,
    r#"<div class="tabs" role="group" aria-label="Which log">"#,
    r#"<button class="tab" type="button" data-testid="logs-tab-system">System</button>"#,
    r#"<button class="tab" type="button" data-testid="logs-tab-instance">Instance</button>"#,
    r#"</div>"#,
    r#"<span class="logs-status" data-testid="logs-status" role="status"></span>"#,
    r#"<button type="button" data-testid="logs-stop">Stop</button>"#,
    r#"</div>"#,
    r#"<p class="muted" data-testid="logs-unavailable"></p>"#,
    r#"<div class="logs-stream">"#,
    r#"<div class="logs-controls">"#,
    r#"<input class="logs-filter" type="search" data-testid="logs-filter" placeholder="Filter lines" aria-label="Filter log lines">"#,
    r#"<button type="button" data-testid="logs-pause">Pause</button>"#,
    r#"<label class="logs-tail">Last <select data-testid="logs-tail" title="Past lines to fetch when the stream opens">"#,
    r#"<option value="100">100</option><option value="500" selected="">500</option>"#,
    r#"<option value="1000">1000</option><option value="5000">5000</option>"#,
    r#"</select> lines</label>"#,
    r#"<label class="logs-utc"><input type="checkbox" data-testid="logs-utc"> UTC</label>"#,
    r#"<button type="button" data-testid="logs-download">Download .txt</button>"#,
    r#"</div>"#,
    r#"<p class="hint warn" role="alert" hidden="">Download failed: . "#,
    r#"<a target="_blank" rel="noopener noreferrer">Open the log address<span class="sr-only"> (opens in a new tab)</span></a>"#,
    r#"</p>"#,
    r#"<p class="logs-notice" data-testid="logs-dropped"></p>"#,
    r#"<p class="logs-notice" data-testid="logs-paused"></p>"#,
    r#"<div class="logs-frame">"#,
    r#"<div class="log-scroll" tabindex="0" role="region" aria-label="Log lines" data-testid="log-lines">"#,
    r#"<p class="log-empty"></p>"#,
    r#"<div class="log-sizer"><div class="log-window"></div></div>"#,
    r#"</div>"#,
    r#"<button class="logs-jump" type="button" data-testid="logs-jump">↓ Jump to latest</button>"#,
    r#"</div></div></div>"#,
);

impl Parts {
    /// Draws the panel into `root`, closed, and hands the stream its scroll box.
    fn new(
        root: &Element,
        state: AppState,
        instance_id: String,
        logs: LogStreams,
        stream: Rc<LogStream>,
        changed: Trigger,
        demo: bool,
    ) -> Parts {
        root.set_class_name("logs");
        root.set_inner_html(MARKUP);
        let part = |css: &str| find(root, css);
        if demo {
            // Demo data promises no network, so the panel offers nothing to open.
            set_text(
                &part("[data-testid=logs-demo]"),
                "Logs are not available in the demo: it uses no network.",
            );
            set_attr(&part("[data-testid=logs-toggle]"), "hidden", Some(""));
        }
        let zone = offset_label(local_offset_minutes(js_sys::Date::now()));
        let title = format!("Unticked: your time zone, {zone}");
        set_attr(&part(".logs-utc"), "title", Some(&title));
        let failed = part("[role=alert]");
        let scroller = part(".log-scroll");
        // Both are divs (a stand-in is an `<i>`): HTML elements, so the unchecked casts hold.
        stream.attach(Dom {
            scroller: scroller.clone(),
            sizer: part(".log-sizer").unchecked_into(),
            rows: part(".log-window").unchecked_into(),
        });
        Parts {
            state,
            logs,
            instance_id,
            stream,
            changed,
            open: Cell::new(false),
            tab: Cell::new(LogKind::System),
            tail: Cell::new(DEFAULT_TAIL),
            filtering: Cell::new(false),
            download_failed: RefCell::new(None),
            root: root.clone(),
            toggle: part("[data-testid=logs-toggle]"),
            body: part(".logs-body"),
            tabs: [
                (LogKind::System, part("[data-testid=logs-tab-system]")),
                (LogKind::Instance, part("[data-testid=logs-tab-instance]")),
            ],
            status: part(".logs-status"),
            stop: part("[data-testid=logs-stop]"),
            unavailable: part("[data-testid=logs-unavailable]"),
            controls: part(".logs-stream"),
            pause: part("[data-testid=logs-pause]"),
            failed_text: failed
                .first_child()
                .unwrap_or_else(|| failed.clone().into()),
            failed_link: part("[role=alert] a"),
            failed,
            dropped: part("[data-testid=logs-dropped]"),
            paused: part("[data-testid=logs-paused]"),
            empty: part(".log-empty"),
            scroller,
            jump: part(".logs-jump"),
        }
    }

    fn source(&self) -> LogSource {
        let proxy = self.state.log_proxy_base();
        LogSource::of(&self.logs, self.tab.get(), proxy.as_deref())
    }

    fn ready_address(&self) -> Option<String> {
        match self.source() {
            LogSource::Ready(address) => Some(address),
            _ => None,
        }
    }

    /// Opens the chosen tab's stream afresh (or none, when it has no usable address).
    fn start(&self) {
        self.download_failed.replace(None);
        match self.ready_address() {
            Some(address) => self.stream.start(stream_url(&address, self.tail.get())),
            None => self.stream.close(),
        }
    }

    fn download(self: &Rc<Self>) {
        let Some(address) = self.ready_address() else {
            return;
        };
        self.download_failed.replace(None);
        let file_name = download_file_name(&self.instance_id, self.tab.get());
        // The panel may be gone by the time the download ends: then no one needs to hear.
        let panel = Rc::downgrade(self);
        spawn_local(async move {
            if let Err(why) = download(download_url(&address), file_name).await {
                if let Some(panel) = panel.upgrade() {
                    panel.download_failed.replace(Some(why));
                    panel.changed.notify();
                }
            }
        });
    }

    /// Every event of the panel's controls: what it was is told by the element's hook.
    fn on_event(self: &Rc<Self>, ev: &Event) {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        let hook = target.get_attribute("data-testid").unwrap_or_default();
        let stream = &self.stream;
        match (ev.type_().as_str(), hook.as_str()) {
            ("scroll", _) => return stream.scrolled(),
            ("click", "logs-toggle") => {
                let open = !self.open.get();
                self.open.set(open);
                if open {
                    self.start();
                } else {
                    stream.close();
                }
            }
            ("click", "logs-stop") => {
                if stream.shown().phase == Some(StreamPhase::Stopped) {
                    stream.reconnect();
                } else {
                    stream.stop();
                }
            }
            ("click", "logs-pause") => {
                stream.set_paused(stream.shown().paused_at.is_none());
            }
            ("click", "logs-download") => self.download(),
            ("click", "logs-jump") => stream.jump_to_latest(),
            ("click", tab) => {
                let Some((kind, _)) = self
                    .tabs
                    .iter()
                    .find(|(kind, _)| tab.strip_prefix("logs-tab-") == Some(kind.slug()))
                else {
                    return;
                };
                if self.tab.get() == *kind {
                    return;
                }
                self.tab.set(*kind);
                self.start();
            }
            ("input", "logs-filter") => {
                let Some(input) = target.dyn_ref::<HtmlInputElement>() else {
                    return;
                };
                let needle = input.value();
                stream.set_filter(&needle);
                self.filtering.set(!needle.is_empty());
            }
            ("change", "logs-tail") => {
                let chosen = target
                    .dyn_ref::<HtmlSelectElement>()
                    .and_then(|select| select.value().parse::<u32>().ok());
                let Some(n) = chosen else { return };
                self.tail.set(n);
                self.start();
            }
            ("change", "logs-utc") => {
                if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
                    stream.set_utc(input.checked());
                }
            }
            _ => return,
        }
        self.changed.notify();
    }

    /// Brings every text and attribute up to date; run by the effect, which then runs again
    /// when `changed` is told or the configuration changes (it says whether logs go through
    /// the server).
    fn show(&self) {
        self.changed.track();
        let stream = self.stream.shown();
        let open = self.open.get();
        let tab = self.tab.get();
        set_attr(&self.toggle, "aria-expanded", true_false(open));
        set_text(&self.toggle, if open { "Hide logs" } else { "Show logs" });
        set_attr(&self.body, "hidden", flag(!open));
        for (kind, button) in &self.tabs {
            set_attr(button, "aria-pressed", true_false(*kind == tab));
        }

        let phase = stream.phase;
        set_attr(
            &self.status,
            "data-state",
            Some(phase.as_ref().map_or("", StreamPhase::slug)),
        );
        set_text(
            &self.status,
            &phase.as_ref().map(StreamPhase::text).unwrap_or_default(),
        );
        set_attr(&self.stop, "hidden", flag(phase.is_none()));
        let stopped = phase == Some(StreamPhase::Stopped);
        set_text(&self.stop, if stopped { "Reconnect" } else { "Stop" });

        let source = self.source();
        set_text(&self.unavailable, &source.message(tab).unwrap_or_default());
        let ready = match &source {
            LogSource::Ready(address) => Some(download_url(address)),
            _ => None,
        };
        set_attr(&self.controls, "hidden", flag(ready.is_none()));

        let paused = stream.paused_at.is_some();
        set_attr(&self.pause, "aria-pressed", true_false(paused));
        set_text(&self.pause, if paused { "Resume" } else { "Pause" });
        let failed = self.download_failed.borrow();
        set_attr(&self.failed, "hidden", flag(failed.is_none()));
        let why = failed.as_deref().unwrap_or_default();
        set_text(&self.failed_text, &format!("Download failed: {why}. "));
        set_attr(&self.failed_link, "href", ready.as_deref());

        let dropped = dropped_notice(stream.dropped, MAX_LINES);
        set_text(&self.dropped, &dropped.unwrap_or_default());
        let paused_notice = if paused {
            format!(
                "Paused: {} new lines kept, not shown. Press Resume to see them.",
                thousands(stream.unseen)
            )
        } else {
            String::new()
        };
        set_text(&self.paused, &paused_notice);
        let empty = match (stream.empty, self.filtering.get()) {
            (false, _) => "",
            (true, false) => "No lines yet.",
            (true, true) => "No lines match the filter.",
        };
        set_text(&self.empty, empty);
        set_attr(&self.jump, "hidden", flag(stream.follow));
    }
}

#[cfg(test)]
mod tests {
    use super::MARKUP;
    use instance_model::logs::{DEFAULT_TAIL, TAIL_CHOICES};

    /// The markup's tail select offers the model's choices, in order, its default selected.
    #[test]
    fn the_markup_offers_the_tail_choices_with_the_default_selected() {
        let expected: String = TAIL_CHOICES
            .iter()
            .map(|n| {
                let selected = if *n == DEFAULT_TAIL {
                    r#" selected="""#
                } else {
                    ""
                };
                format!(r#"<option value="{n}"{selected}>{n}</option>"#)
            })
            .collect();
        let options = MARKUP
            .split_once("<select")
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(_, rest)| rest.split_once("</select>"))
            .map(|(options, _)| options);
        assert_eq!(options, Some(expected.as_str()));
    }

    /// Nothing a Content-Security-Policy without `'unsafe-inline'` would block.
    #[test]
    fn the_markup_has_no_inline_style_or_script() {
        assert_eq!(crate::browser::dom::blocked_inline(MARKUP), None);
    }
}
