//! The instance files shared with the app's own tests, compiled in so the server needs no
//! working directory and every crate sees the very same bytes.

use serde_json::Value;

pub(crate) const FULL: &str = include_str!("../../../tests/fixtures/full.json");

/// Every fixture as `(file stem, raw JSON text)`.
pub const FIXTURES: &[(&str, &str)] = &[
    ("full", FULL),
    (
        "minimal",
        include_str!("../../../tests/fixtures/minimal.json"),
    ),
    ("nulls", include_str!("../../../tests/fixtures/nulls.json")),
    (
        "empty-strings",
        include_str!("../../../tests/fixtures/empty-strings.json"),
    ),
    (
        "numbers-for-strings",
        include_str!("../../../tests/fixtures/numbers-for-strings.json"),
    ),
    (
        "unknown-status",
        include_str!("../../../tests/fixtures/unknown-status.json"),
    ),
    (
        "stopped-with-error",
        include_str!("../../../tests/fixtures/stopped-with-error.json"),
    ),
    (
        "starting",
        include_str!("../../../tests/fixtures/starting.json"),
    ),
    (
        "hostile",
        include_str!("../../../tests/fixtures/hostile.json"),
    ),
];

/// The raw text of a fixture by file stem (`"full"`, `"hostile"`, ...).
pub fn fixture(name: &str) -> Option<&'static str> {
    FIXTURES
        .iter()
        .find(|(stem, _)| *stem == name)
        .map(|(_, text)| *text)
}

/// The key an instance is looked up by. The API's ids are strings, but one fixture sends a
/// number on purpose, and a client can only ever ask for it as text.
pub(crate) fn id_of(instance: &Value) -> Option<String> {
    match instance.get("id")? {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// `full.json` under another id, for the scenarios that must look like a real instance.
pub(crate) fn full_with_id(id: &str) -> String {
    match serde_json::from_str::<Value>(FULL) {
        Ok(mut full) => {
            full["id"] = Value::String(id.to_owned());
            full.to_string()
        }
        // Unreachable while full.json is valid; the fixture tests would already be failing.
        Err(_) => FULL.to_owned(),
    }
}
