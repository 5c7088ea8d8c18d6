//! The fleet screen: every instance the key can see (or the demo's sample fleet), live. The
//! freshness line and refresh controls, the summary by tone whose parts filter (and the idle
//! filter) and the search box (`summary.rs`), the bulk Start / Stop of the selected rows
//! (`bulk.rs`), and the table (`table.rs`). The list is sorted when it or the sort changes and
//! filtered on every keystroke; both keep the rows' items, so the table redraws only rows
//! whose item is new.
//!
//! Drawn by hand, as the logs panel is. The parts the instance view shares (the demo banner,
//! "as of", the refresh controls, the banner of a failed refresh) are a view; the rest is fixed
//! markup (constants, with nothing from the API in them) put into the screen once, every part
//! always in the page and shown or hidden by attribute, except the words for an empty fleet
//! and for a search that matches nothing, which are in the page only while they apply. Two
//! effects (the table's, and one for the rest) write every text and attribute that can change,
//! each only when it differs (so an unchanged refresh changes nothing), and one handler takes
//! every event of the screen's controls, told apart by their `data-testid`. As reactive views,
//! with a closure per changing text and attribute, these parts cost the wasm 4.5 KB more,
//! gzipped.

mod bulk;
mod summary;
mod table;

use super::freshness::{AsOf, RefreshControls, RefreshFailed};
use super::instance_view::DemoBanner;
use super::long_table::{closest, Viewport};
use crate::browser::dom::{find, flag, place_after, set_attr, set_text, true_false, Listeners};
use crate::demo;
use crate::reactive::{effect, memo};
use crate::state::live::{Live, Phase};
use crate::state::AppState;
use instance_model::fleet::{count_by_tone, Filter};
use instance_model::list::{FleetList, ListItem};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use summary::Summary;
use table::Table;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, KeyboardEvent};

/// Rows of the table, compared by identity: a list whose items are the same ones is the
/// same list, however long (no instance-by-instance comparison on every keystroke).
#[derive(Clone, Default)]
pub struct Rows(pub Vec<Arc<ListItem>>);

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.0.len() == other.0.len() && self.0.iter().zip(&other.0).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

/// What the summary counts: the whole list, not only the rows shown.
#[derive(Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// By tone, in `SUMMARY_TONES` order.
    by_tone: [usize; 5],
    /// Flagged idle.
    idle: usize,
    total: usize,
}

#[component]
pub fn FleetScreen(demo: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let fleet = state.fleet();
    let live = fleet.live(demo);
    let phase = live.phase();
    let fetched_at = memo(move || live.fetched_at());
    let sorted = memo(move || {
        let sort = fleet.sort();
        live.with_data(|d| {
            let mut items = d.map(|l| l.items.clone()).unwrap_or_default();
            sort.apply(&mut items);
            Rows(items)
        })
    });
    let is_idle = move |id: &str| state.idle_for(id).is_some_and(|i| i.is_idle());
    let shown = memo(move || {
        let filter = Filter::new(&fleet.query(), fleet.tone());
        let idle_only = fleet.idle_only();
        sorted.with(|r| {
            let keeps = |i: &&Arc<ListItem>| filter.keeps(i) && (!idle_only || is_idle(i.id()));
            Rows(r.0.iter().filter(keeps).cloned().collect())
        })
    });
    let tally = memo(move || {
        sorted.with(|r| Tally {
            by_tone: count_by_tone(&r.0),
            idle: r.0.iter().filter(|i| is_idle(i.id())).count(),
            total: r.0.len(),
        })
    });
    let in_progress = memo(move || tally.with(|t| t.by_tone[1] > 0));
    // Made here rather than in an effect, whose own owner is cleared on every run.
    let reads = Reads {
        state,
        demo,
        live,
        phase,
        shown,
        tally,
        // A usize, as other memos of the app are: a memo of a type of its own would bring the
        // wasm its own copy of the memo's code (386 bytes as an i64).
        minute: memo(move || (state.now_ms() / 60_000.0) as usize),
        viewport: Viewport::new(fleet.scroll_top()),
    };
    let root = NodeRef::<leptos::html::Section>::new();
    // Built by whichever effect runs first (once the section is in the page) and kept by both:
    // when the screen goes, so do they, and with them the screen's handler (removed from the
    // page).
    let screen: Rc<RefCell<Option<Screen>>> = Rc::default();
    let parts = move |screen: &RefCell<Option<Screen>>| {
        let root = root.get()?;
        let mut screen = screen.try_borrow_mut().ok()?;
        let built = screen.get_or_insert_with(|| Screen::listen(Parts::new(&root, reads)));
        Some(Rc::clone(&built.parts))
    };
    // Two effects, the table's apart: as one, a keystroke that leaves the rows as they are
    // made it look at every drawn row again, and a scroll at the summary (measured: a quarter
    // of a millisecond more a keystroke, for 0.3 KB less wasm).
    let shared = Rc::clone(&screen);
    effect(move || {
        if let Some(parts) = parts(&shared) {
            parts.show();
        }
    });
    effect(move || {
        if let Some(parts) = parts(&screen) {
            parts.table.show();
        }
    });
    view! {
        <section class="fleet card" data-testid="fleet" aria-labelledby="fleet-h" node_ref=root>
            {demo.then(|| view! { <DemoBanner current=demo::FLEET.to_string() /> })}
            <div class="fleet-head">
                <h2 id="fleet-h">"Fleet"</h2>
                <div class="freshness">
                    <span>
                        <AsOf fetched_at=fetched_at in_progress=in_progress testid="fleet-refreshed-at" />
                    </span>
                    <RefreshControls />
                </div>
            </div>
            <RefreshFailed phase=phase failure=live.failure_signal() />
        </section>
    }
}

