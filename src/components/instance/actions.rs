//! The instance view's actions: Start, Stop, Restart, Delete, each disabled with the reason in
//! words (the status does not allow it, an action is under way, demo data), and the outcome
//! line of the latest action, following the status live. Nothing at all before config.json
//! has been read, and nothing but a note in a read-only deployment.

use crate::components::freshness::local_time;
use crate::state::{AppState, Tracker};
use instance_model::actions::{Action, Target};
use leptos::prelude::*;

/// The action bar, or why there is none.
#[component]
pub fn InstanceActions(tracker: Tracker) -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        if state.actions_allowed() {
            Some(view! { <ActionBar tracker=tracker /> }.into_any())
        } else {
            let note = match state.config() {
                None => return None,
                Some(c) if c.read_only => {
                    "Read-only deployment: this page offers no actions on instances."
                }
                Some(_) => {
                    "Actions are off: config.json could not be read, and it may have meant to switch them off."
                }
            };
            Some(view! { <p class="hint" data-testid="actions-off">{note}</p> }.into_any())
        }
    }
}

/// Actions that share a reason are named together: "Stop, Restart: ...".
fn grouped(reasons: &[Option<String>; 4]) -> Vec<(String, String)> {
    let mut groups: Vec<(String, String)> = Vec::new();
    for (action, reason) in Action::ALL.iter().zip(reasons) {
        let Some(reason) = reason else { continue };
        match groups.iter_mut().find(|(_, r)| r == reason) {
            Some((names, _)) => {
                names.push_str(", ");
                names.push_str(action.label());
            }
            None => groups.push((action.label().to_string(), reason.clone())),
        }
    }
    groups
}

#[component]
fn ActionBar(tracker: Tracker) -> impl IntoView {
    let state = expect_context::<AppState>();
    let id = tracker.id();
    let run = Memo::new(move |_| state.action_run(&id));
    // Why each action is off, in `Action::ALL`'s order (`None`: it is on).
    let reasons = Memo::new(move |_| {
        let lock = run.with(|r| {
            r.as_ref()
                .filter(|r| r.holds_lock())
                .map(|r| r.lock_reason(&local_time))
        });
        tracker.live.with_data(|d| {
            let status = d.map(|f| &f.instance.status);
            Action::ALL.map(|action| match (tracker.demo, &lock, status) {
                (true, _, _) => Some("Demo data: there is no instance to act on.".to_string()),
                (_, Some(lock), _) => Some(lock.clone()),
                (_, None, Some(status)) => action.unavailable(status),
                (_, None, None) => Some("Not loaded yet.".to_string()),
            })
        })
    });
    let ask = move |action: Action| {
        let target = tracker
            .live
            .with_data_untracked(|d| d.map(|f| Target::of(&f.instance)));
        if let Some(target) = target {
            state.ask(action, vec![target]);
        }
    };
    let buttons = Action::ALL
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            view! {
                <button type="button" data-testid=format!("action-{}", action.as_str())
                    class:danger=action == Action::Delete
                    disabled=move || reasons.with(|r| r[i].is_some())
                    title=move || reasons.with(|r| r[i].clone())
                    on:click=move |_| ask(action)>
                    {action.label()}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="actions card" aria-label="Actions">
            <div class="action-buttons">{buttons}</div>
            <ul class="action-reasons">
                {move || reasons.with(|r| grouped(r).into_iter().map(|(names, reason)| view! {
                    <li><strong>{names}</strong> ": " {reason}</li>
                }).collect_view())}
            </ul>
            // A live region that is always there, so each new outcome is read out; focus comes
            // here after a confirmation (the button that opened it is then disabled).
            <div class="action-outcome" role="status" tabindex="-1">
                {move || run.with(|r| r.as_ref().map(|r| view! {
                    <p data-testid="action-status" data-action=r.action.as_str() data-state=r.state_str()
                        data-progress=r.is_following().then(|| r.progress().as_str())
                        data-kind=r.failure().map(|f| f.error.kind().as_str())>
                        {r.words(&local_time)}
                    </p>
                }))}
            </div>
        </section>
    }
}
