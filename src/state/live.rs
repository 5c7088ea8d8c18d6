//! One remote thing kept fresh: the data last fetched, the last failure, the one request in
//! flight, and the timer for the next fetch. An instance's [`Tracker`](super::Tracker) is
//! one; the fleet's list ([`super::fleet::Fleet`]) is another. When to fetch again is the pure rule in
//! [`instance_model::refresh`]; this module only carries it out.
//!
//! What a view shows for it is decided once, by [`Live::phase`]: nothing yet, loading, data,
//! data with a failed refresh, or a failure with no data.

use super::env::{Cancel, Env};
use crate::reactive::memo;
use instance_model::refresh::{next_delay_ms, LastOutcome, RefreshSetting};
use instance_model::ApiError;
use leptos::prelude::*;
use std::rc::Rc;

/// What is on screen for one live thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing fetched and nothing asked for (no key yet, say).
    Idle,
    /// The first fetch is on its way.
    Loading,
    /// Data, and the last fetch succeeded.
    Ready,
    /// Data, but the last refresh failed: the data stays, with a banner saying why.
    Stale,
    /// No data: the fetch failed.
    Failed,
}

impl Phase {
    pub fn has_data(self) -> bool {
        matches!(self, Phase::Ready | Phase::Stale)
    }
}

/// A failed fetch: the error, when, and the API base it went to (for the advice text).
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub error: ApiError,
    pub at_ms: f64,
    pub api_base: String,
}

/// What the refresh rule needs to know from the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    pub setting: RefreshSetting,
    pub visible: bool,
}

pub struct Live<T: Send + Sync + 'static> {
    data: RwSignal<Option<T>>,
    failure: RwSignal<Option<Failure>>,
    loading: RwSignal<bool>,
    /// When the data on screen was fetched (ms since the epoch; 0 before the first).
    fetched_at: RwSignal<f64>,
    phase: Memo<Phase>,
    /// Whether it should keep itself fresh (on screen, or watched).
    active: StoredValue<bool>,
    in_flight: StoredValue<Option<Cancel>, LocalStorage>,
    /// The number of the last request begun: an abandoned request that ends late (its abort
    /// is reported a turn later) is told from the one begun after it by its number.
    request_number: StoredValue<u32>,
    timer: StoredValue<Option<Cancel>, LocalStorage>,
    failures: StoredValue<u32>,
    retry_after_secs: StoredValue<Option<u64>>,
}

impl<T: Send + Sync + 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Live<T> {}

impl<T: Send + Sync + PartialEq + 'static> Default for Live<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Send + Sync + PartialEq + 'static> Live<T> {
    /// Made under the owner that will dispose of it (see `super::trackers`).
    pub fn new() -> Self {
        let data = RwSignal::new(None::<T>);
        let failure = RwSignal::new(None::<Failure>);
        let loading = RwSignal::new(false);
        let phase = memo(move || {
            let failed = failure.with(Option::is_some);
            match (data.with(Option::is_some), failed, loading.get()) {
                (true, true, _) => Phase::Stale,
                (true, false, _) => Phase::Ready,
                (false, true, _) => Phase::Failed,
                (false, false, true) => Phase::Loading,
                (false, false, false) => Phase::Idle,
            }
        });
        Self {
            data,
            failure,
            loading,
            fetched_at: RwSignal::new(0.0),
            phase,
            active: StoredValue::new(false),
            in_flight: StoredValue::new_local(None),
            request_number: StoredValue::new(0),
            timer: StoredValue::new_local(None),
            failures: StoredValue::new(0),
            retry_after_secs: StoredValue::new(None),
        }
    }

    pub fn phase(&self) -> Memo<Phase> {
        self.phase
    }

    /// Reads the data last fetched (kept through failed refreshes), reactively.
    pub fn with_data<U>(&self, f: impl FnOnce(Option<&T>) -> U) -> U {
        self.data.with(|d| f(d.as_ref()))
    }

    /// The last failure, until the next success (reactive).
    pub fn failure(&self) -> Option<Failure> {
        self.failure.get()
    }

    /// The same, as a signal for components that show it whatever `T` is.
    pub fn failure_signal(&self) -> ReadSignal<Option<Failure>> {
        self.failure.read_only()
    }

    /// When the data on screen was fetched, ms since the epoch (reactive).
    pub fn fetched_at(&self) -> f64 {
        self.fetched_at.get()
    }

    pub fn is_active(&self) -> bool {
        self.active.get_value()
    }

    pub fn has_data_untracked(&self) -> bool {
        self.data.with_untracked(Option::is_some)
    }

