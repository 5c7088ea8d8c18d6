//! One instance, kept fresh. A `Tracker` holds the latest data of one instance ID, its last
//! failure, the statuses seen this visit, and the one request in flight for it. The full view
//! and a watch card of the same instance read the same tracker, so there are never two
//! requests in flight for one instance. When to fetch again is the pure rule in
//! [`instance_model::refresh`]; this module only keeps its timer.

use crate::api::{self, Fetched, InFlight};
use crate::demo;
use instance_model::refresh::{next_delay_ms, LastOutcome, RefreshSetting};
use instance_model::{ApiError, Status, Tone};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// A failed fetch: the error, when, and the API base it went to (for the advice text).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub error: ApiError,
    pub at_ms: f64,
    pub api_base: String,
}

/// One status seen this visit, for the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    pub status: Status,
    pub tone: Tone,
    pub at_ms: f64,
}

/// What a finished fetch changed, for the page to announce.
pub struct StatusChange {
    pub name: String,
    pub from: Status,
    pub to: Status,
}

/// Where a fetch takes its key and base from, and what to do with a status change; the
/// page-wide state provides it, so a tracker stays ignorant of storage and announcements.
pub trait Context: Copy + 'static {
    fn api_base(&self) -> String;
    fn api_key(&self) -> String;
    fn setting(&self) -> RefreshSetting;
    fn visible(&self) -> bool;
    fn on_status_change(&self, change: StatusChange);
}

#[derive(Clone, Copy)]
pub struct Tracker {
    id: StoredValue<String>,
    pub demo: bool,
    pub data: RwSignal<Option<Fetched>>,
    pub failure: RwSignal<Option<Failure>>,
    pub loading: RwSignal<bool>,
    pub timeline: RwSignal<Vec<Seen>>,
    /// Whether this tracker should keep itself fresh (on screen or pinned).
    active: StoredValue<bool>,
    in_flight: StoredValue<Option<InFlight>, LocalStorage>,
    timer: StoredValue<Option<TimeoutHandle>>,
    failures: StoredValue<u32>,
    retry_after_secs: StoredValue<Option<u64>>,
}

impl Tracker {
    pub fn new(id: &str, demo: bool) -> Self {
        Self {
            id: StoredValue::new(id.to_string()),
            demo,
            data: RwSignal::new(None),
            failure: RwSignal::new(None),
            loading: RwSignal::new(false),
            timeline: RwSignal::new(Vec::new()),
            active: StoredValue::new(false),
            in_flight: StoredValue::new_local(None),
            timer: StoredValue::new(None),
            failures: StoredValue::new(0),
            retry_after_secs: StoredValue::new(None),
        }
    }

    pub fn id(&self) -> String {
        self.id.get_value()
    }

    pub fn is_active(&self) -> bool {
        self.active.get_value()
    }

    /// Starts keeping this instance fresh: fetches now unless the data is recent enough.
    pub fn activate(&self, ctx: impl Context) {
        if self.active.get_value() {
            return;
        }
        self.active.set_value(true);
        if self.data.with_untracked(Option::is_none) {
            self.fetch(ctx);
        } else {
            self.reschedule(ctx);
        }
    }

    /// Stops the timer and abandons a request in flight.
    pub fn deactivate(&self) {
        self.active.set_value(false);
        self.clear_timer();
        if self.in_flight.with_value(Option::is_some) {
            self.in_flight.set_value(None);
            self.loading.set(false);
        }
    }

    fn clear_timer(&self) {
        if let Some(t) = self.timer.get_value() {
            t.clear();
        }
        self.timer.set_value(None);
    }