/// What the screen's parts are drawn from: the state, and the lists and clock as the screen
/// reads them.
#[derive(Clone, Copy)]
struct Reads {
    state: AppState,
    demo: bool,
    live: Live<FleetList>,
    phase: Memo<Phase>,
    shown: Memo<Rows>,
    tally: Memo<Tally>,
    minute: Memo<usize>,
    viewport: Viewport,
}

/// The screen's fixed markup after its shared parts: the list's notice, its status while
/// there is none, the words for an empty fleet, and the body (the summary's and the table's
/// markup go into it, around the bulk bar's slot).
const MARKUP: &str = concat!(
    r#"<p class="warning" data-testid="fleet-notice" hidden=""></p>"#,
    r#"<p class="fleet-status" role="status" data-loading="false"></p>"#,
    r#"<p class="fleet-empty" data-testid="fleet-empty">No instances: this API key can see no GPU instances. Create one in the Novita console, or load one by its ID above.</p>"#,
    r#"<div class="fleet-body" hidden=""><div></div></div>"#,
);

/// The events of the screen's controls, all taken by one handler on the screen (`scroll`,
/// which does not bubble, on the table's scroll box itself).
const EVENTS: [&str; 3] = ["click", "input", "keydown"];

/// The screen's parts in the page and its handler, removed with it.
struct Screen {
    parts: Rc<Parts>,
    _listening: Listeners,
}

impl Screen {
    fn listen(parts: Parts) -> Screen {
        let parts = Rc::new(parts);
        let handled = Rc::clone(&parts);
        let listening = Listeners::new(&parts.root, &EVENTS, &parts.table_box, move |ev: Event| {
            handled.on_event(&ev)
        });
        Screen {
            parts,
            _listening: listening,
        }
    }
}

/// The screen's elements that change, and what they are drawn from.
struct Parts {
    reads: Reads,
    root: Element,
    as_of: Element,
    notice: Element,
    status: Element,
    empty: Element,
    body: Element,
    summary: Summary,
    bulk_slot: Element,
    /// The bulk bar, where actions exist.
    bulk: RefCell<Option<bulk::Bar>>,
    table: Table,
    table_box: Element,
}

impl Parts {
    /// Draws the screen's parts into `root` (the section, holding its shared parts).
    fn new(root: &Element, reads: Reads) -> Parts {
        let _ = root.insert_adjacent_html("beforeend", MARKUP);
        let body = find(root, ".fleet-body");
        // Its only child until the summary and the table go in around it.
        let bulk_slot = find(&body, "div");
        let _ = body.insert_adjacent_html("afterbegin", summary::MARKUP);
        let _ = body.insert_adjacent_html("beforeend", table::MARKUP);
        let empty = find(root, "[data-testid=fleet-empty]");
        empty.remove();
        let table = Table::new(
            &body,
            reads.state,
            reads.demo,
            reads.shown,
            reads.minute,
            reads.viewport,
        );
        Parts {
            reads,
            root: root.clone(),
            as_of: find(root, ".freshness > span"),
            notice: find(root, "[data-testid=fleet-notice]"),
            status: find(root, ".fleet-status"),
            empty,
            summary: Summary::new(&body),
            bulk_slot,
            bulk: RefCell::new(None),
            table,
            table_box: find(&body, ".long-table"),
            body,
        }
    }

