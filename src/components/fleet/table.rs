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

use super::Rows;
use crate::components::freshness::local_time;
use crate::components::long_table::{
    add, closest, el, event_row, fingerprint, row, set, Drawn, RowKey, Viewport,
};
use crate::components::status_badge::badge_element;
use crate::state::AppState;
use instance_model::actions::Run;
use instance_model::address::{search_for, View};
use instance_model::fleet::{expiry_cell, Column};
use instance_model::list::ListItem;
use instance_model::window::DRAW_ALL_UP_TO;
use leptos::html::Tbody;
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

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

/// Puts the select-all box in the Name heading (or takes it out), ticked when every row shown
/// is selected, half when some are.
fn select_all(
    viewport: Viewport,
    selectable: bool,
    shown: &[Arc<ListItem>],
    is_selected: impl Fn(&str) -> bool,
) -> Option<()> {
    let heading = viewport
        .node
        .get_untracked()?
        .query_selector("thead th")
        .ok()??;
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
    let selected = shown.iter().filter(|i| is_selected(i.id())).count();
    input.set_checked(selected > 0 && selected == shown.len());
    input.set_indeterminate(selected > 0 && selected < shown.len());
    Some(())
}

#[component]
pub fn FleetTable(shown: Memo<Rows>, demo: bool) -> impl IntoView {
    let state = expect_context::<AppState>();
    let fleet = state.fleet();
    let viewport = Viewport::new(fleet.scroll_top());
    let body = NodeRef::<Tbody>::new();
    let drawn = StoredValue::new_local(None::<Drawn>);
    let restored = StoredValue::new(false);
    let len = Memo::new(move |_| shown.with(|r| r.0.len()));
    let now_secs = (untrack(move || state.now_ms()) / 1000.0) as i64;
    // The idle flags' words change by the minute, not with every tick of the clock.
    let minute = Memo::new(move |_| (state.now_ms() / 60_000.0) as i64);
    // Rows can be selected for bulk actions only where actions exist, and not in the demo.
    let selectable = Memo::new(move |_| !demo && state.actions_allowed());

    let focus_link = move |pos: usize| {
        drawn.with_value(|d| {
            let link = d.as_ref()?.row_at(pos)?.query_selector("a").ok()??;
            link.dyn_into::<HtmlElement>().ok()?.focus().ok()
        })
    };
    let focus_row = move |pos: usize| {
        viewport.show_row(pos);
        if focus_link(pos).is_none() {
            // Not drawn yet: it is once this turn's redraw has run.
            request_animation_frame(move || {
                focus_link(pos);
            });
        }
    };

    Effect::new(move |_| {
        let Some(tbody) = body.get() else {
            return;
        };
        let window = viewport.window(len.get());
        let watch_list = (state.pinned(), state.linked());
        let is_watched = |id: &str| watch_list.0.iter().chain(&watch_list.1).any(|x| x == id);
        let now = minute.get() * 60;
        let selectable = selectable.get();
        shown.with(|r| {
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
            drawn.update_value(|d| {
                if d.is_none() {
                    *d = Drawn::new(&tbody);
                }
                let Some(d) = d else { return };
                d.draw(window, &keys, &mut |k| {
                    fleet_row(
                        window.start + k,
                        &items[k],
                        &extras[k],
                        selectable,
                        demo,
                        now_secs,
                    )
                });
                if !selectable {
                    return;
                }
                // The boxes follow the selection in place.
                for (k, item) in items.iter().enumerate() {
                    let row = d.row_at(window.start + k);
                    if let Some(input) =
                        as_checkbox(row.and_then(|r| r.query_selector("input").ok()?))
                    {
                        input.set_checked(fleet.is_selected(item.id()));
                    }
                }
            });
            select_all(viewport, selectable, &r.0, |id| fleet.is_selected(id));
        });
        if len.get_untracked() > DRAW_ALL_UP_TO {
            viewport.measure_soon();
        }
        // Coming back to the fleet: where it was scrolled to, and the row that was opened.
        if !restored.get_value() {
            restored.set_value(true);
            if let Some(el) = viewport.node.get_untracked() {
                el.set_scroll_top(fleet.scroll_top());
            }
            let opened = fleet.opened();
            if let Some(pos) = opened
                .and_then(|id| shown.with_untracked(|r| r.0.iter().position(|i| i.id() == id)))
            {
                focus_row(pos);
            }
        }
    });

    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some((pos, target)) = event_row(ev.target()) else {
            return;
        };
        let Some(id) = shown.with_untracked(|r| r.0.get(pos).map(|i| i.id().to_string())) else {
            return;
        };
        if closest(&target, "[data-testid=fleet-pin]").is_some() {
            state.toggle_pin(&id);
        } else if closest(&target, "[data-testid=fleet-select]").is_some() {
            state.toggle_fleet_selected(&id);
        } else if closest(&target, "a").is_some() {
            // A new tab or window is the browser's business.
            if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key()
            {
                return;
            }
            ev.prevent_default();
            state.open_from_fleet(&id, demo);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let Some((pos, _)) = event_row(ev.target()) else {
            return;
        };
        let last = len.get_untracked().saturating_sub(1);
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
        focus_row(next.min(last));
    };
    let on_scroll = move |_| fleet.remember_scroll(viewport.scrolled());
    // The select-all box: ticked, every row shown is selected; cleared, none of them.
    let on_heading_click = move |ev: leptos::ev::MouseEvent| {
        let target = ev.target().and_then(|t| t.dyn_into::<Element>().ok());
        let on = target
            .filter(|t| t.get_attribute("data-testid").as_deref() == Some("fleet-select-all"))
            .and_then(|t| as_checkbox(Some(t)))
            .map(|input| input.checked());
        if let Some(on) = on {
            let ids = shown.with_untracked(|r| r.0.iter().map(|i| i.id().to_string()).collect());
            state.select_fleet_rows(ids, on);
        }
    };

    let headings = Column::ALL
        .into_iter()
        .map(|column| {
            // The arrow is the stylesheet's, from aria-sort.
            view! {
                <th scope="col" aria-sort=move || fleet.sort().aria(column)>
                    <button type="button" data-testid="fleet-sort" data-column=column.as_str()
                        on:click=move |_| state.sort_fleet_by(column)>
                        {column.label()}
                    </button>
                </th>
            }
        })
        .collect_view();
    view! {
        <div class="long-table" class:windowed=move || { len.get() > DRAW_ALL_UP_TO }
            node_ref=viewport.node on:scroll=on_scroll>
            <table class="fleet-table" aria-rowcount=move || len.get() + 1 aria-labelledby="fleet-h">
                <thead on:click=on_heading_click><tr aria-rowindex="1">{headings}<th scope="col"><span class="sr-only">"Watch list"</span></th></tr></thead>
                <tbody node_ref=body on:click=on_click on:keydown=on_key></tbody>
            </table>
        </div>
        {move || (len.get() == 0).then(|| view! {
            <p class="empty" data-testid="fleet-no-match">
                "No instance matches. "
                <button type="button" class="link" on:click=move |_| state.clear_fleet_filter()>"Show all"</button>
            </p>
        })}
    }
}
