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
//!   last day follows (five-minute samples), at most once an hour per instance, and the flag
//!   waits for it;
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
    /// When the readings it was judged on were fetched, ms since the epoch: the verdict is as
    /// of then, and stays until the next check succeeds (a failed check changes nothing).
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
    /// When the last check and look back were answered (or failed): for pacing.
    checked_at_ms: Option<f64>,
    looked_back_at_ms: Option<f64>,
    /// When readings last came back: the verdict is judged as of then.
    fetched_at_ms: Option<f64>,
    wants_look_back: bool,
    /// A look back is on its way.
    looking_back: bool,
    /// The last verdict, once checked.
    state: Option<IdleState>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Check,
    LookBack,
}

/// Everything the watch keeps that nothing shows directly, in one place.
#[derive(Default)]
struct Inner {
    /// The running instances of the fleet, in its order.
    fleet: Vec<String>,
    /// The running instance on screen.
    shown: Option<String>,
    watched: HashMap<String, Watched>,
    /// The requests on their way: instance, number, guard. The number tells an abandoned
    /// request that ends late from a newer one for the same instance.
    in_flight: Vec<(String, u32, Cancel)>,
    requests_begun: u32,
    timer: Option<Cancel>,
    last_start_ms: f64,
    paused_until_ms: f64,
    failures: u32,
}

impl Inner {
    /// Calls `f` with each instance to check, the one on screen first, then the fleet's (each
    /// once), until it says stop (`false`).
    fn each_id<'a>(&'a self, mut f: impl FnMut(&'a str) -> bool) {
        if let Some(id) = &self.shown {
            if !f(id) {
                return;
            }
        }
        for id in &self.fleet {
            if self.shown.as_ref() != Some(id) && !f(id) {
                return;
            }
        }
    }

    fn is_watched(&self, id: &str) -> bool {
        self.shown.as_deref() == Some(id) || self.fleet.iter().any(|f| f == id)
    }

    fn is_in_flight(&self, id: &str) -> bool {
        self.in_flight.iter().any(|(other, _, _)| other == id)
    }

    /// What to start next: a wanted look back first; then the instance due the longest
    /// (never checked first, the one on screen before the fleet's on a tie), with when it is
    /// due.
    fn next(&self) -> Option<(String, Kind, f64)> {
        let mut next: Option<(&str, Kind, f64)> = None;
        self.each_id(|id| {
            if self.is_in_flight(id) {
                return true;
            }
            let entry = self.watched.get(id);
            if entry.is_some_and(|e| e.wants_look_back) {
                next = Some((id, Kind::LookBack, f64::NEG_INFINITY));
                return false;
            }
            let due = entry
                .and_then(|e| e.checked_at_ms)
                .map_or(f64::NEG_INFINITY, |at| {
                    at + CHECK_EVERY_SECS as f64 * 1000.0
                });
            if next.is_none_or(|(_, _, best)| due < best) {
                next = Some((id, Kind::Check, due));
            }
            true
        });
        next.map(|(id, kind, due)| (id.to_string(), kind, due))
    }
}

#[derive(Clone, Copy)]
pub(super) struct IdleWatch {
    rule: RwSignal<IdleRule>,
    /// Notified whenever a verdict changes (the flags read the verdicts through it).
    changed: Trigger,
    inner: StoredValue<Inner, LocalStorage>,
}

impl IdleWatch {
    pub(super) fn new(rule: IdleRule) -> Self {
        Self {
            rule: RwSignal::new(rule),
            changed: Trigger::new(),
            inner: StoredValue::new_local(Inner {
                last_start_ms: f64::NEG_INFINITY,
                ..Inner::default()
            }),
        }
    }
}

/// What the idle flags read, and what the fleet and Settings tell it.
impl AppState {
    /// What is known of an instance's GPUs (reactive). `None` unless it is running and watched
    /// (on screen, or handed over by the fleet) and has been checked.
    pub fn idle_for(&self, id: &str) -> Option<IdleState> {
        self.idle.changed.track();
        self.idle
            .inner
            .with_value(|i| i.watched.get(id).and_then(|w| w.state))
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
        self.judge_all();
        self.pump_idle();
    }

    /// The running instances of the fleet (in its order), to check for idle GPUs. Call it with
    /// every new list; instances left out (stopped, gone) are forgotten at once, and a check of
    /// theirs in flight is abandoned.
    pub fn watch_idle(&self, running: Vec<String>) {
        self.idle.inner.update_value(|i| i.fleet = running);
        self.forget_unwatched();
        self.pump_idle();
    }

    /// The running instance on screen (`None`: none is).
    pub(super) fn idle_watch_shown(&self, id: Option<String>) {
        if self.idle.inner.with_value(|i| i.shown == id) {
            return;
        }
        self.idle.inner.update_value(|i| i.shown = id);
        self.forget_unwatched();
        self.pump_idle();
    }

    fn forget_unwatched(&self) {
        let mut dropped = Vec::new();
        let mut forgot = false;
        self.idle.inner.update_value(|i| {
            let before = i.watched.len();
            let watched = std::mem::take(&mut i.watched);
            i.watched = watched
                .into_iter()
                .filter(|(id, _)| i.is_watched(id))
                .collect();
            forgot = i.watched.len() != before;
            // Dropping a guard aborts its request: done outside, after the update.
            let (keep, gone) = std::mem::take(&mut i.in_flight)
                .into_iter()
                .partition(|(id, _, _)| i.is_watched(id));
            i.in_flight = keep;
            dropped = gone;
        });
        drop(dropped);
        if forgot {
            self.idle.changed.notify();
        }
    }

