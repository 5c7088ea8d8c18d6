//! Which rows of a long table are drawn, and where a box scrolls to show one.

use instance_model::window::{rows_in_view, scroll_to_show, RowWindow, DRAW_ALL_UP_TO, OVERSCAN};

#[test]
fn a_short_table_is_drawn_whole_wherever_it_is_scrolled() {
    for len in [0, 1, 16, DRAW_ALL_UP_TO] {
        let window = rows_in_view(len, 5_000, 300, 48);
        assert_eq!(
            window,
            RowWindow {
                start: 0,
                end: len,
                before_px: 0,
                after_px: 0
            }
        );
        assert!(window.is_whole(len));
    }
}

#[test]
fn a_long_table_draws_what_is_in_sight_and_a_margin() {
    // 1,000 rows of 48 px in a box 480 px tall: 10 rows in sight, 2 partly shown.
    let top = rows_in_view(1_000, 0, 480, 48);
    assert_eq!((top.start, top.end), (0, 12 + OVERSCAN));
    assert_eq!(top.before_px, 0);
    assert_eq!(top.after_px, (1_000 - 22) * 48);
    assert!(!top.is_whole(1_000));

    let middle = rows_in_view(1_000, 48 * 500 + 20, 480, 48);
    assert_eq!(
        (middle.start, middle.end),
        (500 - OVERSCAN, 500 + 12 + OVERSCAN)
    );
    assert_eq!(middle.before_px, 490 * 48);
    assert_eq!(
        middle.before_px + middle.after_px + (middle.end - middle.start) as i32 * 48,
        48_000
    );

    let bottom = rows_in_view(1_000, 48 * 990, 480, 48);
    assert_eq!((bottom.start, bottom.end, bottom.after_px), (980, 1_000, 0));
}

#[test]
fn odd_measurements_never_draw_nothing_or_panic() {
    let unlaid = rows_in_view(1_000, 0, 0, 48);
    assert_eq!(
        (unlaid.start, unlaid.end),
        (0, DRAW_ALL_UP_TO + 2 + OVERSCAN)
    );
    let past_end = rows_in_view(100, 1_000_000, 480, 48);
    assert_eq!((past_end.start, past_end.end), (100, 100));
    let zero_rows_px = rows_in_view(100, 10, 480, 0);
    assert!(zero_rows_px.end > zero_rows_px.start);
    let negative = rows_in_view(100, -50, 480, 48);
    assert_eq!(negative.start, 0);
    let huge = rows_in_view(usize::MAX, i32::MAX, i32::MAX, i32::MAX);
    assert!(huge.after_px >= 0);
}

#[test]
fn a_row_is_scrolled_into_sight_below_the_sticky_heading_by_the_least_amount() {
    // A 480 px box whose 40 px heading stays on top; rows of 48 px.
    assert_eq!(scroll_to_show(3, 0, 480, 48, 40), 0, "already in sight");
    assert_eq!(
        scroll_to_show(10, 0, 480, 48, 40),
        48 * 11 - 440,
        "just below: its bottom at the box's"
    );
    assert_eq!(
        scroll_to_show(2, 48 * 5, 480, 48, 40),
        96,
        "above: its top under the heading"
    );
    assert_eq!(scroll_to_show(999, 0, 480, 48, 40), 48 * 1000 - 440);
}
