//! Readers that never fail. Each takes whatever JSON value is there (or none) and keeps what
//! makes sense for the field, so one odd field cannot make the whole instance unreadable.
//!
//! They read a parsed `serde_json::Value` rather than drive serde's derive machinery: one
//! code path for every field, which keeps the wasm small (the derive version instantiated
//! serde's struct visitors once per type, for a second deserializer as well).

use serde_json::{Map, Value};

pub type Object = Map<String, Value>;

/// A string field: strings as they are, numbers and booleans as their text, anything else
/// (null, absent, objects, arrays) as "".
pub fn string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// A non-negative number field: numbers, and strings holding a number ("64", " 8 ", "12.5").
/// Empty, negative, non-finite or unreadable values become `None` ("not reported").
pub fn number(v: Option<&Value>) -> Option<f64> {
    let parsed = match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => crate::decimal::parse(s),
        _ => None,
    };
    parsed.filter(|n| n.is_finite() && *n >= 0.0)
}

/// A port number: a whole number from 0 to 65535, given as a number or a string.
pub fn port(v: Option<&Value>) -> Option<u16> {
    number(v)
        .filter(|n| n.fract() == 0.0 && *n <= f64::from(u16::MAX))
        .map(|n| n as u16)
}

/// A boolean: `true`/`false`, "true"/"false" in any case, 1/0. Anything else is `false`,
/// because every boolean in this API says whether something is usable, and "unknown" must
/// not be shown as usable.
pub fn boolean(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64() == Some(1.0),
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true") || s.trim() == "1",
        _ => false,
    }
}

/// A nested object: `None` when it is null, absent or not an object.
pub fn object<T>(v: Option<&Value>, read: fn(&Object) -> T) -> Option<T> {
    match v {
        Some(Value::Object(o)) => Some(read(o)),
        _ => None,
    }
}

/// A list: null or a non-list becomes empty; an entry that is not an object is dropped
/// rather than failing its neighbours.
pub fn list<T>(v: Option<&Value>, read: fn(&Object) -> T) -> Vec<T> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::Object(o) => Some(read(o)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Implements `Deserialize` for a type read from an object, for code that wants serde: it
/// parses a `Value` and reads it leniently, so it never fails on the contents.
macro_rules! deserialize_via_value {
    ($ty:ty, $read:expr) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(d)?;
                Ok(match &value {
                    serde_json::Value::Object(o) => $read(o),
                    _ => <$ty>::default(),
                })
            }
        }
    };
}
pub(crate) use deserialize_via_value;
