//! The fleet: every instance the key can see, as one [`Live`] list kept fresh by the same rules
//! as an instance (10 s steady, 3 s while any instance in it is in progress, nothing while
//! hidden, back-off, `Retry-After`, the last good list kept through failures), fetched whole
//! (every page) once per period and never one request per instance. Beside it: the demo's
//! sample fleet (no key, no network), what the fleet screen is searched, filtered and
//! sorted by, which the page address carries (`?fleet&q=&tone=`), and the rows selected for
//! a bulk Start or Stop (kept by ID across refreshes; a row that leaves the list leaves the
//! selection). While the real fleet is on screen, its list follows the instances actions were
//! sent to: their statuses come from it, and it refreshes at the in-progress rate meanwhile.

use super::env::Cancel;
use super::live::Live;
use super::{AppState, Screen};
use crate::api::list;
use crate::demo;
use instance_model::actions::{Action, Target};
use instance_model::address::View;
use instance_model::fleet::{tone_from_str, Column, Sort, IDLE_FILTER};
use instance_model::list::FleetList;
use instance_model::{Status, Tone};
use leptos::prelude::*;
use std::rc::Rc;

/// How long the key must stay unchanged before the fleet is fetched with it: a key typed by
/// hand is not sent once per keystroke.
pub const KEY_SETTLE_MS: u64 = 400;

#[derive(Clone, Copy)]
pub struct Fleet {
    live: Live<FleetList>,
    demo_live: Live<FleetList>,
    query: RwSignal<String>,
    tone: RwSignal<Option<Tone>>,
    /// The idle filter (`tone=idle` in the address): only instances flagged idle. Never on
    /// with a tone.
    idle_only: RwSignal<bool>,
    sort: RwSignal<Sort>,
    /// Where the table was scrolled to and which row was opened, for coming back to it.
    scroll_top: StoredValue<i32>,
    opened: StoredValue<Option<String>>,
    /// A fetch waiting for the key to settle.
    key_wait: StoredValue<Option<Cancel>, LocalStorage>,
    /// The IDs of the rows selected for a bulk action, each once. A plain list: a sorted one
    /// or a set would find a row faster in a selection of hundreds, but costs the wasm its
    /// own sort or hash table.
    selected: RwSignal<Vec<String>>,
}

impl Fleet {
    /// Made once, by the state, under the App's owner.
    pub(super) fn new() -> Fleet {
        Fleet {
            live: Live::new(),
            demo_live: Live::new(),
            query: RwSignal::new(String::new()),
            tone: RwSignal::new(None),
            idle_only: RwSignal::new(false),
            sort: RwSignal::new(Sort::default()),
            scroll_top: StoredValue::new(0),
            opened: StoredValue::new(None),
            key_wait: StoredValue::new_local(None),
            selected: RwSignal::new(Vec::new()),
        }
    }

    /// The real list, or the demo's.
    pub fn live(&self, demo: bool) -> Live<FleetList> {
        if demo {
            self.demo_live
        } else {
            self.live
        }
    }

    /// The search box's text (reactive).
    pub fn query(&self) -> String {
        self.query.get()
    }

    /// The tone filter (reactive).
    pub fn tone(&self) -> Option<Tone> {
        self.tone.get()
    }

    /// Whether only instances flagged idle are shown (reactive).
    pub fn idle_only(&self) -> bool {
        self.idle_only.get()
    }

    pub fn sort(&self) -> Sort {
        self.sort.get()
    }

    /// Where the table was scrolled to when it was last shown.
    pub fn scroll_top(&self) -> i32 {
        self.scroll_top.get_value()
    }

    pub fn remember_scroll(&self, top: i32) {
        self.scroll_top.set_value(top);
    }

    /// The instance last opened from the table, to bring back into focus on return.
    pub fn opened(&self) -> Option<String> {
        self.opened.get_value()
    }

    /// Whether a row is selected (reactive).
    pub fn is_selected(&self, id: &str) -> bool {
        self.selected.with(|s| s.iter().any(|x| x == id))
    }

    /// How many rows are selected (reactive).
    pub fn selected_count(&self) -> usize {
        self.selected.with(Vec::len)
    }
}

impl AppState {
    pub fn fleet(&self) -> Fleet {
        self.fleet
    }

    /// Shows the fleet, with a new entry in the browser's history.
    pub fn show_fleet(&self) {
        self.push_view(self.fleet_view());
        self.open_fleet(false);
    }

    /// Shows the demo's sample fleet: no key, no network.
    pub fn show_demo_fleet(&self) {
        self.form_hint.set(None);
        self.open_fleet(true);
    }

    /// The fleet as the address says (`?fleet&q=&tone=`, `tone=idle` the idle filter): a tone
    /// it does not know is no filter.
    pub(super) fn open_fleet_address(&self, query: String, tone: &str) {
        self.fleet.query.set(query);
        self.fleet.tone.set(tone_from_str(tone));
        self.fleet.idle_only.set(tone.trim() == IDLE_FILTER);
        self.open_fleet(false);
    }

