//! The metrics panel of the instance on screen: whether it is open, the time window chosen
//! (kept on the device), and the metrics last fetched, as one [`Live`].
//!
//! Its rules: metrics are fetched only while the panel is open and a *running* instance is
//! on screen (a stopped one has none worth asking for), refreshed once a minute while the tab
//! is visible, backing off after failures like the instance does; another instance or another
//! window forgets the old charts, so they are never shown as the new. The instance's own
//! auto-refresh setting and Refresh button do not touch them: the charts show a moving window,
//! so redrawing them with every refresh of the instance would only churn the page.

use super::live::{Live, Rules};
use super::{saved, AppState};
use crate::api;
use instance_model::metrics::query::{Query, Window};
use instance_model::metrics::Metrics;
use instance_model::refresh::RefreshSetting;
use leptos::prelude::*;

/// How often the charts are refreshed while the panel is open.
const REFRESH_SECS: u32 = 60;

/// Metrics as fetched: for which instance, window and query.
#[derive(Clone, Debug, PartialEq)]
pub struct Charted {
    pub instance_id: String,
    pub window: Window,
    pub query: Query,
    pub metrics: Metrics,
}

#[derive(Clone, Copy)]
pub(super) struct MetricsPanel {
    live: Live<Charted>,
    open: RwSignal<bool>,
    /// Whether the open state was chosen yet (by the page's default, or the user).
    decided: StoredValue<bool>,
    window: RwSignal<Window>,
    /// The running instance on screen, whose metrics the panel shows.
    subject: RwSignal<Option<String>>,
}

impl MetricsPanel {
    pub(super) fn new(window: Window) -> Self {
        Self {
            live: Live::new(),
            open: RwSignal::new(false),
            decided: StoredValue::new(false),
            window: RwSignal::new(window),
            subject: RwSignal::new(None),
        }
    }
}

/// What the metrics panel reads, and the changes it asks for.
impl AppState {
    /// The panel's metrics: data, failure, phase (reactive).
    pub fn metrics_live(&self) -> Live<Charted> {
        self.metrics.live
    }

    /// Whether the panel is open.
    pub fn metrics_open(&self) -> bool {
        self.metrics.open.get()
    }

    pub fn metrics_window(&self) -> Window {
        self.metrics.window.get()
    }

    /// The running instance whose metrics the panel shows; `None` when the instance on screen
    /// is not running (or is a demo).
    pub fn metrics_subject(&self) -> Option<String> {
        self.metrics.subject.get()
    }

    pub fn set_metrics_open(&self, open: bool) {
        self.metrics.decided.set_value(true);
        if self.metrics.open.get_untracked() != open {
            self.metrics.open.set(open);
            self.sync_metrics();
        }
    }

    /// The page's default, the first time a panel is shown this visit (open on a wide
    /// screen, closed on a phone); after that, the panel stays as the user left it.
    pub fn open_metrics_by_default(&self, open: bool) {
        if !self.metrics.decided.get_value() {
            self.set_metrics_open(open);
        }
    }

    /// Shows another window: kept on the device, fetched at once.
    pub fn set_metrics_window(&self, window: Window) {
        saved::save_metrics_window(&*self.env(), window);
        if self.metrics.window.get_untracked() != window {
            self.metrics.window.set(window);
            self.metrics.live.reset();
            self.sync_metrics();
        }
    }

    /// The instance on screen changed, or its status did: the panel (and the idle watch)
    /// follow whether a real instance is on screen and running.
    pub(super) fn follow_current(&self) {
        let running = self
            .current_tracker_untracked()
            .filter(|t| !t.demo)
            .filter(|t| {
                t.live.with_data_untracked(|d| {
                    d.is_some_and(|f| matches!(f.instance.status, instance_model::Status::Running))
                })
            })
            .map(|t| t.id());
        if self.metrics.subject.get_untracked() != running {
            self.metrics.live.reset();
            self.metrics.subject.set(running.clone());
        }
        self.sync_metrics();
        self.idle_watch_shown(running);
    }

    /// Starts or stops the panel's fetching to match the rules above.
    pub(super) fn sync_metrics(&self) {
        let panel = self.metrics;
        let wanted = panel.open.get_untracked()
            && panel.subject.with_untracked(Option::is_some)
            && self.key_for_request().is_some();
        if !wanted {
            panel.live.deactivate();
        } else if panel.live.activate() {
            if panel.live.has_data_untracked() {
                self.reschedule_metrics();
            } else {
                self.fetch_metrics();
            }
        }
    }

    pub(super) fn reschedule_metrics(&self) {
        let rules = Rules {
            setting: RefreshSetting::EverySecs(REFRESH_SECS),
            visible: self.visible.get_value(),
        };
        let state = *self;
        self.metrics
            .live
            .schedule(&self.env(), rules, false, move || state.fetch_metrics());
    }

    /// Fetches the panel's metrics now, unless a fetch is on its way, the panel is not showing
    /// a running instance, or the tab is hidden.
    pub(super) fn fetch_metrics(&self) {
        let live = self.metrics.live;
        live.clear_timer();
        // Hidden: nothing now; being shown again reschedules, and so fetches what is due.
        if live.is_busy() || !live.is_active() || !self.visible.get_value() {
            return;
        }
        let (Some(id), Some(key)) = (self.metrics.subject.get_untracked(), self.key_for_request())
        else {
            return;
        };
        let env = self.env();
        let window = self.metrics.window.get_untracked();
        let query = window.query((env.now_ms() / 1000.0) as i64);
        let base = self.api_base.get_untracked();
        let (request, answer) = api::metrics::get(&*env, &base, &key, &id, &query);
        let number = live.begin(request);
        let state = *self;
        env.spawn(Box::pin(async move {
            let outcome = answer.await;
            if !live.end(number) {
                return; // abandoned: closed, another instance or window, or disposed
            }
            let now = state.env().now_ms();
            match outcome {
                Ok(metrics) => live.succeed(
                    Charted {
                        instance_id: id,
                        window,
                        query,
                        metrics,
                    },
                    now,
                ),
                Err(error) => live.fail(error, now, base),
            }
            state.reschedule_metrics();
        }));
    }
}
