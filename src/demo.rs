//! Built-in sample instances for the Demo button: real fixture bodies, parsed by the same
//! lenient model as API answers, so the demo shows exactly what a real load would.

use crate::api::instance::Fetched;

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

pub fn sample(id: &str) -> Option<Fetched> {
    let (_, _, body) = SAMPLES.iter().find(|(sample_id, _, _)| *sample_id == id)?;
    Fetched::read(body.to_string()).ok()
}