    /// Starts the next check if one is due and the pacing allows; otherwise sets a timer for
    /// when one will be. Called whenever something changes and after every answer.
    pub(super) fn pump_idle(&self) {
        let inner = self.idle.inner;
        let old_timer = inner.try_update_value(|i| i.timer.take()).flatten();
        drop(old_timer);
        if !self.visible.get_value() || self.key_for_request().is_none() {
            return;
        }
        if inner.with_value(|i| i.in_flight.len()) >= MAX_IN_FLIGHT {
            return; // an answer pumps again
        }
        let now = self.env().now_ms();
        let ready_at = inner.with_value(|i| {
            i.paused_until_ms
                .max(i.last_start_ms + MIN_SPACING_MS as f64)
        });
        if now < ready_at {
            self.wake_idle_at(ready_at, now);
            return;
        }
        match inner.with_value(Inner::next) {
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
        self.idle.inner.update_value(|i| i.timer = Some(timer));
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
        let mut number = 0;
        self.idle.inner.update_value(|i| {
            let entry = i.watched.entry(id.clone()).or_default();
            if kind == Kind::LookBack {
                entry.wants_look_back = false;
                entry.looking_back = true;
            }
            i.requests_begun = i.requests_begun.wrapping_add(1);
            number = i.requests_begun;
            i.in_flight.push((id.clone(), number, request));
            i.last_start_ms = now_ms;
        });
        let state = *self;
        env.spawn(Box::pin(async move {
            let outcome = answer.await;
            state.idle_check_done(&id, number, kind, outcome);
        }));
    }

    fn idle_check_done(
        &self,
        id: &str,
        number: u32,
        kind: Kind,
        outcome: Result<Metrics, ApiError>,
    ) {
        let now = self.env().now_ms();
        let average = match &outcome {
            Ok(metrics) => Some(metrics.gpu.average().unwrap_or_default()),
            Err(_) => None,
        };
        let pause = outcome.as_ref().err().filter(|e| pauses_every_check(e));
        // Abandoned (no longer watched) or disposed meanwhile: the answer is not wanted.
        let wanted = self
            .idle
            .inner
            .try_update_value(|i| {
                let position = i.in_flight.iter().position(|(_, n, _)| *n == number)?;
                i.in_flight.remove(position).2.disarm();
                match pause {
                    Some(error) => {
                        i.failures = i.failures.saturating_add(1);
                        let doublings = i.failures.clamp(1, 16) - 1;
                        let wait = (PAUSE_FIRST_MS * f64::from(1u32 << doublings))
                            .min(PAUSE_MAX_MS)
                            .max(error.retry_after_secs().unwrap_or(0) as f64 * 1000.0);
                        i.paused_until_ms = now + wait;
                    }
                    None if average.is_some() => i.failures = 0,
                    None => {}
                }
                let entry = i.watched.get_mut(id)?;
                if let Some(average) = &average {
                    merge(&mut entry.history, average);
                    entry.fetched_at_ms = Some(now);
                }
                match kind {
                    Kind::Check => entry.checked_at_ms = Some(now),
                    Kind::LookBack => {
                        entry.looked_back_at_ms = Some(now);
                        entry.looking_back = false;
                    }
                }
                Some(())
            })
            .flatten()
            .is_some();
        if wanted {
            self.judge_all();
            self.pump_idle();
        }
    }

    /// Applies the rule to what is known of every watched instance, as of when its readings
    /// were fetched (so a verdict holds until the next check, however large the fleet),
    /// publishes the verdicts, and asks for a look back where the GPUs are idle and it cannot
    /// see since when.
    fn judge_all(&self) {
        let now = self.env().now_ms();
        let rule = self.idle.rule.get_untracked();
        let changed = self
            .idle
            .inner
            .try_update_value(|i| {
                let mut changed = false;
                for entry in i.watched.values_mut() {
                    let Some(fetched_at) = entry.fetched_at_ms else {
                        continue;
                    };
                    let verdict = idle::verdict(&entry.history, rule, (fetched_at / 1000.0) as i64);
                    let look_back_due = entry
                        .looked_back_at_ms
                        .is_none_or(|at| now - at >= LOOK_BACK_EVERY_SECS as f64 * 1000.0);
                    if matches!(verdict, Verdict::Idle { at_least: true, .. }) {
                        if look_back_due {
                            entry.wants_look_back = true;
                        }
                        // The look back says since when in a moment: the flag waits for it
                        // rather than saying "over 40 min" for a second (or it tells, if the
                        // look back fails).
                        if entry.wants_look_back || entry.looking_back {
                            continue;
                        }
                    }
                    let state = Some(IdleState {
                        verdict,
                        checked_at_ms: fetched_at,
                    });
                    if entry.state != state {
                        entry.state = state;
                        changed = true;
                    }
                }
                changed
            })
            .unwrap_or(false);
        if changed {
            self.idle.changed.notify();
        }
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
