//! Playing an instance through time: a status sequence on a short clock (creating → pulling →
//! starting → running), and failures on demand ("the next 3 list calls are 503"), so tests can
//! watch the app follow a changing instance without touching it between requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Statuses an instance takes, each from its offset after the script started.
pub(crate) struct StatusScript {
    started: Instant,
    steps: Vec<(Duration, String)>,
    /// How many steps have been written to the instance. A step is written once, so a status
    /// changed by hand (or by an action) after it is not overwritten by the same step again.
    played: usize,
}

impl StatusScript {
    pub(crate) fn new(steps: &[(&str, Duration)]) -> StatusScript {
        let mut steps: Vec<(Duration, String)> = steps
            .iter()
            .map(|(status, at)| (*at, (*status).to_owned()))
            .collect();
        steps.sort_by_key(|(at, _)| *at);
        StatusScript {
            started: Instant::now(),
            steps,
            played: 0,
        }
    }

    /// The newest step whose time has come and that has not been played yet. Steps that came
    /// due together are passed over, as a client polling slowly would never see them.
    pub(crate) fn next_due(&mut self) -> Option<String> {
        let elapsed = self.started.elapsed();
        let due = self
            .steps
            .iter()
            .take_while(|(at, _)| *at <= elapsed)
            .count();
        if due <= self.played {
            return None;
        }
        self.played = due;
        Some(self.steps[due - 1].1.clone())
    }

    /// The next step not played yet, played now whatever the clock says.
    pub(crate) fn play_next(&mut self) -> Option<String> {
        let (_, status) = self.steps.get(self.played)?;
        self.played += 1;
        Some(status.clone())
    }

    pub(crate) fn is_done(&self) -> bool {
        self.played == self.steps.len()
    }
}

/// Which call a failure on demand is for: each has its own queue, so a test can break the list
/// while Get keeps working.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Call {
    Get,
    List,
    Action,
    Metrics,
}

/// Answers to give instead of the real one: a scenario id (`fail-503-empty`, `fail-429`,
/// `hang`, ...) and how many more times, per call and instance id (the list uses `""`).
#[derive(Default)]
pub(crate) struct Failures {
    pending: HashMap<(Call, String), (String, u32)>,
}

impl Failures {
    pub(crate) fn set(&mut self, call: Call, id: &str, scenario: &str, times: u32) {
        let key = (call, id.to_owned());
        if times == 0 {
            self.pending.remove(&key);
        } else {
            self.pending.insert(key, (scenario.to_owned(), times));
        }
    }

    /// The scenario to answer with this time, counting it down.
    pub(crate) fn take(&mut self, call: Call, id: &str) -> Option<String> {
        let key = (call, id.to_owned());
        let (scenario, left) = self.pending.get_mut(&key)?;
        let scenario = scenario.clone();
        *left -= 1;
        if *left == 0 {
            self.pending.remove(&key);
        }
        Some(scenario)
    }
}
