//! The fleet's table: name (opens the full view), status, GPUs, cluster, billing and spot
//! state, image, expiry, and a watch button; sortable by any column. Where actions exist, a
//! checkbox before each name selects the row for a bulk Start or Stop (`bulk.rs`), one in the
//! Name heading selects every row shown, and a row shows the outcome of the latest action on
//! its instance, as the instance view does.
//!
//! Built for 1,000 rows, as a long table (`components::long_table`): rows drawn by hand, only
//! those in sight when there are many, each keyed by its position, its item and whether it is
//! watched. A refresh that leaves an instance as it was keeps its item (`FleetList::carry_over`)
//! and so its row; one changed status redraws only that row. The checkboxes are set in place
//! rather than redrawn, so a box keeps the focus it has while it is ticked.
//!
//! Keyboard: Tab reaches the rows' links; ↓/↑ or j/k move between rows, PageDown/PageUp by
//! ten, Home/End to the ends, Enter opens.
//!
//! The headings, the scroll box and the words for a search that matches nothing are fixed
//! markup ([`MARKUP`]), kept current by [`Table::show`], which an effect of the screen runs.

use super::Rows;
use crate::browser::dom::{find, place_after, set_attr};
use crate::components::freshness::local_time;
use crate::components::long_table::{
    add, el, event_row, fingerprint, row, set, Drawn, RowKey, Viewport,
};
use crate::components::status_badge::badge_element;
use crate::state::AppState;
use instance_model::actions::Run;
use instance_model::address::{search_for, View};
use instance_model::fleet::{expiry_cell, Column};
use instance_model::list::ListItem;
use instance_model::window::DRAW_ALL_UP_TO;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, KeyboardEvent, MouseEvent};

/// Rows PageDown and PageUp move by.
const PAGE_ROWS: usize = 10;

/// A cell with a main line and, when `sub` is not empty, a smaller second line.
fn cell(main: Option<Element>, sub: &str, sub_class: &str) -> Option<Element> {
    let td = el("td", "", "")?;
    add(&td, main);
    if !sub.is_empty() {
        let line = el("span", sub_class, sub)?;
        set(&line, "title", sub);
        add(&td, Some(line));
    }
    Some(td)
}

/// A cell of one line of text, whole in its title (the cell cuts it to fit).
fn text_cell(text: &str, class: &str) -> Option<Element> {
    let td = el("td", class, text)?;
    set(&td, "title", text);
    Some(td)
}

/// What a row shows besides its instance.
struct RowExtras {
    watched: bool,
    /// The idle flag's words.
    idle: Option<String>,
    /// The latest action on the instance.
    run: Option<Run>,
}

/// A checkbox with a test hook and a label (set in place by the table, not as an attribute).
fn checkbox(testid: &str, label: &str) -> Option<Element> {
    let input = el("input", "select", "")?;
    set(&input, "type", "checkbox");
    set(&input, "data-testid", testid);
    set(&input, "aria-label", label);
    Some(input)
}

/// A checkbox as an input element, to read or set.
fn as_checkbox(el: Option<Element>) -> Option<HtmlInputElement> {
    el?.dyn_into().ok()
}

