//! Long tables, drawn by hand: the fleet, and the instance view's ports, volumes and
//! environment variables.
//!
//! A table of up to [`DRAW_ALL_UP_TO`](instance_model::window::DRAW_ALL_UP_TO) rows is drawn
//! whole, rows as tall as their text. A longer one is "windowed": its box scrolls, its rows are
//! one line-height each (cut with an ellipsis), and only the rows in sight and a margin are in
//! the page, between two spacers as tall as the rows left out (`instance_model::window`). So a
//! table of 1,000 rows costs what one of 50 does to build, lay out and search.
//!
//! Rows are built straight into the DOM (as the logs panel's lines are), each keyed: a row
//! whose key is drawn already is left as it is, so a refresh that changes nothing touches
//! nothing, and one changed row is the only one redrawn. That costs a fraction of the wasm
//! and the time a reactive keyed list does. Text from the API only ever becomes text nodes and
//! attribute values, never HTML. A table's controls (open, copy, reveal, watch) are handled
//! by one listener on its body, which finds the row from `aria-rowindex`.

use crate::components::click;
use crate::reactive::effect;
use instance_model::window::{rows_in_view, scroll_to_show, RowWindow, DRAW_ALL_UP_TO};
use leptos::html::{Div, Tbody};
use leptos::prelude::*;
use leptos::tachys::html::node_ref::NodeRefContainer;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};

/// What a drawn row is: its position, and a fingerprint of what it shows. A row drawn under
/// the same key is not drawn again.
pub type RowKey = (usize, u64);

