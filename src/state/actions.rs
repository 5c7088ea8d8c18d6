//! Actions on instances, with the care they need: asked for, confirmed once, sent once, then
//! followed. The rules, all here:
//!
//! - nothing is offered until config.json has been read, and nothing at all when it says
//!   `readOnly` (or could not be read: it may have meant to);
//! - one action per instance at a time: another cannot be asked for while one is queued, on
//!   its way, or being followed;
//! - a confirmation is taken once: a second confirm (a double click, a double Enter) finds
//!   none and sends nothing; a POST is never retried and never aborted;
//! - a bulk confirmation (several targets, from the fleet's selection) lists the instances it
//!   leaves out and why, and is sent a few at a time ([`MAX_IN_FLIGHT`]);
//! - after the API accepts, the instance is refreshed at the in-progress rate until it reaches
//!   the target status; after a refusal or an unknown outcome (timeout, dropped connection,
//!   gateway error) it is refreshed at once to find out, and the action is not sent again;
//!   while the fleet is on screen its list does that (one listing per period, at the
//!   in-progress rate), not one tracker per instance;
//! - two minutes without movement are reported ([`STUCK_AFTER_MS`]).
//!
//! What each outcome means and says is the pure [`Run`] of the model; this module keeps the
//! runs (the latest per instance), sends, and feeds them the statuses trackers see.

use super::env::Cancel;
use super::AppState;
use crate::api::actions::post;
use instance_model::actions::{
    skip_reason, Action, ActionFailure, Run, Sent, Target, MAX_IN_FLIGHT, STUCK_AFTER_MS,
};
use instance_model::{ApiError, Status};
use leptos::prelude::*;

/// What the operator is asked to confirm: one action on one or more instances.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirmation {
    pub action: Action,
    pub targets: Vec<Target>,
    /// Instances asked for that it leaves out, each with why (a bulk action's selection).
    pub skipped: Vec<(Target, String)>,
}

/// The action part of [`AppState`].
#[derive(Clone, Copy)]
pub(super) struct Actions {
    confirmation: RwSignal<Option<Confirmation>>,
    /// The latest run per instance, in the order confirmed (queued runs are sent in it).
    runs: RwSignal<Vec<Run>>,
    /// The requests in flight, by instance. Their guards are kept until the answer comes:
    /// dropping one would abort a POST whose outcome no one would then know.
    in_flight: StoredValue<Vec<(String, Cancel)>, LocalStorage>,
    /// The two-minute timer of each run being followed, by instance.
    watches: StoredValue<Vec<(String, Cancel)>, LocalStorage>,
}

impl Actions {
    pub(super) fn new() -> Self {
        Self {
            confirmation: RwSignal::new(None),
            runs: RwSignal::new(Vec::new()),
            in_flight: StoredValue::new_local(Vec::new()),
            watches: StoredValue::new_local(Vec::new()),
        }
    }
}

/// Takes the entry for `id` out of a list of guards.
fn take_guard(list: StoredValue<Vec<(String, Cancel)>, LocalStorage>, id: &str) -> Option<Cancel> {
    list.try_update_value(|l| l.iter().position(|(i, _)| i == id).map(|p| l.remove(p).1))
        .flatten()
}

/// What components read, reactively.
impl AppState {
    /// Whether this page offers actions at all: config.json has been read, did not say
    /// `readOnly`, and was not unreadable. No URL parameter has a say.
    pub fn actions_allowed(&self) -> bool {
        !self.read_only()
    }

    /// The confirmation the dialog shows, while one is asked for.
    pub fn confirmation(&self) -> Option<Confirmation> {
        self.actions.confirmation.get()
    }

    /// The latest action on an instance and where it stands.
    pub fn action_run(&self, id: &str) -> Option<Run> {
        self.with_action_run(id, |r| r.cloned())
    }

    /// Whether an action on the instance is queued, on its way, or being followed.
    pub fn action_under_way(&self, id: &str) -> bool {
        self.with_action_run(id, |r| r.is_some_and(Run::holds_lock))
    }