fn fleet_row(
    pos: usize,
    item: &ListItem,
    extras: &RowExtras,
    selectable: bool,
    demo: bool,
    now_secs: i64,
) -> Option<Element> {
    let watched = extras.watched;
    let i = &item.instance;
    let tr = row(pos, "fleet-row")?;
    set(&tr, "data-instance-id", &i.id);

    let view = if demo {
        View::Demo(Some(i.id.clone()))
    } else {
        View::Instance(i.id.clone())
    };
    let link = el("a", "", i.display_name())?;
    set(&link, "data-testid", "fleet-open");
    set(&link, "href", &search_for(&view, &[]));
    set(&link, "title", i.display_name());
    let name = cell(Some(link), &i.id, "sub mono")?;
    if selectable {
        let select = checkbox("fleet-select", &format!("Select {}", i.display_name()))?;
        let _ = name.prepend_with_node_1(&select);
    }
    add(&tr, Some(name));

    let reason = i.status_error.as_ref().filter(|e| !e.is_empty()).map(|e| {
        match (e.state.trim(), e.message.trim()) {
            ("", m) => m.to_string(),
            (s, "") => s.to_string(),
            (s, m) => format!("{s}: {m}"),
        }
    });
    let badge = badge_element(&i.status, i.tone());
    let status = cell(badge, reason.as_deref().unwrap_or(""), "sub reason")?;
    if let Some(idle) = &extras.idle {
        let flag = el("span", "idle-flag", idle)?;
        set(&flag, "data-testid", "idle-flag");
        set(&flag, "title", "The instance is still billed while it runs");
        add(&status, Some(flag));
    }
    if let Some(run) = &extras.run {
        let words = run.words(&local_time);
        let line = el("span", "sub action-line", &words)?;
        set(&line, "data-testid", "action-status");
        set(&line, "data-action", run.action.as_str());
        set(&line, "data-state", run.state_str());
        if run.is_following() {
            set(&line, "data-progress", run.progress().as_str());
        }
        set(&line, "title", &words);
        add(&status, Some(line));
    }
    add(&tr, Some(status));

    add(&tr, text_cell(&item.gpus(), ""));
    add(&tr, text_cell(item.cluster(), ""));
    let (billing, spot) = item.billing();
    let spot_class = if item.spot.is_warning() {
        "sub warn"
    } else {
        "sub"
    };
    add(&tr, cell(el("span", "", &billing), spot, spot_class));
    let image = match i.image_url.trim() {
        "" => "—",
        image => image,
    };
    add(&tr, text_cell(image, "mono"));
    let (expires, in_full) = expiry_cell(&i.end_time, now_secs);
    let expiry = el("td", "", &expires)?;
    set(&expiry, "title", &in_full);
    add(&tr, Some(expiry));

    let watch = el("td", "", "")?;
    if !demo {
        let button = el(
            "button",
            "ghost",
            if watched { "Watching" } else { "Watch" },
        )?;
        set(&button, "type", "button");
        set(&button, "data-testid", "fleet-pin");
        set(
            &button,
            "aria-pressed",
            if watched { "true" } else { "false" },
        );
        set(
            &button,
            "aria-label",
            &format!("Watch {}", i.display_name()),
        );
        add(&watch, Some(button));
    }
    add(&tr, Some(watch));
    Some(tr)
}

/// The table's fixed markup: a sort button per column of `Column::ALL` (in its order, with
/// its label), the watch list's heading, an empty body for the rows, and the words shown in the
/// table's place when no row matches (taken out of the page until then).
pub const MARKUP: &str = concat!(
    r#"<div class="long-table"><table class="fleet-table" aria-rowcount="1" aria-labelledby="fleet-h">"#,
    r#"<thead><tr aria-rowindex="1">"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="name">Name</button></th>"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="status">Status</button></th>"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="gpus">GPUs</button></th>"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="cluster">Cluster</button></th>"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="billing">Billing</button></th>"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="image">Image</button></th>"#,
    r#"<th scope="col" aria-sort="none"><button type="button" data-testid="fleet-sort" data-column="expiry">Expires</button></th>"#,
    r#"<th scope="col"><span class="sr-only">Watch list</span></th>"#,
    r#"</tr></thead><tbody></tbody></table></div>"#,
    r#"<p class="empty" data-testid="fleet-no-match">No instance matches. <button type="button" class="link">Show all</button></p>"#,
);

/// Puts the select-all box in the Name heading (or takes it out), ticked when every row shown
/// is selected, half when some are.
fn select_all(
    heading: &Element,
    selectable: bool,
    shown: &[Arc<ListItem>],
    selected_count: usize,
    is_selected: impl Fn(&str) -> bool,
) -> Option<()> {
    let existing = heading.query_selector("input").ok()?;
    if !selectable {
        if let Some(input) = existing {
            input.remove();
        }
        return None;
    }
    let input = match existing {
        Some(input) => input,
        None => {
            let input = checkbox("fleet-select-all", "Select every instance shown")?;
            let _ = heading.prepend_with_node_1(&input);
            input
        }
    };
    let input = as_checkbox(Some(input))?;
    // Nothing selected (the common case) is known without a look at every row shown.
    let selected = match selected_count {
        0 => 0,
        _ => shown.iter().filter(|i| is_selected(i.id())).count(),
    };
    input.set_checked(selected > 0 && selected == shown.len());
    input.set_indeterminate(selected > 0 && selected < shown.len());
    Some(())
}

/// Gives the focus to the link of the row at `pos`; false when that row is not drawn.
fn focus_link(body: &Element, pos: usize) -> bool {
    let css = format!("tr[aria-rowindex=\"{}\"] a", pos + 2);
    body.query_selector(&css)
        .ok()
        .flatten()
        .and_then(|a| a.dyn_into::<HtmlElement>().ok())
        .is_some_and(|a| a.focus().is_ok())
}

