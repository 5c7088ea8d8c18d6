//! The list of trackers: one per instance being looked at (on screen, or watched). Each is made
//! here, under an owner of its own that is a child of the App's (never a component's, so a
//! view going away cannot dispose of it), looked up by the views, and disposed here when its
//! instance is neither on screen nor watched, so the list does not grow for ever.

use super::tracker::Tracker;
use leptos::prelude::*;

struct Entry {
    tracker: Tracker,
    owner: Owner,
}

pub(super) struct Trackers {
    /// The App's owner: every tracker's owner is a child of it.
    parent: Owner,
    entries: Vec<Entry>,
}

impl Trackers {
    pub(super) fn new(parent: Owner) -> Self {
        Self {
            parent,
            entries: Vec::new(),
        }
    }

    pub(super) fn find(&self, id: &str, demo: bool) -> Option<Tracker> {
        self.entries
            .iter()
            .map(|e| e.tracker)
            .find(|t| t.is(id, demo))
    }

    pub(super) fn find_or_make(&mut self, id: &str, demo: bool) -> Tracker {
        if let Some(t) = self.find(id, demo) {
            return t;
        }
        let owner = self.parent.child();
        let tracker = owner.with(|| Tracker::new(id, demo));
        self.entries.push(Entry { tracker, owner });
        tracker
    }

    pub(super) fn all(&self) -> Vec<Tracker> {
        self.entries.iter().map(|e| e.tracker).collect()
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Disposes of the trackers `keep` says no to: their timers stop, a request in flight is
    /// abandoned, and their signals are gone.
    pub(super) fn dispose_unless(&mut self, keep: impl Fn(&Tracker) -> bool) {
        let (kept, gone): (Vec<Entry>, Vec<Entry>) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition(|e| keep(&e.tracker));
        self.entries = kept;
        for entry in gone {
            entry.tracker.live.deactivate();
            entry.owner.cleanup();
        }
    }
}