    /// Reads the latest action on an instance, without copying it.
    pub fn with_action_run<U>(&self, id: &str, f: impl FnOnce(Option<&Run>) -> U) -> U {
        self.actions
            .runs
            .with(|runs| f(runs.iter().find(|r| r.id() == id)))
    }
}

impl AppState {
    /// Opens the confirmation of `action` on `targets`. Targets whose status does not allow
    /// it, or that have an action under way, are left out (the confirmation says which, and
    /// why); Delete takes exactly one. `false` when nothing is left to confirm (or actions
    /// are off).
    pub fn ask(&self, action: Action, targets: Vec<Target>) -> bool {
        if !untrack(|| self.actions_allowed()) {
            return false;
        }
        let mut skipped = Vec::new();
        let mut kept = Vec::new();
        for t in targets {
            match skip_reason(action, &t.status, self.action_locked(&t.id)) {
                Some(why) => skipped.push((t, why)),
                None => kept.push(t),
            }
        }
        if kept.is_empty() || (action == Action::Delete && kept.len() != 1) {
            return false;
        }
        self.actions.confirmation.set(Some(Confirmation {
            action,
            targets: kept,
            skipped,
        }));
        true
    }

    /// Closes the confirmation without sending anything.
    pub fn cancel_confirmation(&self) {
        if self.actions.confirmation.with_untracked(Option::is_some) {
            self.actions.confirmation.set(None);
        }
    }

    /// Sends what the open confirmation asks for; `typed` is what the operator typed (Delete
    /// needs the instance's name). The confirmation is used up: `false`, and nothing sent,
    /// when there is none (already confirmed) or the name does not match.
    pub fn confirm(&self, typed: &str) -> bool {
        let Some(asked) = self.actions.confirmation.get_untracked() else {
            return false;
        };
        if !untrack(|| self.actions_allowed()) {
            self.cancel_confirmation();
            return false;
        }
        if asked.action == Action::Delete && !asked.targets.iter().all(|t| t.typed_matches(typed)) {
            return false;
        }
        self.actions.confirmation.set(None);
        // What is acted on leaves the fleet's selection; what was skipped stays selected.
        self.unselect_fleet_rows(&asked.targets);
        for target in asked.targets {
            if self.action_locked(&target.id) {
                continue;
            }
            let run = Run::new(asked.action, target);
            self.actions.runs.update(|runs| {
                runs.retain(|r| r.id() != run.id());
                runs.push(run);
            });
        }
        self.send_queued();
        true
    }

    /// Whether an action on `id` is queued, on its way, or being followed.
    fn action_locked(&self, id: &str) -> bool {
        self.actions
            .runs
            .with_untracked(|runs| runs.iter().any(|r| r.id() == id && r.holds_lock()))
    }

    /// Whether `id` should be refreshed at the in-progress rate because of an action.
    pub(super) fn action_wants_fast_refresh(&self, id: &str) -> bool {
        self.actions
            .runs
            .try_with_untracked(|runs| runs.iter().any(|r| r.id() == id && r.wants_fast_refresh()))
            .unwrap_or(false)
    }

    /// The instances whose actions are being followed (kept fresh even when not on screen,
    /// so their outcome is known when the operator comes back: by the fleet's list while it
    /// is on screen, else by a tracker each).
    pub(super) fn followed_instances(&self) -> Vec<String> {
        self.actions.runs.with_untracked(|runs| {
            runs.iter()
                .filter(|r| r.wants_fast_refresh())
                .map(|r| r.id().to_string())
                .collect()
        })
    }

    /// Changes the run of `id` with `f`; the runs' readers hear of it only when `f` says it
    /// changed something.
    fn change_run(&self, id: &str, f: impl FnOnce(&mut Run) -> bool) -> bool {
        self.actions
            .runs
            .try_maybe_update(|runs| {
                let changed = runs.iter_mut().find(|r| r.id() == id).is_some_and(f);
                (changed, changed)
            })
            .unwrap_or(false)
    }