/// The table in the page, the rows drawn in it, and what they are drawn from.
pub struct Table {
    state: AppState,
    demo: bool,
    shown: Memo<Rows>,
    /// The clock, by the minute (for the idle flags' words).
    minute: Memo<usize>,
    /// The time the expiry column counts from.
    now_secs: i64,
    viewport: Viewport,
    scroller: Element,
    table: Element,
    /// The headings, in `Column::ALL` order (the watch list's, which does not sort, left out).
    headings: Vec<Element>,
    body: Element,
    drawn: RefCell<Option<Drawn>>,
    no_match: Element,
    /// Whether the scroll position and focus of the last visit have been brought back.
    restored: Cell<bool>,
    /// Whether rows were selected at the last draw (so boxes may be ticked).
    ticked: Cell<bool>,
}

impl Table {
    /// Finds the table's parts in `root`, where [`MARKUP`] has been put, and takes the words
    /// for no match out of the page until they apply.
    pub fn new(
        root: &Element,
        state: AppState,
        demo: bool,
        shown: Memo<Rows>,
        minute: Memo<usize>,
        viewport: Viewport,
    ) -> Table {
        let scroller = find(root, ".long-table");
        viewport.attach(&scroller);
        let mut headings = Vec::new();
        let mut th = root.query_selector("thead th").ok().flatten();
        while let Some(h) = th {
            th = h.next_element_sibling();
            headings.push(h);
        }
        headings.truncate(Column::ALL.len());
        let body = find(root, "tbody");
        let no_match = find(root, "[data-testid=fleet-no-match]");
        no_match.remove();
        Table {
            state,
            demo,
            shown,
            minute,
            now_secs: (untrack(move || state.now_ms()) / 1000.0) as i64,
            viewport,
            table: find(root, ".fleet-table"),
            headings,
            drawn: RefCell::new(Drawn::new(&body)),
            body,
            no_match,
            scroller,
            restored: Cell::new(false),
            ticked: Cell::new(false),
        }
    }

    /// The box was scrolled.
    pub fn scrolled(&self) {
        self.state.fleet().remember_scroll(self.viewport.scrolled());
    }

    /// Scrolls row `pos` into sight and gives its link the focus (once it is drawn).
    fn focus_row(&self, pos: usize) {
        self.viewport.show_row(pos);
        if !focus_link(&self.body, pos) {
            // Not drawn yet: it is once this turn's redraw has run.
            let body = self.body.clone();
            request_animation_frame(move || {
                focus_link(&body, pos);
            });
        }
    }

    /// Brings the table up to date: the sort shown by the headings, how many rows there are,
    /// the rows in sight (reading the list shown, the scroll position, the watch list, idle
    /// flags, actions and the selection).
    pub fn show(&self) {
        let state = self.state;
        let fleet = state.fleet();
        let demo = self.demo;
        let len = self.shown.with(|r| r.0.len());
        let sort = fleet.sort();
        for (column, th) in Column::ALL.into_iter().zip(&self.headings) {
            // The arrow is the stylesheet's, from aria-sort.
            set_attr(th, "aria-sort", Some(sort.aria(column)));
        }
        let windowed = len > DRAW_ALL_UP_TO;
        let class = if windowed {
            "long-table windowed"
        } else {
            "long-table"
        };
        set_attr(&self.scroller, "class", Some(class));
        set_attr(&self.table, "aria-rowcount", Some(&(len + 1).to_string()));
        place_after(&self.scroller, &self.no_match, len == 0);

        let window = self.viewport.window(len);
        let watch_list = (state.pinned(), state.linked());
        let is_watched = |id: &str| watch_list.0.iter().chain(&watch_list.1).any(|x| x == id);
        let now = self.minute.get() as i64 * 60;
        // Rows can be selected for bulk actions only where actions exist, and not in the demo.
        let selectable = !demo && state.actions_allowed();
        let selected = fleet.selected_count();
        self.shown.with(|r| {
            let items = &r.0[window.start..window.end];
            let extras: Vec<RowExtras> = items
                .iter()
                .map(|i| RowExtras {
                    watched: is_watched(i.id()),
                    idle: state
                        .idle_for(i.id())
                        .and_then(|idle| instance_model::idle::short_text(idle.verdict, now)),
                    run: state.action_run(i.id()),
                })
                .collect();
            let keys: Vec<RowKey> = items
                .iter()
                .zip(&extras)
                .enumerate()
                .map(|(k, (item, x))| {
                    let identity = (Arc::as_ptr(item) as usize as u64) << 1 | u64::from(x.watched);
                    let run = x
                        .run
                        .as_ref()
                        .map_or(String::new(), |r| r.words(&local_time));
                    let shows = [
                        x.idle.as_deref().unwrap_or(""),
                        &run,
                        if selectable { "select" } else { "" },
                    ];
                    (window.start + k, identity ^ fingerprint(&shows))
                })
                .collect();
            // Only this effect borrows the rows, and never while it runs already.
            let mut drawn = self.drawn.try_borrow_mut();
            if let Some(d) = drawn.as_deref_mut().ok().and_then(Option::as_mut) {
                d.draw(window, &keys, &mut |k| {
                    fleet_row(
                        window.start + k,
                        &items[k],
                        &extras[k],
                        selectable,
                        demo,
                        self.now_secs,
                    )
                });
                // The boxes follow the selection in place. With nothing selected now nor at the
                // last draw, every box is clear already (a new row's box starts clear).
                let ticked_before = self.ticked.replace(selected > 0);
                if selectable && (selected > 0 || ticked_before) {
                    for (k, item) in items.iter().enumerate() {
                        let row = d.row_at(window.start + k);
                        if let Some(input) =
                            as_checkbox(row.and_then(|r| r.query_selector("input").ok()?))
                        {
                            input.set_checked(fleet.is_selected(item.id()));
                        }
                    }
                }
            }
            if let Some(heading) = self.headings.first() {
                select_all(heading, selectable, &r.0, selected, |id| {
                    fleet.is_selected(id)
                });
            }
        });
        if len > DRAW_ALL_UP_TO {
            self.viewport.measure_soon();
        }
        // Coming back to the fleet: where it was scrolled to, and the row that was opened.
        if !self.restored.replace(true) {
            self.scroller.set_scroll_top(fleet.scroll_top());
            let opened = fleet.opened();
            if let Some(pos) = opened.and_then(|id| {
                self.shown
                    .with_untracked(|r| r.0.iter().position(|i| i.id() == id))
            }) {
                self.focus_row(pos);
            }
        }
    }