    /// Sets the next fetch by the refresh rule, replacing any timer. Nothing is scheduled
    /// while inactive, hidden, off, or a request is in flight (its completion schedules).
    pub fn reschedule(&self, ctx: impl Context) {
        self.clear_timer();
        if !self.active.get_value() || self.in_flight.with_value(Option::is_some) {
            return;
        }
        let in_progress = self.data.with_untracked(|d| {
            d.as_ref()
                .is_some_and(|f| f.instance.status.is_in_progress())
        });
        let last = match self.failures.get_value() {
            0 => LastOutcome::Success,
            failures => LastOutcome::Failed {
                failures,
                retry_after_secs: self.retry_after_secs.get_value(),
            },
        };
        let Some(delay) = next_delay_ms(ctx.setting(), in_progress, last, ctx.visible()) else {
            return;
        };
        // Count from the last fetch, so changing the setting does not restart the wait.
        let last_at = self
            .failure
            .with_untracked(|f| f.as_ref().map(|f| f.at_ms))
            .into_iter()
            .chain(
                self.data
                    .with_untracked(|d| d.as_ref().map(|d| d.fetched_at_ms)),
            )
            .fold(0.0_f64, f64::max);
        let elapsed = (js_sys::Date::now() - last_at).max(0.0) as u64;
        let wait = delay.saturating_sub(elapsed);
        let tracker = *self;
        if let Ok(handle) =
            set_timeout_with_handle(move || tracker.fetch(ctx), Duration::from_millis(wait))
        {
            self.timer.set_value(Some(handle));
        }
    }

    /// Fetches now, unless a request for this instance is already in flight.
    pub fn fetch(&self, ctx: impl Context) {
        self.clear_timer();
        if self.in_flight.with_value(Option::is_some) {
            return;
        }
        let id = self.id();
        if self.demo {
            if let Some(fetched) = demo::sample(&id) {
                self.accept(ctx, fetched);
            }
            return;
        }
        let key = ctx.api_key();
        if key.trim().is_empty() {
            return; // nothing to send; the form asks for the key
        }
        let base = ctx.api_base();
        let (in_flight, request) = api::get_instance(&base, &key, &id);
        self.in_flight.set_value(Some(in_flight));
        self.loading.set(true);
        let tracker = *self;
        spawn_local(async move {
            let outcome = request.await;
            // Deactivated (or replaced) meanwhile: the answer is no longer wanted.
            if tracker.in_flight.with_value(Option::is_none) {
                return;
            }
            tracker.in_flight.set_value(None);
            tracker.loading.set(false);
            match outcome {
                Ok(fetched) => tracker.accept(ctx, fetched),
                Err(error) => {
                    tracker.failures.update_value(|n| *n = n.saturating_add(1));
                    tracker.retry_after_secs.set_value(error.retry_after_secs());
                    tracker.failure.set(Some(Failure {
                        error,
                        at_ms: js_sys::Date::now(),
                        api_base: base,
                    }));
                    tracker.reschedule(ctx);
                }
            }
        });
    }

    /// Takes fresh data: records a status change, clears the failure, and schedules the next
    /// fetch. Data equal to what is shown (but for its time) keeps the same instance value,
    /// so nothing downstream re-renders.
    fn accept(&self, ctx: impl Context, fetched: Fetched) {
        let previous = self
            .data
            .with_untracked(|d| d.as_ref().map(|f| f.instance.status.clone()));
        let status = fetched.instance.status.clone();
        if previous.as_ref() != Some(&status) {
            self.timeline.update(|t| {
                t.push(Seen {
                    status: status.clone(),
                    tone: fetched.instance.tone(),
                    at_ms: fetched.fetched_at_ms,
                })
            });
            if let Some(from) = previous {
                ctx.on_status_change(StatusChange {
                    name: fetched.instance.display_name().to_string(),
                    from,
                    to: status,
                });
            }
        }
        self.failures.set_value(0);
        self.retry_after_secs.set_value(None);
        if self.failure.with_untracked(Option::is_some) {
            self.failure.set(None);
        }
        self.data.set(Some(fetched));
        self.reschedule(ctx);
    }

    /// Forgets the last failure, so a new explicit load starts with a clean slate.
    pub fn clear_failure(&self) {
        if self.failure.with_untracked(Option::is_some) {
            self.failure.set(None);
        }
    }
}
