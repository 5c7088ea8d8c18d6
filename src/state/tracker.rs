//! One instance, kept fresh: its [`Live`] data and failure, and the statuses seen this visit.
//! The full view and a watch card of the same instance read the same tracker, so there is
//! never more than one request in flight for one instance.

use super::live::Live;
use super::AppState;
use crate::api::instance::{self, Fetched};
use crate::demo;
use instance_model::{ErrorKind, Status, Tone};
use leptos::prelude::*;

/// One status seen this visit, for the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Seen {
    pub status: Status,
    pub tone: Tone,
    pub at_ms: f64,
}

#[derive(Clone, Copy)]
pub struct Tracker {
    id: StoredValue<String>,
    pub demo: bool,
    pub live: Live<Fetched>,
    /// The statuses seen this visit, oldest first (only the tracker adds to it).
    pub timeline: ReadSignal<Vec<Seen>>,
    add_seen: WriteSignal<Vec<Seen>>,
}

impl Tracker {
    /// Made only by the list of trackers, under an owner of its own (see `trackers.rs`).
    pub(super) fn new(id: &str, demo: bool) -> Self {
        let (timeline, add_seen) = signal(Vec::new());
        Self {
            id: StoredValue::new(id.to_string()),
            demo,
            live: Live::new(),
            timeline,
            add_seen,
        }
    }

    pub fn id(&self) -> String {
        self.id.get_value()
    }

    pub fn is(&self, id: &str, demo: bool) -> bool {
        self.demo == demo && self.id.with_value(|i| i == id)
    }

    /// Starts keeping it fresh: fetches now unless there is data already.
    pub(super) fn activate(&self, state: AppState) {
        if self.live.activate() {
            if self.live.has_data_untracked() {
                self.reschedule(state);
            } else {
                self.fetch(state);
            }
        }
    }

    pub(super) fn reschedule(&self, state: AppState) {
        let in_progress = self
            .live
            .with_data_untracked(|d| d.is_some_and(|f| f.instance.status.is_in_progress()))
            || (!self.demo && self.id.with_value(|id| state.action_wants_fast_refresh(id)));
        let tracker = *self;
        self.live
            .schedule(&state.env(), state.rules(), in_progress, move || {
                tracker.fetch(state)
            });
    }

    /// Fetches now, unless a request for this instance is already in flight.
    pub(super) fn fetch(&self, state: AppState) {
        self.live.clear_timer();
        if self.live.is_busy() {
            return;
        }
        let id = self.id();
        if self.demo {
            if let Some(fetched) = demo::sample(&id) {
                self.accept(state, fetched);
            }
            return;
        }
        let Some(key) = state.key_for_request() else {
            return; // nothing to send; the form asks for the key
        };
        let env = state.env();
        let base = state.api_base.get_untracked();
        let (request, answer) = instance::get(&*env, &base, &key, &id);
        let number = self.live.begin(request);
        let tracker = *self;
        env.spawn(Box::pin(async move {
            let outcome = answer.await;
            // Abandoned (another load, or no longer watched) or disposed meanwhile.
            if !tracker.live.end(number) {
                return;
            }
            match outcome {
                Ok(fetched) => tracker.accept(state, fetched),
                Err(error) => {
                    if error.kind() == ErrorKind::NotFound {
                        state.action_gone(&id);
                    }
                    tracker.live.fail(error, state.env().now_ms(), base);
                    tracker.reschedule(state);
                }
            }
        }));
    }

    /// Takes fresh data: records a status change in the timeline, says it (once, however
    /// many places see it), and schedules the next fetch.
    fn accept(&self, state: AppState, fetched: Fetched) {
        let now = state.env().now_ms();
        let previous = self
            .live
            .with_data_untracked(|d| d.map(|f| f.instance.status.clone()));
        let status = fetched.instance.status.clone();
        if !self.demo {
            self.id.with_value(|id| state.action_saw(id, &status));
        }
        if previous.as_ref() != Some(&status) {
            self.add_seen.update(|t| {
                t.push(Seen {
                    status: status.clone(),
                    tone: fetched.instance.tone(),
                    at_ms: now,
                })
            });
        }
        let name = fetched.instance.display_name().to_string();
        state.saw_statuses(vec![(self.id(), name, status)]);
        self.live.succeed(fetched, now);
        state.follow_current();
        self.reschedule(state);
    }

    /// Forgets the last failure, so a new explicit load starts with a clean slate.
    pub(super) fn clear_failure(&self) {
        self.live.clear_failure();
    }
}
