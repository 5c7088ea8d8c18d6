//! The idle watch: which running instances have had idle GPUs, and since when, for the idle
//! flag of the instance view and of the fleet's rows.
//!
//! It checks the running instance on screen and the running instances the fleet hands it
//! ([`AppState::watch_idle`]), and nothing else: a stopped instance is never asked about. Its
//! pacing keeps a fleet of any size from flooding the API (the figures are constants in
//! [`instance_model::idle`]):
//!
//! - each instance is checked at most every [`CHECK_EVERY_SECS`] (5 min); a check asks for the
//!   rule's window and a margin, sampled every minute;
//! - when a check finds idle GPUs and cannot see when they went quiet, one look back over the
//!   last day follows (five-minute samples), at most once an hour per instance;
//! - at most [`MAX_IN_FLIGHT`] requests at once, and at least [`MIN_SPACING_MS`] between two
//!   starts: never more than 60 requests a minute, whatever the fleet's size;
//! - nothing while the tab is hidden or there is no key; a 429, a 5xx, a timeout or a network
//!   failure pauses every check (doubling from 10 s to 5 min, never before `Retry-After`).
//!
//! The instance on screen goes first when it is due. What each check found is kept per
//! instance (the GPU average over the last day), so a change of the idle rule in Settings
//! re-judges every instance without asking the API again.

use super::env::Cancel;
use super::AppState;
use crate::api;
use instance_model::idle::{
    self, look_back_query, merge, IdleRule, Verdict, CHECK_EVERY_SECS, LOOK_BACK_EVERY_SECS,
    MAX_IN_FLIGHT, MIN_SPACING_MS,
};
use instance_model::metrics::{Metrics, Point};
use instance_model::{ApiError, ErrorKind};
use leptos::prelude::*;
use std::collections::HashMap;

/// The first pause after a failure that concerns every check, and the longest.
const PAUSE_FIRST_MS: f64 = 10_000.0;
const PAUSE_MAX_MS: f64 = 300_000.0;

/// What is known of one instance's GPUs, for its idle flag.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IdleState {
    pub verdict: Verdict,
    /// When the last check (or look back) came back, ms since the epoch.
    pub checked_at_ms: f64,
}

impl IdleState {
    pub fn is_idle(&self) -> bool {
        matches!(self.verdict, Verdict::Idle { .. })
    }

    /// The flag's words at `now_ms`; `None` unless idle.
    pub fn flag_text(&self, now_ms: f64) -> Option<String> {
        idle::flag_text(self.verdict, (now_ms / 1000.0) as i64)
    }
}

/// One instance being watched.
#[derive(Default)]
struct Watched {
    /// The GPU average over the last day, as far as the checks saw it.
    history: Vec<Point>,
    checked_at_ms: Option<f64>,
    looked_back_at_ms: Option<f64>,
    wants_look_back: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Check,
    LookBack,
}

#[derive(Clone, Copy)]
pub(super) struct IdleWatch {
    results: RwSignal<HashMap<String, IdleState>>,
    rule: RwSignal<IdleRule>,
    /// The running instances of the fleet, in its order.
    fleet: StoredValue<Vec<String>>,
    /// The running instance on screen.
    shown: StoredValue<Option<String>>,
    watched: StoredValue<HashMap<String, Watched>>,
    in_flight: StoredValue<Vec<(String, Cancel)>, LocalStorage>,
    timer: StoredValue<Option<Cancel>, LocalStorage>,
    last_start_ms: StoredValue<f64>,
    paused_until_ms: StoredValue<f64>,
    failures: StoredValue<u32>,
}

impl IdleWatch {
    pub(super) fn new(rule: IdleRule) -> Self {
        Self {
            results: RwSignal::new(HashMap::new()),
            rule: RwSignal::new(rule),
            fleet: StoredValue::new(Vec::new()),
            shown: StoredValue::new(None),
            watched: StoredValue::new(HashMap::new()),
            in_flight: StoredValue::new_local(Vec::new()),
            timer: StoredValue::new_local(None),
            last_start_ms: StoredValue::new(f64::NEG_INFINITY),
            paused_until_ms: StoredValue::new(0.0),
            failures: StoredValue::new(0),
        }
    }

    /// The instances to check: the one on screen first, then the fleet's (each once).
    fn ids(&self) -> Vec<String> {
        let mut ids = Vec::new();
        self.each_id(|id| {
            ids.push(id.to_string());
            true
        });
        ids
    }

    /// Calls `f` with each instance to check, in [`IdleWatch::ids`]' order, until it says
    /// stop (`false`). Walks the fleet's list in place: it may hold thousands.
    fn each_id(&self, mut f: impl FnMut(&str) -> bool) {
        let shown = self.shown.get_value();
        if let Some(id) = &shown {
            if !f(id) {
                return;
            }
        }
        self.fleet.with_value(|fleet| {
            for id in fleet {
                if shown.as_ref() != Some(id) && !f(id) {
                    return;
                }
            }
        });
    }

