//! The logs panel's virtual scrolling (`logs/viewport.rs`): which lines are drawn, the sizes in
//! pixels, and when the view follows the newest line. The panel draws exactly these answers.

use instance_model::logs::{
    follows_after_scroll, is_at_bottom, lines_in_view, lines_px, scroll_top_after_drop, LineWindow,
    ASSUMED_HEIGHT_PX, LINE_PX, OVERSCAN,
};

fn window(start: usize, end: usize) -> LineWindow {
    LineWindow { start, end }
}

#[test]
fn the_sizes_match_the_stylesheet() {
    // style/main.css: `.log-line` is 18 px tall and `.log-scroll` 420 px.
    assert_eq!(LINE_PX, 18);
    assert_eq!(ASSUMED_HEIGHT_PX, 420);
    assert_eq!(OVERSCAN, 20);
}

#[test]
fn following_draws_the_last_lines_that_fit_and_a_margin_above() {
    // 420 px hold 23 lines, plus one partly shown at each edge: 25 in sight.
    assert_eq!(lines_in_view(5_000, true, 0, 420), window(4_955, 5_000));
    assert_eq!(lines_in_view(5_000, true, 0, 420).offset_px(), 89_190);
    assert_eq!(lines_in_view(100, true, 0, 180), window(68, 100));
    // Fewer lines than fit: all of them.
    assert_eq!(lines_in_view(10, true, 0, 420), window(0, 10));
    assert_eq!(lines_in_view(0, true, 0, 420), window(0, 0));
}

#[test]
fn scrolled_up_draws_from_the_line_at_the_top_of_the_box() {
    assert_eq!(lines_in_view(5_000, false, 0, 420), window(0, 45));
    // Line 100 at the top: 20 lines of margin above, 25 in sight and 20 below.
    assert_eq!(lines_in_view(5_000, false, 1_800, 420), window(80, 145));
    assert_eq!(lines_in_view(5_000, false, 1_800, 420).offset_px(), 1_440);
    // Part way into line 1.
    assert_eq!(lines_in_view(5_000, false, 35, 420), window(0, 46));
    // Past the end (the list shrank under a filter): the last lines.
    assert_eq!(
        lines_in_view(5_000, false, 200_000, 420),
        window(4_980, 5_000)
    );
    // A rubber-band scroll above the top reads as the top.
    assert_eq!(lines_in_view(5_000, false, -50, 420), window(0, 45));
}

#[test]
fn a_box_not_laid_out_yet_is_assumed_its_css_height() {
    assert_eq!(
        lines_in_view(5_000, true, 0, 0),
        lines_in_view(5_000, true, 0, 420)
    );
    assert_eq!(
        lines_in_view(5_000, false, 0, -1),
        lines_in_view(5_000, false, 0, 420)
    );
}

#[test]
fn heights_in_pixels_saturate_instead_of_wrapping() {
    assert_eq!(lines_px(0), 0);
    assert_eq!(lines_px(1), 18);
    assert_eq!(lines_px(5_000), 90_000);
    assert_eq!(lines_px(usize::MAX), i32::MAX);
    assert_eq!(window(usize::MAX, usize::MAX).offset_px(), i32::MAX);
}

#[test]
fn a_scrolled_up_view_moves_up_by_the_lines_that_dropped_off() {
    assert_eq!(scroll_top_after_drop(1_000, 0), 1_000);
    assert_eq!(scroll_top_after_drop(1_000, 10), 820);
    assert_eq!(scroll_top_after_drop(100, 10), 0);
    assert_eq!(scroll_top_after_drop(500, u64::MAX), 0);
}

#[test]
fn at_bottom_allows_half_a_line_of_rounding() {
    assert!(is_at_bottom(580, 420, 1_000));
    assert!(is_at_bottom(571, 420, 1_000));
    assert!(!is_at_bottom(570, 420, 1_000));
    // A list shorter than the box is always at the bottom.
    assert!(is_at_bottom(0, 420, 420));
    assert!(is_at_bottom(0, 420, 100));
    assert!(is_at_bottom(i32::MAX, i32::MAX, i32::MIN));
}

#[test]
fn following_stops_on_a_scroll_up_and_starts_again_at_the_bottom() {
    // Following: scrolling up stops it...
    assert!(!follows_after_scroll(true, 1_000, 500, false));
    assert!(!follows_after_scroll(true, 1_000, 998, false));
    // ...but a pixel of rounding, a scroll down, or still being at the bottom does not.
    assert!(follows_after_scroll(true, 1_000, 999, false));
    assert!(follows_after_scroll(true, 1_000, 1_200, false));
    assert!(follows_after_scroll(true, 1_000, 500, true));
    // Not following: only reaching the bottom starts it.
    assert!(!follows_after_scroll(false, 0, 500, false));
    assert!(follows_after_scroll(false, 0, 500, true));
    assert!(follows_after_scroll(false, 500, 0, true));
}