/// A fingerprint of what a row shows (FNV-1a over its texts, each ended by a separator).
pub fn fingerprint(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// A new element `tag` with `class` (when not empty) and `text` (when not empty).
pub fn el(tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = document().create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    Some(el)
}

/// Appends `child` (when there is one) to `parent`.
pub fn add(parent: &Element, child: Option<Element>) {
    if let Some(child) = child {
        let _ = parent.append_child(&child);
    }
}

pub fn set(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(name, value);
}

/// A row (`tr`) for position `pos` of the table: `aria-rowindex` counts the heading row as 1.
pub fn row(pos: usize, testid: &str) -> Option<Element> {
    let tr = el("tr", "", "")?;
    set(&tr, "data-testid", testid);
    set(&tr, "aria-rowindex", &(pos + 2).to_string());
    Some(tr)
}

/// The position of the row an event happened in, and the element it happened on.
pub fn event_row(target: Option<web_sys::EventTarget>) -> Option<(usize, Element)> {
    let target: Element = target?.dyn_into().ok()?;
    let index = closest(&target, "tr[aria-rowindex]")?
        .get_attribute("aria-rowindex")?
        .parse::<usize>()
        .ok()?;
    Some((index.checked_sub(2)?, target))
}

pub fn closest(el: &Element, css: &str) -> Option<Element> {
    el.closest(css).ok().flatten()
}

/// A table's scroll box and what is known of its size.
#[derive(Clone, Copy)]
pub struct Viewport {
    pub node: NodeRef<Div>,
    scroll_top: RwSignal<i32>,
    height: RwSignal<i32>,
    /// A row's height, once measured (0 before).
    row_px: RwSignal<i32>,
}

/// A windowed row's height before one has been measured: on the low side (`style/main.css`
/// makes them 2.6 to 3.4 rem), so the first draw has rows enough to fill the box.
const ASSUMED_ROW_PX: i32 = 36;

impl Viewport {
    /// Starts scrolled to `scroll_top` (where the table was left), re-measured when the window
    /// is resized.
    pub fn new(scroll_top: i32) -> Viewport {
        let viewport = Viewport {
            node: NodeRef::new(),
            scroll_top: RwSignal::new(scroll_top),
            height: RwSignal::new(0),
            row_px: RwSignal::new(0),
        };
        let resize = window_event_listener(leptos::ev::resize, move |_| viewport.measure());
        on_cleanup(move || resize.remove());
        viewport
    }

    /// Takes `el`, drawn by hand, as the scroll box (a view gives it with `node_ref`).
    pub fn attach(&self, el: &Element) {
        self.node.load(el);
    }

    /// The rows of `len` to draw (reactive: follows scrolling and measuring). Before the box
    /// has been measured, it is taken to be as tall as its CSS allows at most (70 % of the
    /// window), so the first frame draws about what fits rather than 60 rows.
    pub fn window(&self, len: usize) -> RowWindow {
        let row_px = match self.row_px.get() {
            0 => ASSUMED_ROW_PX,
            px => px,
        };
        let height = match self.height.get() {
            0 => window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .map_or(0, |h| (h * 0.7) as i32),
            px => px,
        };
        rows_in_view(len, self.scroll_top.get(), height, row_px)
    }

    /// Measures once the frame being drawn has been laid out, if not done yet: reading sizes
    /// right after drawing would make the browser lay the page out twice.
    pub fn measure_soon(&self) {
        if self.measured() {
            return;
        }
        let viewport = *self;
        request_animation_frame(move || viewport.measure());
    }

    /// The box was scrolled: its new `scrollTop`.
    pub fn scrolled(&self) -> i32 {
        let top = self.node.get_untracked().map_or(0, |el| el.scroll_top());
        self.scroll_top.set(top);
        top
    }

    /// Reads the box's height and a drawn row's. Only a windowed table needs them, and then
    /// only a few dozen rows are laid out to answer.
    pub fn measure(&self) {
        let Some(el) = self.node.get_untracked() else {
            return;
        };
        if !el.class_list().contains("windowed") {
            return;
        }
        // Set only when changed: a draw that measures must not wake itself again.
        let height = el.client_height();
        if height != self.height.get_untracked() {
            self.height.set(height);
        }
        let row = el.query_selector("tbody tr:not(.spacer)").ok().flatten();
        if let Some(px) = row
            .and_then(|r| r.dyn_into::<HtmlElement>().ok())
            .map(|r| r.offset_height())
            .filter(|px| *px > 0 && *px != self.row_px.get_untracked())
        {
            self.row_px.set(px);
        }
    }

    /// Whether a row has been measured yet.
    fn measured(&self) -> bool {
        self.row_px.get_untracked() > 0
    }

    /// Scrolls the box (as little as possible) to bring row `pos` into sight below the
    /// heading.
    pub fn show_row(&self, pos: usize) {
        let Some(el) = self.node.get_untracked() else {
            return;
        };
        let header = el
            .query_selector("thead")
            .ok()
            .flatten()
            .and_then(|h| h.dyn_into::<HtmlElement>().ok())
            .map_or(0, |h| h.offset_height());
        let row_px = match self.row_px.get_untracked() {
            0 => ASSUMED_ROW_PX,
            px => px,
        };
        let top = scroll_to_show(pos, el.scroll_top(), el.client_height(), row_px, header);
        el.set_scroll_top(top);
        self.scroll_top.set(top);
    }
}

/// The rows drawn into one table body, between its two spacers.
pub struct Drawn {
    body: Element,
    before: Element,
    after: Element,
    spacer_px: (i32, i32),
    rows: Vec<(RowKey, Element)>,
}

impl Drawn {
    /// Takes over an empty `tbody`. A spacer is a row of one cell: one spanning every column
    /// would upset a fixed table layout whose narrow form hides some columns.
    pub fn new(body: &Element) -> Option<Drawn> {
        let spacer = || {
            let tr = el("tr", "spacer", "")?;
            set(&tr, "aria-hidden", "true");
            add(&tr, el("td", "", ""));
            let _ = body.append_child(&tr);
            Some(tr)
        };
        Some(Drawn {
            body: body.clone(),
            before: spacer()?,
            after: spacer()?,
            spacer_px: (0, 0),
            rows: Vec::new(),
        })
    }

    /// Draws the rows `keys` name (those of `window`, in order): rows already drawn under the
    /// same key stay as they are, the others are built by `build(i)` for `keys[i]`, and rows
    /// no longer named go.
    pub fn draw(
        &mut self,
        window: RowWindow,
        keys: &[RowKey],
        build: &mut dyn FnMut(usize) -> Option<Element>,
    ) {
        let spacers = (window.before_px, window.after_px);
        if spacers != self.spacer_px {
            self.spacer_px = spacers;
            for (spacer, px) in [(&self.before, spacers.0), (&self.after, spacers.1)] {
                // Through the CSSOM, never a `style` attribute: the page's Content-Security-Policy
                // has no 'unsafe-inline' for styles.
                let cell = spacer
                    .first_element_child()
                    .and_then(|td| td.dyn_into::<HtmlElement>().ok());
                if let Some(cell) = cell {
                    let _ = cell.style().set_property("height", &format!("{px}px"));
                }
            }
        }
        let mut kept: Vec<(RowKey, Element)> = Vec::new();
        for (key, row) in self.rows.drain(..) {
            if keys.contains(&key) {
                kept.push((key, row));
            } else {
                row.remove();
            }
        }
        let mut cursor: Option<Node> = self.before.next_sibling();
        let mut rows = Vec::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let row = match kept.iter().position(|(k, _)| k == key) {
                Some(at) => kept.swap_remove(at).1,
                None => match build(i) {
                    Some(row) => row,
                    None => continue,
                },
            };
            let node: &Node = &row;
            if cursor.as_ref() == Some(node) {
                cursor = row.next_sibling();
            } else {
                let _ = self
                    .body
                    .insert_before(&row, cursor.as_ref().or(Some(&self.after)));
            }
            rows.push((*key, row));
        }
        self.rows = rows;
    }

    /// The drawn row at position `pos`, if it is drawn.
    pub fn row_at(&self, pos: usize) -> Option<&Element> {
        self.rows
            .iter()
            .find(|((p, _), _)| *p == pos)
            .map(|(_, row)| row)
    }
}