    fn is_in_flight(&self, id: &str) -> bool {
        self.in_flight
            .with_value(|f| f.iter().any(|(other, _)| other == id))
    }
}

/// What the idle flags read, and what the fleet and Settings tell it.
impl AppState {
    /// What is known of an instance's GPUs (reactive). `None` unless it is running and watched
    /// (on screen, or handed over by the fleet) and has been checked.
    pub fn idle_for(&self, id: &str) -> Option<IdleState> {
        self.idle.results.with(|r| r.get(id).copied())
    }

    /// The idle rule in force (reactive).
    pub fn idle_rule(&self) -> IdleRule {
        self.idle.rule.get()
    }

    /// A new idle rule: kept on the device, and every watched instance judged again by it.
    pub fn set_idle_rule(&self, rule: IdleRule) {
        super::saved::save_idle_rule(&*self.env(), rule);
        if self.idle.rule.get_untracked() == rule {
            return;
        }
        self.idle.rule.set(rule);
        let ids = self.idle.ids();
        for id in &ids {
            self.judge(id);
        }
        self.pump_idle();
    }

    /// The running instances of the fleet (in its order), to check for idle GPUs. Call it with
    /// every new list; instances left out (stopped, gone) are forgotten at once, and a check of
    /// theirs in flight is abandoned.
    pub fn watch_idle(&self, running: Vec<String>) {
        self.idle.fleet.set_value(running);
        self.forget_unwatched();
        self.pump_idle();
    }

    /// The running instance on screen (`None`: none is).
    pub(super) fn idle_watch_shown(&self, id: Option<String>) {
        if self.idle.shown.get_value() == id {
            return;
        }
        self.idle.shown.set_value(id);
        self.forget_unwatched();
        self.pump_idle();
    }

    fn forget_unwatched(&self) {
        let ids: std::collections::HashSet<String> = self.idle.ids().into_iter().collect();
        let keep = |id: &String| ids.contains(id);
        self.idle
            .watched
            .update_value(|w| w.retain(|id, _| keep(id)));
        self.idle
            .in_flight
            .update_value(|f| f.retain(|(id, _)| keep(id)));
        if self
            .idle
            .results
            .with_untracked(|r| r.keys().any(|id| !keep(id)))
        {
            self.idle.results.update(|r| r.retain(|id, _| keep(id)));
        }
    }

    /// Starts the next check if one is due and the pacing allows; otherwise sets a timer for
    /// when one will be. Called whenever something changes and after every answer.
    pub(super) fn pump_idle(&self) {
        let watch = self.idle;
        watch.timer.set_value(None);
        if !self.visible.get_value() || self.key_for_request().is_none() {
            return;
        }
        if watch.in_flight.with_value(Vec::len) >= MAX_IN_FLIGHT {
            return; // an answer pumps again
        }
        let now = self.env().now_ms();
        let ready_at = watch
            .paused_until_ms
            .get_value()
            .max(watch.last_start_ms.get_value() + MIN_SPACING_MS as f64);
        if now < ready_at {
            self.wake_idle_at(ready_at, now);
            return;
        }
        // A wanted look back first; then the instance due the longest (never checked first,
        // and the one on screen before the fleet's on a tie).
        let mut next: Option<(String, Kind, f64)> = None;
        watch.watched.with_value(|watched| {
            watch.each_id(|id| {
                if watch.is_in_flight(id) {
                    return true;
                }
                let entry = watched.get(id);
                if entry.is_some_and(|e| e.wants_look_back) {
                    next = Some((id.to_string(), Kind::LookBack, f64::NEG_INFINITY));
                    return false;
                }
                let due = entry
                    .and_then(|e| e.checked_at_ms)
                    .map_or(f64::NEG_INFINITY, |at| {
                        at + CHECK_EVERY_SECS as f64 * 1000.0
                    });
                if next.as_ref().is_none_or(|(_, _, best)| due < *best) {
                    next = Some((id.to_string(), Kind::Check, due));
                }
                true
            });
        });
        match next {
            Some((id, kind, due)) if due <= now => {
                self.start_idle_check(id, kind, now);
                self.wake_idle_at(now + MIN_SPACING_MS as f64, now);
            }
            Some((_, _, due)) => self.wake_idle_at(due, now),
            None => {}
        }
    }

    fn wake_idle_at(&self, at_ms: f64, now_ms: f64) {
        let state = *self;
        let delay = (at_ms - now_ms).max(0.0).ceil() as u64;
        let timer = self
            .env()
            .set_timeout(delay, Box::new(move || state.pump_idle()));
        self.idle.timer.set_value(Some(timer));
    }