    /// Sends queued runs while fewer than [`MAX_IN_FLIGHT`] are on their way.
    fn send_queued(&self) {
        loop {
            let next = self.actions.runs.with_untracked(|runs| {
                let sending = runs.iter().filter(|r| r.sent == Sent::Sending).count();
                runs.iter()
                    .find(|r| r.sent == Sent::Queued)
                    .filter(|_| sending < MAX_IN_FLIGHT)
                    .map(|r| (r.action, r.id().to_string()))
            });
            let Some((action, id)) = next else { return };
            self.send_action(action, &id);
        }
    }

    fn send_action(&self, action: Action, id: &str) {
        let env = self.env();
        let now = env.now_ms();
        self.change_run(id, |r| {
            r.sending(now);
            true
        });
        let Some(key) = self.key_for_request() else {
            let detail = "There is no API key to send it with.".to_string();
            self.action_answered(
                id,
                Err(ActionFailure::without_answer(ApiError::Input { detail })),
            );
            return;
        };
        let base = self.api_base.get_untracked();
        let (request, answer) = post(&*env, &base, &key, action, id);
        self.actions
            .in_flight
            .update_value(|f| f.push((id.to_string(), request)));
        let state = *self;
        let id = id.to_string();
        env.spawn(Box::pin(async move {
            let outcome = answer.await;
            state.action_answered(&id, outcome);
        }));
    }

    /// The answer to an action came (or its absence is certain).
    fn action_answered(&self, id: &str, outcome: Result<(), ActionFailure>) {
        // Answered: the guard has nothing left to abort.
        if let Some(request) = take_guard(self.actions.in_flight, id) {
            request.disarm();
        }
        let mut accepted = false;
        let mut following = false;
        self.change_run(id, |r| {
            r.answered(outcome);
            accepted = r.sent == Sent::Accepted;
            following = r.is_following();
            true
        });
        if following {
            let state = *self;
            let watched = id.to_string();
            let timer = self.env().set_timeout(
                STUCK_AFTER_MS,
                Box::new(move || state.two_minutes_over(&watched)),
            );
            self.actions
                .watches
                .update_value(|w| w.push((id.to_string(), timer)));
        }
        self.sync_active();
        if let Some(tracker) = self.tracker(id, false) {
            if accepted {
                // The in-progress rate from now on, counted from the last fetch.
                tracker.reschedule(*self);
            } else {
                // Refused, or no one knows: look at the instance now.
                tracker.fetch(*self);
            }
        } else if self.fleet_follows_actions() {
            // The same, by the fleet's list (a listing already on its way will do).
            if accepted {
                self.reschedule_fleet(false);
            } else {
                self.fetch_fleet(false);
            }
        }
        self.send_queued();
    }

    fn two_minutes_over(&self, id: &str) {
        // Fired: nothing left to clear.
        if let Some(timer) = take_guard(self.actions.watches, id) {
            timer.disarm();
        }
        if self.change_run(id, Run::two_minutes_passed) {
            self.after_following(id);
        }
    }

    /// A tracker saw the instance's status (on every successful fetch).
    pub(super) fn action_saw(&self, id: &str, status: &Status) {
        let now = self.env().now_ms();
        if self.change_run(id, |r| r.saw(status, now)) && !self.action_wants_fast_refresh(id) {
            self.after_following(id);
        }
    }

    /// A tracker was told the instance does not exist (after a delete, that is the end).
    pub(super) fn action_gone(&self, id: &str) {
        let now = self.env().now_ms();
        if self.change_run(id, |r| r.gone(now)) && !self.action_wants_fast_refresh(id) {
            self.after_following(id);
        }
    }

    /// A run stopped being followed: its timer goes, and its instance is kept fresh only if
    /// it is shown or watched.
    fn after_following(&self, id: &str) {
        drop(take_guard(self.actions.watches, id));
        self.sync_active();
        if let Some(tracker) = self.tracker(id, false) {
            tracker.reschedule(*self);
        }
    }
}
