//! The one back-off rule (`backoff.rs`) that both the instance refresh and the log reconnects
//! use: doubling from a first wait, capped, never overflowing.

use instance_model::backoff::doubling_backoff;

#[test]
fn the_first_wait_doubles_per_failure_up_to_the_cap() {
    let waits: Vec<u64> = (0..7).map(|n| doubling_backoff(1_000, n, 30_000)).collect();
    assert_eq!(waits, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    assert_eq!(doubling_backoff(10, 1, 120), 20);
    assert_eq!(doubling_backoff(10, 3, 120), 80);
    assert_eq!(doubling_backoff(10, 4, 120), 120);
}

#[test]
fn huge_counts_and_waits_saturate_at_the_cap() {
    assert_eq!(doubling_backoff(1, 63, u64::MAX), 1 << 63);
    assert_eq!(doubling_backoff(1, 64, 10), 10);
    assert_eq!(doubling_backoff(3, u32::MAX, 120), 120);
    assert_eq!(doubling_backoff(u64::MAX, 3, 5), 5);
    assert_eq!(doubling_backoff(0, 10, 100), 0);
}
