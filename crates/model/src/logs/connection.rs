//! A stream's connection: where it stands (for the status line) and how long to wait before
//! opening it again after it dropped or failed.

use crate::backoff::doubling_backoff;

/// A stream that has not opened after this long is treated as failed. `EventSource` itself
/// waits forever on a server that accepts the connection but never answers.
pub const OPEN_TIMEOUT_MS: u32 = 10_000;

/// Waits between reconnects: 1 s, doubling, at most 30 s; back to 1 s once a stream opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    pub const FIRST_MS: u32 = 1_000;
    pub const MAX_MS: u32 = 30_000;

    /// Records a failure; returns how long to wait before the next try and which try that
    /// will be (1 for the first retry).
    pub fn fail(&mut self) -> (u32, u32) {
        let delay = doubling_backoff(
            u64::from(Self::FIRST_MS),
            self.failures,
            u64::from(Self::MAX_MS),
        );
        let delay = u32::try_from(delay).unwrap_or(Self::MAX_MS);
        self.failures = self.failures.saturating_add(1);
        (delay, self.failures)
    }

    /// Failures since the last successful open.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Call when a stream opens.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// Where a stream stands, for the status line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamPhase {
    /// Opening (first try or a retry).
    Connecting { attempt: u32 },
    /// Open and receiving.
    Live,
    /// Dropped or failed; trying again in `delay_ms`.
    Reconnecting { delay_ms: u32, attempt: u32 },
    /// Closed on purpose (panel closed, tab switched).
    Stopped,
}

impl StreamPhase {
    /// A short word for `data-state`.
    pub fn slug(&self) -> &'static str {
        match self {
            StreamPhase::Connecting { .. } => "connecting",
            StreamPhase::Live => "live",
            StreamPhase::Reconnecting { .. } => "reconnecting",
            StreamPhase::Stopped => "stopped",
        }
    }

    pub fn text(&self) -> String {
        match self {
            StreamPhase::Connecting { attempt: 0 } => "Connecting…".into(),
            StreamPhase::Connecting { attempt } => format!("Connecting… (attempt {attempt})"),
            StreamPhase::Live => "Live".into(),
            StreamPhase::Reconnecting { delay_ms, attempt } => format!(
                "Stream dropped; reconnecting in {} s (attempt {attempt})",
                delay_ms.div_ceil(1000)
            ),
            StreamPhase::Stopped => "Stopped".into(),
        }
    }
}
