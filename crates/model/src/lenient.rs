//! Deserializers that never fail. Each reads whatever JSON value is there and keeps what makes
//! sense for the field, so one odd field cannot make the whole instance unreadable.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string field: strings as they are, numbers and booleans as their text, anything else
/// (null, absent, objects, arrays) as "".
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(value_to_string(&Value::deserialize(d)?))
}

pub fn value_to_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// A non-negative number field: numbers, and strings holding a number ("64", " 8 ", "12.5").
/// Empty, negative, non-finite or unreadable values become `None` ("not reported").
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let parsed = match Value::deserialize(d)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    Ok(parsed.filter(|n| n.is_finite() && *n >= 0.0))
}

/// A port number: a whole number from 0 to 65535, given as a number or a string.
pub fn port<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    let n = number(d)?;
    Ok(n.filter(|n| n.fract() == 0.0 && *n <= f64::from(u16::MAX))
        .map(|n| n as u16))
}

/// A boolean: `true`/`false`, "true"/"false" in any case, 1/0. Anything else is `false`,
/// because every boolean in this API says whether something is usable, and "unknown" must
/// not be shown as usable.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_f64() == Some(1.0),
        Value::String(s) => s.trim().eq_ignore_ascii_case("true") || s.trim() == "1",
        _ => false,
    })
}

/// A nested object: `None` when it is null, absent or not an object.
pub fn object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        v @ Value::Object(_) => serde_json::from_value(v).ok(),
        _ => None,
    })
}

/// A list: null or a non-list becomes empty; an entry that is not an object is dropped
/// rather than failing its neighbours.
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter(Value::is_object)
            .filter_map(|v| serde_json::from_value(v).ok())
            .collect(),
        _ => Vec::new(),
    })
}