    pub(super) fn open_fleet(&self, demo: bool) {
        if !demo && !self.key_given() {
            self.form_hint.set(Some(
                "Paste your Novita API key to see every instance it can see. Or press Demo to see sample data without one."
                    .to_string(),
            ));
        }
        self.screen.set(Screen::Fleet { demo });
        self.sync_active();
    }

    /// Types into the search box: the address follows, without a history entry per key.
    pub fn set_fleet_query(&self, query: String) {
        self.fleet.query.set(query);
        self.replace_fleet_address();
    }

    /// Presses a tone's filter button: shows only that tone, or everything when it was on.
    pub fn toggle_fleet_tone(&self, tone: Tone) {
        let on = self.fleet.tone.get_untracked() == Some(tone);
        self.fleet.tone.set((!on).then_some(tone));
        self.fleet.idle_only.set(false);
        self.replace_fleet_address();
    }

    /// Presses the idle filter: shows only instances flagged idle, or everything when it was on.
    pub fn toggle_fleet_idle(&self) {
        self.fleet.idle_only.update(|on| *on = !*on);
        self.fleet.tone.set(None);
        self.replace_fleet_address();
    }

    /// Clears the search box and the tone filter.
    pub fn clear_fleet_filter(&self) {
        self.fleet.query.set(String::new());
        self.fleet.tone.set(None);
        self.fleet.idle_only.set(false);
        self.replace_fleet_address();
    }

    /// Presses a column's heading.
    pub fn sort_fleet_by(&self, column: Column) {
        self.fleet.sort.update(|s| *s = s.pressed(column));
    }

    /// Opens an instance from the table: the real one, or the demo sample.
    pub fn open_from_fleet(&self, id: &str, demo: bool) {
        self.fleet.opened.set_value(Some(id.to_string()));
        if demo {
            self.show_demo(id);
        } else {
            self.load(id);
        }
    }

    // --- the selection, and bulk actions --------------------------------------------------

    /// Selects a row, or unselects it. Nothing in a read-only deployment.
    pub fn toggle_fleet_selected(&self, id: &str) {
        let on = !untrack(|| self.fleet.is_selected(id));
        self.select_fleet_rows(vec![id.to_string()], on);
    }

    /// Selects these rows (the select-all box: every row shown), or unselects them.
    pub fn select_fleet_rows(&self, ids: Vec<String>, on: bool) {
        if !untrack(|| self.actions_allowed()) {
            return;
        }
        self.fleet.selected.update(|s| {
            if on {
                for id in ids {
                    if !s.contains(&id) {
                        s.push(id);
                    }
                }
            } else {
                s.retain(|id| !ids.contains(id));
            }
        });
    }

    /// Takes the instances an action was confirmed for out of the selection.
    pub(super) fn unselect_fleet_rows(&self, acted_on: &[Target]) {
        if self.fleet.selected.with_untracked(Vec::is_empty) {
            return;
        }
        self.fleet
            .selected
            .update(|s| s.retain(|id| !acted_on.iter().any(|t| t.id == *id)));
    }

    /// The selected instances, as they are in the list, in the list's order. (The selection is
    /// read once, not once per row: the fleet screen asks on every keystroke and scroll.)
    pub fn selected_targets(&self) -> Vec<Target> {
        let fleet = self.fleet;
        fleet.selected.with(|selected| {
            if selected.is_empty() {
                return Vec::new();
            }
            fleet.live.with_data(|d| {
                d.map(|l| {
                    l.items
                        .iter()
                        .filter(|i| selected.iter().any(|x| x == i.id()))
                        .map(|i| Target::of(&i.instance))
                        .collect()
                })
                .unwrap_or_default()
            })
        })
    }

    /// Asks to confirm `action` on the selected rows (see [`AppState::ask`]).
    pub fn ask_for_selection(&self, action: Action) -> bool {
        let targets = untrack(|| self.selected_targets());
        self.ask(action, targets)
    }

    /// Whether the fleet's list, rather than a tracker each, follows the instances actions
    /// were sent to: while the real fleet is on screen.
    pub(super) fn fleet_follows_actions(&self) -> bool {
        self.screen
            .with_untracked(|s| *s == Screen::Fleet { demo: false })
    }

    fn fleet_view(&self) -> View {
        View::Fleet {
            query: self.fleet.query.get_untracked(),
            tone: if self.fleet.idle_only.get_untracked() {
                IDLE_FILTER.to_string()
            } else {
                self.fleet
                    .tone
                    .get_untracked()
                    .map_or_else(String::new, |t| t.as_str().to_string())
            },
        }
    }

    fn replace_fleet_address(&self) {
        if self
            .screen
            .with_untracked(|s| *s == Screen::Fleet { demo: false })
        {
            self.replace_view(self.fleet_view());
        }
    }

    // --- keeping it fresh ------------------------------------------------------------------

    /// The real fleet is on screen with nothing fetched and nothing on its way (it was
    /// opened before requests could be sent): fetches it now.
    pub(super) fn fetch_fleet_if_waiting(&self) {
        let live = self.fleet.live;
        if live.is_active() && !live.has_data_untracked() && !live.is_busy() {
            self.fleet.key_wait.set_value(None);
            self.fetch_fleet(false);
        }
    }