/// Draws the rows of a window into a table's [`Drawn`], reading its data (reactively).
pub type DrawRows = Arc<dyn Fn(RowWindow, &mut Drawn) + Send + Sync>;
/// Handles a click on `target` in the row at a position.
pub type RowClick = Arc<dyn Fn(usize, Element) + Send + Sync>;

/// A long table of the instance view: fixed headings, `len` rows drawn by `draw`, clicks in
/// rows handed to `on_click`; with no rows, `empty` says so in its place. The table redraws
/// when what `draw` reads changes, when it is scrolled, and when it is measured.
///
/// The table and the words are both always in the page, one hidden: a `<Show>` switching them
/// cost the wasm its switching code for each of the three tables.
#[component]
pub fn LongTable(
    class: &'static str,
    headings: &'static [&'static str],
    empty: &'static str,
    len: Memo<usize>,
    draw: DrawRows,
    on_click: RowClick,
) -> impl IntoView {
    let viewport = Viewport::new(0);
    let body = NodeRef::<Tbody>::new();
    let drawn = StoredValue::new_local(None::<Drawn>);
    effect(move || {
        let Some(tbody) = body.get() else {
            return;
        };
        let window = viewport.window(len.get());
        drawn.update_value(|d| {
            if d.is_none() {
                *d = Drawn::new(&tbody);
            }
            if let Some(d) = d {
                draw(window, d);
            }
        });
        if len.get_untracked() > DRAW_ALL_UP_TO {
            viewport.measure_soon();
        }
    });
    let headings = headings
        .iter()
        .map(|h| view! { <th scope="col">{*h}</th> })
        .collect_view();
    view! {
        <p class="empty" hidden=move || { len.get() > 0 }>{empty}</p>
        <div class="long-table table-wrap" hidden=move || len.get() == 0 class:windowed=move || { len.get() > DRAW_ALL_UP_TO }
            node_ref=viewport.node on:scroll=move |_| { viewport.scrolled(); }>
            <table class=class aria-rowcount=move || len.get() + 1>
                <thead><tr aria-rowindex="1">{headings}</tr></thead>
                <tbody node_ref=body on:click={click(move |ev| {
                    if let Some((pos, target)) = event_row(ev.target()) {
                        on_click(pos, target);
                    }
                })}></tbody>
            </table>
        </div>
    }
}