    /// Brings every text and attribute outside the table up to date; run by an effect, which
    /// then runs again when anything read here changes.
    fn show(&self) {
        let Reads {
            state, demo, live, ..
        } = self.reads;
        let phase = self.reads.phase.get();
        let has_data = phase.has_data();
        let tally = self.reads.tally.get();
        let total = has_data.then(|| tally.total.to_string());
        set_attr(&self.root, "data-total", total.as_deref());
        set_attr(&self.as_of, "hidden", flag(!has_data));
        let notice = live.with_data(|d| d.and_then(FleetList::notice));
        set_attr(&self.notice, "hidden", flag(notice.is_none()));
        set_text(&self.notice, notice.as_deref().unwrap_or_default());
        let status = match phase {
            Phase::Loading => "Loading the list of instances…",
            Phase::Idle if !demo && !state.has_key() => {
                "Paste your API key above to see every instance it can see."
            }
            _ => "",
        };
        set_text(&self.status, status);
        set_attr(
            &self.status,
            "data-loading",
            true_false(phase == Phase::Loading),
        );
        place_after(&self.status, &self.empty, has_data && tally.total == 0);
        set_attr(&self.body, "hidden", flag(!has_data || tally.total == 0));

        let shown = self.reads.shown.with(|r| r.0.len());
        self.summary.show(state, &tally, shown);
        // Only this effect borrows the bar, and never while it runs already.
        if let Ok(mut bulk) = self.bulk.try_borrow_mut() {
            if demo || !state.actions_allowed() {
                *bulk = None;
            } else {
                bulk.get_or_insert_with(|| bulk::Bar::new(&self.bulk_slot))
                    .show(state);
            }
        }
    }

    /// Every event of the screen's controls: what it was is told by the control's hook.
    fn on_event(&self, ev: &Event) {
        let state = self.reads.state;
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        match ev.type_().as_str() {
            "scroll" => self.table.scrolled(),
            "input" => Summary::typed(state, &target),
            "keydown" => {
                if let Some(key) = ev.dyn_ref::<KeyboardEvent>() {
                    self.table.key(key);
                }
            }
            _ => {
                let Some(control) = closest(&target, "a, button, input") else {
                    return;
                };
                let hook = control.get_attribute("data-testid").unwrap_or_default();
                if let Some(action) = bulk::pressed(&hook) {
                    state.ask_for_selection(action);
                }
                Summary::clicked(state, &control, &hook);
                self.table.clicked(ev, &control, &hook);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{bulk, summary, table, MARKUP};
    use crate::browser::dom::blocked_inline;
    use instance_model::actions::Action;
    use instance_model::fleet::{tone_word, Column, IDLE_FILTER, SUMMARY_TONES};

    /// The summary offers a filter per tone of the model, in its order and with its word, then
    /// the idle filter.
    #[test]
    fn the_summary_markup_has_the_model_s_tones_in_order_then_idle() {
        let button = |tone: &str, title: &str, word: &str| {
            format!(
                r#"<button type="button" class="filter" data-testid="fleet-filter" data-tone="{tone}"{title} aria-pressed="false"><strong>0</strong> {word}</button>"#
            )
        };
        let mut expected: String = SUMMARY_TONES
            .iter()
            .map(|t| button(t.as_str(), "", tone_word(*t)))
            .collect();
        expected += &button(
            IDLE_FILTER,
            r#" title="Running instances whose GPUs have sat idle (still billed)""#,
            "idle",
        );
        let filters = summary::MARKUP
            .split_once(r#"aria-label="Show only one status">"#)
            .and_then(|(_, rest)| rest.split_once("</span>"))
            .map(|(filters, _)| filters);
        assert_eq!(filters, Some(expected.as_str()));
    }

    /// The table has a sort button per column of the model, in its order and with its label,
    /// then the watch list's heading.
    #[test]
    fn the_table_markup_has_the_model_s_columns_in_order() {
        let mut expected: String = Column::ALL
            .iter()
            .map(|c| {
                format!(
                    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="{}">{}</button></th>"#,
                    c.as_str(),
                    c.label()
                )
            })
            .collect();
        expected += r#"<th scope="col"><span class="sr-only">Watch list</span></th>"#;
        let headings = table::MARKUP
            .split_once(r#"<tr aria-rowindex="1">"#)
            .and_then(|(_, rest)| rest.split_once("</tr>"))
            .map(|(headings, _)| headings);
        assert_eq!(headings, Some(expected.as_str()));
    }

    /// The bulk bar's buttons are Start then Stop, the actions its clicks are read as.
    #[test]
    fn the_bulk_markup_has_start_then_stop() {
        let hooks: Vec<&str> = bulk::MARKUP
            .split(r#"data-testid=""#)
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(hook, _)| hook))
            .collect();
        assert_eq!(hooks, ["fleet-action-start", "fleet-action-stop"]);
        let actions: Vec<Option<Action>> = hooks.iter().map(|h| bulk::pressed(h)).collect();
        assert_eq!(actions, [Some(Action::Start), Some(Action::Stop)]);
    }

    /// Nothing a Content-Security-Policy without `'unsafe-inline'` would block.
    #[test]
    fn the_markup_has_no_inline_style_or_script() {
        for markup in [MARKUP, summary::MARKUP, table::MARKUP, bulk::MARKUP] {
            assert_eq!(blocked_inline(markup), None, "in {markup}");
        }
    }
}