    fn start_idle_check(&self, id: String, kind: Kind, now_ms: f64) {
        let Some(key) = self.key_for_request() else {
            return;
        };
        let env = self.env();
        let now_secs = (now_ms / 1000.0) as i64;
        let query = match kind {
            Kind::Check => self.idle.rule.get_untracked().check_query(now_secs),
            Kind::LookBack => look_back_query(now_secs),
        };
        let base = self.api_base.get_untracked();
        let (request, answer) = api::metrics::get(&*env, &base, &key, &id, &query);
        self.idle.watched.update_value(|w| {
            let entry = w.entry(id.clone()).or_default();
            if kind == Kind::LookBack {
                entry.wants_look_back = false;
            }
        });
        self.idle
            .in_flight
            .update_value(|f| f.push((id.clone(), request)));
        self.idle.last_start_ms.set_value(now_ms);
        let state = *self;
        env.spawn(Box::pin(async move {
            let outcome = answer.await;
            state.idle_check_done(&id, kind, outcome);
        }));
    }

    fn idle_check_done(&self, id: &str, kind: Kind, outcome: Result<Metrics, ApiError>) {
        let watch = self.idle;
        // Abandoned (no longer watched) or disposed meanwhile: the answer is not wanted.
        let wanted = watch
            .in_flight
            .try_update_value(|f| match f.iter().position(|(other, _)| other == id) {
                Some(i) => {
                    f.remove(i).1.disarm();
                    true
                }
                None => false,
            })
            .unwrap_or(false);
        if !wanted {
            return;
        }
        let now = self.env().now_ms();
        match outcome {
            Ok(metrics) => {
                watch.failures.set_value(0);
                let average = metrics.gpu.average().unwrap_or_default();
                watch.watched.update_value(|w| {
                    if let Some(entry) = w.get_mut(id) {
                        merge(&mut entry.history, &average);
                    }
                });
            }
            Err(error) => {
                if pauses_every_check(&error) {
                    watch.failures.update_value(|n| *n = n.saturating_add(1));
                    let doublings = watch.failures.get_value().clamp(1, 16) - 1;
                    let pause = (PAUSE_FIRST_MS * f64::from(1u32 << doublings))
                        .min(PAUSE_MAX_MS)
                        .max(error.retry_after_secs().unwrap_or(0) as f64 * 1000.0);
                    watch.paused_until_ms.set_value(now + pause);
                }
            }
        }
        watch.watched.update_value(|w| {
            if let Some(entry) = w.get_mut(id) {
                match kind {
                    Kind::Check => entry.checked_at_ms = Some(now),
                    Kind::LookBack => entry.looked_back_at_ms = Some(now),
                }
            }
        });
        self.judge(id);
        self.pump_idle();
    }

    /// Applies the rule to what is known of `id` now, publishes the verdict, and asks for a
    /// look back when the GPUs are idle and it cannot see since when.
    fn judge(&self, id: &str) {
        let watch = self.idle;
        let now = self.env().now_ms();
        let rule = watch.rule.get_untracked();
        let state = watch
            .watched
            .try_update_value(|w| {
                let entry = w.get_mut(id)?;
                let verdict = idle::verdict(&entry.history, rule, (now / 1000.0) as i64);
                let look_back_due = entry
                    .looked_back_at_ms
                    .is_none_or(|at| now - at >= LOOK_BACK_EVERY_SECS as f64 * 1000.0);
                if matches!(verdict, Verdict::Idle { at_least: true, .. }) && look_back_due {
                    entry.wants_look_back = true;
                }
                Some(IdleState {
                    verdict,
                    checked_at_ms: entry
                        .checked_at_ms
                        .into_iter()
                        .chain(entry.looked_back_at_ms)
                        .fold(0.0, f64::max),
                })
            })
            .flatten();
        if let Some(state) = state {
            if self.idle_for_untracked(id) != Some(state) {
                watch.results.update(|r| {
                    r.insert(id.to_string(), state);
                });
            }
        }
    }

    fn idle_for_untracked(&self, id: &str) -> Option<IdleState> {
        self.idle.results.with_untracked(|r| r.get(id).copied())
    }
}

/// Failures that say the API (or the way to it) is in trouble for every instance, not just
/// this one: every check waits.
fn pauses_every_check(error: &ApiError) -> bool {
    matches!(
        error.kind(),
        ErrorKind::RateLimited
            | ErrorKind::Server
            | ErrorKind::Network
            | ErrorKind::Timeout
            | ErrorKind::Unauthorized
            | ErrorKind::Forbidden
    )
}
