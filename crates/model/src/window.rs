//! Which rows of a long table to draw. A table of a few dozen rows is drawn whole; a longer one
//! (a fleet of 1,000, an instance with 500 ports) draws only the rows in sight of its scroll box
//! and a margin each side, between two spacers as tall as the rows left out, so building and
//! laying it out costs the same whatever the length. The page reads `scrollTop`,
//! `clientHeight` and one row's height and draws what this says.

/// Tables with at most this many rows are drawn whole (every row in the DOM, the page's own
/// scrolling, rows as tall as their text).
pub const DRAW_ALL_UP_TO: usize = 60;
/// Rows drawn beyond each edge of what is in sight, so a small scroll shows no gap.
pub const OVERSCAN: usize = 10;

/// The rows to draw, `start..end`, and the heights of the spacers around them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowWindow {
    pub start: usize,
    pub end: usize,
    /// Height of the rows above `start`, in pixels.
    pub before_px: i32,
    /// Height of the rows from `end` on, in pixels.
    pub after_px: i32,
}

impl RowWindow {
    /// Whether every row is drawn (no spacers, no scroll box needed).
    pub fn is_whole(&self, len: usize) -> bool {
        self.start == 0 && self.end == len
    }
}

fn px(rows: usize, row_px: i32) -> i32 {
    i32::try_from(rows)
        .unwrap_or(i32::MAX)
        .saturating_mul(row_px)
}

/// The window of `len` rows of `row_px` each, for a box scrolled to `scroll_top` and
/// `client_height` tall (0 before it is laid out: then as much as [`DRAW_ALL_UP_TO`] rows).
pub fn rows_in_view(len: usize, scroll_top: i32, client_height: i32, row_px: i32) -> RowWindow {
    if len <= DRAW_ALL_UP_TO {
        return RowWindow {
            start: 0,
            end: len,
            before_px: 0,
            after_px: 0,
        };
    }
    let row_px = row_px.max(1);
    let height = if client_height > 0 {
        client_height
    } else {
        px(DRAW_ALL_UP_TO, row_px)
    };
    let first = usize::try_from(scroll_top.max(0) / row_px).unwrap_or(0);
    let in_sight = usize::try_from(height / row_px).unwrap_or(0) + 2;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = first
        .saturating_add(in_sight + OVERSCAN)
        .min(len)
        .max(start);
    RowWindow {
        start,
        end,
        before_px: px(start, row_px),
        after_px: px(len - end, row_px),
    }
}

/// The `scrollTop` that brings row `index` fully into a box scrolled to `scroll_top` and
/// `client_height` tall, moving as little as possible (`scroll_top` when it is in sight).
/// `header_px` is the sticky heading's height, which covers the top of the box.
pub fn scroll_to_show(
    index: usize,
    scroll_top: i32,
    client_height: i32,
    row_px: i32,
    header_px: i32,
) -> i32 {
    let top = px(index, row_px);
    let bottom = top.saturating_add(row_px);
    if top < scroll_top {
        top
    } else if bottom > scroll_top + client_height - header_px {
        bottom - client_height + header_px
    } else {
        scroll_top
    }
}
