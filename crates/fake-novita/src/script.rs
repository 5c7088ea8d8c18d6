//! Playing an instance through time: a status sequence on a short clock (creating → pulling →
//! starting → running), and failures on demand ("the next 3 answers are 503"), so tests can
//! watch the app follow a changing instance without touching it between requests.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Statuses an instance takes, each from its offset after the script started.
pub(crate) struct StatusScript {
    started: Instant,
    steps: Vec<(Duration, String)>,
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
        }
    }

    /// The status in force now, if the first step has begun.
    pub(crate) fn status_now(&self) -> Option<&str> {
        let elapsed = self.started.elapsed();
        self.steps
            .iter()
            .take_while(|(at, _)| *at <= elapsed)
            .last()
            .map(|(_, status)| status.as_str())
    }
}

/// Answers to give instead of the instance: a scenario id (`fail-503-empty`, `fail-429`,
/// `hang`, ...) and how many more times.
#[derive(Default)]
pub(crate) struct Failures {
    pending: HashMap<String, (String, u32)>,
}

impl Failures {
    pub(crate) fn set(&mut self, id: &str, scenario: &str, times: u32) {
        if times == 0 {
            self.pending.remove(id);
        } else {
            self.pending
                .insert(id.to_owned(), (scenario.to_owned(), times));
        }
    }

    /// The scenario to answer with this time, counting it down.
    pub(crate) fn take(&mut self, id: &str) -> Option<String> {
        let (scenario, left) = self.pending.get_mut(id)?;
        let scenario = scenario.clone();
        *left -= 1;
        if *left == 0 {
            self.pending.remove(id);
        }
        Some(scenario)
    }
}