    pub fn with_data_untracked<U>(&self, f: impl FnOnce(Option<&T>) -> U) -> U {
        self.data.with_untracked(|d| f(d.as_ref()))
    }

    /// Marks it active; `true` when it was not (the caller then fetches or schedules).
    pub fn activate(&self) -> bool {
        let was_active = self.active.get_value();
        self.active.set_value(true);
        !was_active
    }

    /// Stops the timer and abandons a request in flight.
    pub fn deactivate(&self) {
        self.active.set_value(false);
        self.timer.set_value(None);
        self.abandon();
    }

    /// Abandons the request in flight, if any: it is aborted and its answer ignored.
    pub fn abandon(&self) {
        if self.in_flight.with_value(Option::is_some) {
            self.in_flight.set_value(None);
            self.loading.set(false);
        }
    }

    /// Forgets everything: the data, the failure and its back-off, and stops like
    /// [`Live::deactivate`]. For when what it tracks changes (another instance, another
    /// window), so the old data is never shown as the new.
    pub fn reset(&self) {
        self.deactivate();
        self.failures.set_value(0);
        self.retry_after_secs.set_value(None);
        self.clear_failure();
        if self.data.with_untracked(Option::is_some) {
            self.data.set(None);
        }
        self.fetched_at.set(0.0);
    }

    pub fn clear_timer(&self) {
        self.timer.set_value(None);
    }

    pub fn is_busy(&self) -> bool {
        self.in_flight.with_value(Option::is_some)
    }

    /// Records the request now in flight; its guard aborts it if it is abandoned. Gives its
    /// number, for [`Live::end`].
    pub fn begin(&self, request: Cancel) -> u32 {
        let number = self.request_number.get_value().wrapping_add(1);
        self.request_number.set_value(number);
        self.in_flight.set_value(Some(request));
        self.loading.set(true);
        number
    }

    /// Request `number` came back: `true` when its answer is still wanted (it was not
    /// abandoned, no request began after it, and this has not been disposed meanwhile).
    pub fn end(&self, number: u32) -> bool {
        if self.request_number.try_get_value() != Some(number) {
            return false;
        }
        let wanted = self
            .in_flight
            .try_update_value(|f| f.take().map(Cancel::disarm).is_some())
            .unwrap_or(false);
        if wanted {
            self.loading.set(false);
        }
        wanted
    }

    /// Takes fresh data fetched at `now_ms`. Data equal to what is shown changes only the
    /// time, so nothing that shows the data re-renders.
    pub fn succeed(&self, value: T, now_ms: f64) {
        self.failures.set_value(0);
        self.retry_after_secs.set_value(None);
        self.clear_failure();
        if self.data.with_untracked(|d| d.as_ref() != Some(&value)) {
            self.data.set(Some(value));
        }
        self.fetched_at.set(now_ms);
    }

    pub fn fail(&self, error: ApiError, now_ms: f64, api_base: String) {
        self.failures.update_value(|n| *n = n.saturating_add(1));
        self.retry_after_secs.set_value(error.retry_after_secs());
        self.failure.set(Some(Failure {
            error,
            at_ms: now_ms,
            api_base,
        }));
    }

    pub fn clear_failure(&self) {
        if self.failure.with_untracked(Option::is_some) {
            self.failure.set(None);
        }
    }

    /// Sets the next fetch by the refresh rule, replacing any timer: `fire` runs when it is
    /// due. Nothing is scheduled while inactive, hidden, off, or a request is in flight (its
    /// end schedules).
    pub fn schedule(
        &self,
        env: &Rc<dyn Env>,
        rules: Rules,
        in_progress: bool,
        fire: impl FnOnce() + 'static,
    ) {
        self.clear_timer();
        if !self.active.get_value() || self.is_busy() {
            return;
        }
        let last = match self.failures.get_value() {
            0 => LastOutcome::Success,
            failures => LastOutcome::Failed {
                failures,
                retry_after_secs: self.retry_after_secs.get_value(),
            },
        };
        let Some(delay) = next_delay_ms(rules.setting, in_progress, last, rules.visible) else {
            return;
        };
        // Count from the last answer, so changing the setting does not restart the wait.
        let last_at = self
            .failure
            .with_untracked(|f| f.as_ref().map_or(0.0, |f| f.at_ms))
            .max(self.fetched_at.get_untracked());
        let elapsed = (env.now_ms() - last_at).max(0.0) as u64;
        let timer = env.set_timeout(delay.saturating_sub(elapsed), Box::new(fire));
        self.timer.set_value(Some(timer));
    }
}