    /// A click on `control` (a button, link or input of the screen, its hook `hook`): a
    /// heading, the select-all box, Show all, or a row's link, watch button or checkbox.
    pub fn clicked(&self, ev: &Event, control: &Element, hook: &str) {
        let state = self.state;
        match hook {
            "fleet-sort" => {
                let column = control.get_attribute("data-column");
                let pressed = Column::ALL
                    .into_iter()
                    .find(|c| column.as_deref() == Some(c.as_str()));
                if let Some(column) = pressed {
                    state.sort_fleet_by(column);
                }
            }
            // Ticked, every row shown is selected; cleared, none of them.
            "fleet-select-all" => {
                if let Some(input) = control.dyn_ref::<HtmlInputElement>() {
                    let ids = self
                        .shown
                        .with_untracked(|r| r.0.iter().map(|i| i.id().to_string()).collect());
                    state.select_fleet_rows(ids, input.checked());
                }
            }
            "fleet-pin" | "fleet-select" | "fleet-open" => {
                let Some((pos, _)) = event_row(Some(control.clone().into())) else {
                    return;
                };
                let Some(id) = self
                    .shown
                    .with_untracked(|r| r.0.get(pos).map(|i| i.id().to_string()))
                else {
                    return;
                };
                match hook {
                    "fleet-pin" => state.toggle_pin(&id),
                    "fleet-select" => state.toggle_fleet_selected(&id),
                    _ => {
                        // A new tab or window is the browser's business.
                        let click: &MouseEvent = ev.unchecked_ref();
                        if click.button() != 0
                            || click.ctrl_key()
                            || click.meta_key()
                            || click.shift_key()
                            || click.alt_key()
                        {
                            return;
                        }
                        ev.prevent_default();
                        state.open_from_fleet(&id, self.demo);
                    }
                }
            }
            _ if self.no_match.contains(Some(control.as_ref())) => state.clear_fleet_filter(),
            _ => {}
        }
    }

    /// A key pressed in a row: ↓/↑ or j/k to the next or previous row, PageDown/PageUp by
    /// ten, Home/End to the ends.
    pub fn key(&self, ev: &KeyboardEvent) {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let Some((pos, _)) = event_row(ev.target()) else {
            return;
        };
        let last = self.shown.with_untracked(|r| r.0.len()).saturating_sub(1);
        let next = match ev.key().as_str() {
            "ArrowDown" | "j" => pos + 1,
            "ArrowUp" | "k" => pos.saturating_sub(1),
            "PageDown" => pos + PAGE_ROWS,
            "PageUp" => pos.saturating_sub(PAGE_ROWS),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        self.focus_row(next.min(last));
    }
}