    /// Keeps the fleet on screen (real or demo) fresh, and nothing else.
    pub(super) fn sync_fleet(&self) {
        let shown = self.screen.with_untracked(|s| match s {
            Screen::Fleet { demo } => Some(*demo),
            _ => None,
        });
        for demo in [false, true] {
            let live = self.fleet.live(demo);
            if shown != Some(demo) {
                if !demo && live.is_active() {
                    // Off screen, the fleet's running instances are no longer checked for idle
                    // GPUs.
                    self.watch_idle(Vec::new());
                }
                live.deactivate();
                if !demo {
                    self.fleet.key_wait.set_value(None);
                }
            } else if live.activate() {
                if live.has_data_untracked() {
                    self.reschedule_fleet(demo);
                } else {
                    self.fetch_fleet(demo);
                }
            }
        }
    }

    /// Whether the fleet on screen is the demo's, when a fleet is on screen.
    pub(super) fn active_fleet(&self) -> Option<bool> {
        [false, true]
            .into_iter()
            .find(|demo| self.fleet.live(*demo).is_active())
    }

    pub(super) fn reschedule_fleet(&self, demo: bool) {
        let live = self.fleet.live(demo);
        let in_progress = live.with_data_untracked(|d| {
            d.is_some_and(|l| l.items.iter().any(|i| i.instance.status.is_in_progress()))
        }) || (!demo && !self.followed_instances().is_empty());
        let state = *self;
        live.schedule(&self.env(), self.rules(), in_progress, move || {
            state.fetch_fleet(demo)
        });
    }

    /// Fetches the whole list now (every page, one after another), unless it is already
    /// being fetched.
    pub(super) fn fetch_fleet(&self, demo: bool) {
        let live = self.fleet.live(demo);
        live.clear_timer();
        if live.is_busy() {
            return;
        }
        if demo {
            self.accept_fleet(true, demo::fleet());
            return;
        }
        let Some(key) = self.key_for_request() else {
            return; // nothing to send; the form asks for the key
        };
        let env = self.env();
        let base = self.api_base.get_untracked();
        let (request, answer) = list::get_all(Rc::clone(&env), base.clone(), key);
        let number = live.begin(request);
        let state = *self;
        env.spawn(Box::pin(async move {
            let outcome = answer.await;
            if !live.end(number) {
                return; // abandoned: the screen changed, or the key did
            }
            match outcome {
                Ok(list) => state.accept_fleet(false, list),
                Err(error) => {
                    live.fail(error, state.env().now_ms(), base);
                    state.reschedule_fleet(false);
                }
            }
        }));
    }

    /// Takes a fresh list: unchanged instances keep their items (so their rows are left
    /// alone), status changes are announced once, and the next fetch is scheduled.
    fn accept_fleet(&self, demo: bool, list: FleetList) {
        let live = self.fleet.live(demo);
        let list = live.with_data_untracked(|previous| list.carry_over(previous));
        let changes = list.items.iter().map(|i| {
            (
                i.id().to_string(),
                i.instance.display_name().to_string(),
                i.instance.status.clone(),
            )
        });
        self.saw_statuses(changes.collect());
        if !demo {
            // The idle watch checks the running ones, at its own pace (metrics, not the list).
            let running = list
                .items
                .iter()
                .filter(|i| i.instance.status == Status::Running)
                .map(|i| i.id().to_string())
                .collect();
            self.watch_idle(running);
            // A row that left the list leaves the selection.
            let gone = |id: &String| !list.items.iter().any(|i| i.id() == id);
            if self.fleet.selected.with_untracked(|s| s.iter().any(gone)) {
                self.fleet.selected.update(|s| s.retain(|id| !gone(id)));
            }
        }
        let followed: Vec<(String, Status)> = if demo {
            Vec::new()
        } else {
            self.followed_instances()
                .into_iter()
                .filter_map(|id| {
                    let item = list.items.iter().find(|i| i.id() == id)?;
                    Some((id, item.instance.status.clone()))
                })
                .collect()
        };
        live.succeed(list, self.env().now_ms());
        for (id, status) in followed {
            self.action_saw(&id, &status);
        }
        self.reschedule_fleet(demo);
    }

    /// The key changed: once it has settled, the fleet on screen is fetched with it (what
    /// another key sees is another fleet). A fetch or timer with the old key is dropped now.
    pub(super) fn fleet_key_changed(&self) {
        let live = self.fleet.live;
        if self.key_for_request().is_some() && self.screen.with_untracked(|s| *s == Screen::Start) {
            // The page opens on the fleet once there is a key to fetch it with.
            self.screen.set(Screen::Fleet { demo: false });
            live.activate();
        }
        if !live.is_active() {
            return;
        }
        live.abandon();
        live.clear_timer();
        let state = *self;
        let wait = self
            .env()
            .set_timeout(KEY_SETTLE_MS, Box::new(move || state.fetch_fleet(false)));
        self.fleet.key_wait.set_value(Some(wait));
    }
}
