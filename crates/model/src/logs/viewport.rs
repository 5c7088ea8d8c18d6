//! The arithmetic of the panel's virtual scrolling. The scroll box holds a sizer as tall as all
//! shown lines together, and inside it only the lines in sight (plus a margin each side) are
//! drawn, moved down to where they belong. These functions decide which lines those are, the
//! sizes in pixels, and whether the view follows the newest line; the app only reads and writes
//! the DOM with their answers.
//!
//! Pixels are `i32` because that is what the DOM's `scrollTop` and `clientHeight` are.

/// Height of one line, in CSS pixels; `style/main.css` sets the same for `.log-line`.
pub const LINE_PX: i32 = 18;
/// The scroll box's height in `style/main.css`, for before it is laid out.
pub const ASSUMED_HEIGHT_PX: i32 = 420;
/// Lines drawn beyond each edge of the visible area, so a small scroll shows no gap.
pub const OVERSCAN: usize = 20;

/// The shown lines to draw: `start..end`, indexes into the shown list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineWindow {
    pub start: usize,
    pub end: usize,
}

impl LineWindow {
    /// How far down the sizer the drawn lines sit: the height of the lines above them.
    pub fn offset_px(self) -> i32 {
        lines_px(self.start)
    }
}

/// The height of `lines` lines, in pixels: the sizer's height for all shown lines, saturating
/// rather than wrapping for absurd counts.
pub fn lines_px(lines: usize) -> i32 {
    i32::try_from(lines)
        .unwrap_or(i32::MAX)
        .saturating_mul(LINE_PX)
}

/// Which of `len` shown lines to draw. Following, the last lines that fit; otherwise those from
/// the line at `scroll_top` down. `client_height` is the box's height, 0 when it has not been
/// laid out yet (just unhidden), in which case its CSS height is assumed.
pub fn lines_in_view(
    len: usize,
    following: bool,
    scroll_top: i32,
    client_height: i32,
) -> LineWindow {
    let height = if client_height > 0 {
        client_height
    } else {
        ASSUMED_HEIGHT_PX
    };
    // Two more than fit: a partly shown line at each edge.
    let in_sight = usize::try_from(height / LINE_PX).unwrap_or(0) + 2;
    let first = if following {
        len.saturating_sub(in_sight)
    } else {
        usize::try_from(scroll_top.max(0) / LINE_PX)
            .unwrap_or(0)
            .min(len)
    };
    LineWindow {
        start: first.saturating_sub(OVERSCAN),
        end: first.saturating_add(in_sight + OVERSCAN).min(len),
    }
}

/// Where a view that is not following goes when `dropped` shown lines have left the top, so
/// it stays on the same lines: up by their height, never above the top.
pub fn scroll_top_after_drop(scroll_top: i32, dropped: u64) -> i32 {
    let shift = i32::try_from(dropped)
        .unwrap_or(i32::MAX)
        .saturating_mul(LINE_PX);
    scroll_top.saturating_sub(shift).max(0)
}

/// Whether the box is scrolled to the end, within half a line (browsers round scroll positions).
pub fn is_at_bottom(scroll_top: i32, client_height: i32, scroll_height: i32) -> bool {
    scroll_top.saturating_add(client_height) >= scroll_height.saturating_sub(LINE_PX / 2)
}

/// Whether the view follows the newest line after a scroll from `previous_top` to `top`.
/// Scrolling up (by more than a pixel of rounding) while following stops following, unless
/// the box is still at the bottom (a short list); reaching the bottom again starts it.
pub fn follows_after_scroll(following: bool, previous_top: i32, top: i32, at_bottom: bool) -> bool {
    if following {
        at_bottom || top >= previous_top.saturating_sub(1)
    } else {
        at_bottom
    }
}
