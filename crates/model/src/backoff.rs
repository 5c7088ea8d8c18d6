//! How long to wait after failures, for everything that retries: the instance refresh
//! ([`crate::refresh`]) and the log stream reconnects ([`crate::logs::Backoff`]). One rule: the
//! first wait, doubled for each further failure, never above a cap.

/// `first` doubled `doublings` times, at most `cap`. Never overflows, however many failures.
pub fn doubling_backoff(first: u64, doublings: u32, cap: u64) -> u64 {
    let factor = 1u64.checked_shl(doublings).unwrap_or(u64::MAX);
    first.saturating_mul(factor).min(cap)
}
