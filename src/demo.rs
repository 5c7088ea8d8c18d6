//! Built-in sample instances for the Demo button, and a sample fleet (`?demo=fleet`): real
//! fixture bodies, parsed by the same lenient model as API answers, so the demo shows exactly
//! what a real load would.

use crate::api::instance::Fetched;
use instance_model::list::{FleetList, Page, Pager};

/// (sample id, tab label, body)
pub const SAMPLES: [(&str, &str, &str); 3] = [
    (
        "7f3e2a9c1b4d5e60",
        "Running",
        include_str!("../tests/fixtures/full.json"),
    ),
    (
        "5a6b7c8d9e0f1a2b",
        "Starting",
        include_str!("../tests/fixtures/starting.json"),
    ),
    (
        "3c9d0e1f2a3b4c5d",
        "Stopped with error",
        include_str!("../tests/fixtures/stopped-with-error.json"),
    ),
];

/// The sample fleet: a List Instances body whose entries include the three samples.
const FLEET_BODY: &str = include_str!("../tests/fixtures/demo-fleet.json");

/// What `?demo=` says to show the sample fleet.
pub const FLEET: &str = "fleet";

pub fn first_id() -> &'static str {
    SAMPLES[0].0
}

/// The sample `?demo=` names, by ID or by tab label (any case); the first when it names none.
pub fn resolve(asked: Option<&str>) -> &'static str {
    asked
        .and_then(|asked| {
            SAMPLES
                .iter()
                .find(|(id, label, _)| *id == asked || label.eq_ignore_ascii_case(asked))
        })
        .map_or(first_id(), |(id, _, _)| id)
}

/// The full view of a sample: one of the three, or else the sample fleet's entry (which has
/// only the fields the list carries). The fleet's file holds one entry per line, so an
/// entry's text is its line.
pub fn sample(id: &str) -> Option<Fetched> {
    if let Some((_, _, body)) = SAMPLES.iter().find(|(sample_id, _, _)| *sample_id == id) {
        return Fetched::read(body.to_string()).ok();
    }
    let needle = format!("{{\"id\": \"{id}\",");
    let line = FLEET_BODY.lines().find(|line| line.starts_with(&needle))?;
    Fetched::read(line.trim_end_matches(',').to_string()).ok()
}

/// The sample fleet, read as a real list would be.
pub fn fleet() -> FleetList {
    let mut pager = Pager::new();
    if let Ok(page) = Page::read(FLEET_BODY) {
        pager.take(page);
    }
    pager.finish()
}
