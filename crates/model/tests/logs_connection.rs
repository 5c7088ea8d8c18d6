//! A stream's connection (`logs/connection.rs`): the reconnect backoff and the status words.

use instance_model::logs::{Backoff, StreamPhase};

#[test]
fn backoff_doubles_to_30_seconds_and_resets() {
    let mut b = Backoff::default();
    let delays: Vec<(u32, u32)> = (0..8).map(|_| b.fail()).collect();
    assert_eq!(
        delays,
        [
            (1_000, 1),
            (2_000, 2),
            (4_000, 3),
            (8_000, 4),
            (16_000, 5),
            (30_000, 6),
            (30_000, 7),
            (30_000, 8)
        ]
    );
    assert_eq!(b.failures(), 8);
    b.reset();
    assert_eq!(b.failures(), 0);
    assert_eq!(b.fail(), (1_000, 1));
}

#[test]
fn backoff_never_overflows() {
    let mut b = Backoff::default();
    for _ in 0..100_000 {
        let (delay, _) = b.fail();
        assert!(delay <= Backoff::MAX_MS);
    }
}

#[test]
fn phases_in_words() {
    assert_eq!(StreamPhase::Connecting { attempt: 0 }.text(), "Connecting…");
    assert_eq!(
        StreamPhase::Connecting { attempt: 2 }.text(),
        "Connecting… (attempt 2)"
    );
    assert_eq!(StreamPhase::Live.text(), "Live");
    assert_eq!(
        StreamPhase::Reconnecting {
            delay_ms: 4_000,
            attempt: 3
        }
        .text(),
        "Stream dropped; reconnecting in 4 s (attempt 3)"
    );
    assert_eq!(
        StreamPhase::Reconnecting {
            delay_ms: 1_500,
            attempt: 1
        }
        .text(),
        "Stream dropped; reconnecting in 2 s (attempt 1)"
    );
    assert_eq!(StreamPhase::Stopped.text(), "Stopped");
    assert_eq!(StreamPhase::Live.slug(), "live");
    assert_eq!(
        StreamPhase::Reconnecting {
            delay_ms: 1,
            attempt: 1
        }
        .slug(),
        "reconnecting"
    );
}
