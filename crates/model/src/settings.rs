//! The API base setting and `config.json`, as CONTRACT.md defines them.

use serde_json::Value;

pub const DEFAULT_API_BASE: &str = "https://api.novita.ai";

/// A checked API base: "" (this page's own origin), a path on this origin ("/api"), or an
/// absolute http(s) URL, without its trailing `/`.
pub fn normalize_api_base(raw: &str) -> Result<String, String> {
    let base = raw.trim().trim_end_matches('/');
    if base.is_empty() {
        return Ok(String::new());
    }
    if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("The API base URL cannot contain spaces.".into());
    }
    // Browsers read `\` as `/` in http(s) URLs, so `/\host` is scheme-relative like `//host`.
    if base.starts_with('/') && !base.starts_with("//") && !base.starts_with("/\\") {
        return Ok(base.to_string());
    }
    match crate::links::safe_http_url(base) {
        Some(url) => Ok(url.to_string()),
        None => Err(format!(
            "\"{base}\" is not an http(s) URL. Use something like https://api.novita.ai, a proxy's https:// address, or leave it empty for this page's own server."
        )),
    }
}

/// A warning when the key would cross the network in clear: plain `http:` to anything but
/// a loopback address.
pub fn insecure_base_warning(base: &str) -> Option<String> {
    let lower = base.trim().to_ascii_lowercase();
    let rest = lower.strip_prefix("http://")?;
    let authority = rest.split(['/', '\\', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']')
            .next()
            .map(|h| format!("{h}]"))
            .unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || host == "[::1]";
    (!loopback).then(|| {
        "This API base uses plain http: the API key would cross the network unencrypted. Use https://.".to_string()
    })
}

/// What `config.json` may preset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub api_base: Option<String>,
    /// `readOnly`: no action control on the page. Anything but `false` (or no value) counts as
    /// read-only: whoever wrote it meant to switch actions off.
    pub read_only: bool,
}

/// Reads `config.json`. Unknown keys are ignored; anything unusable is an error in words,
/// which the page shows as a warning while it carries on with the defaults.
pub fn parse_config(text: &str) -> Result<Config, String> {
    let value: Value = serde_json::from_str(text.trim())
        .map_err(|e| format!("config.json is not valid JSON ({e}); using the defaults."))?;
    let Value::Object(map) = value else {
        return Err("config.json is not a JSON object; using the defaults.".into());
    };
    let api_base = match map.get("apiBase") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            normalize_api_base(s)
                .map_err(|e| format!("config.json apiBase is unusable: {e} Using the default."))?,
        ),
        Some(_) => {
            return Err("config.json apiBase must be a string; using the default.".into());
        }
    };
    let read_only = !matches!(
        map.get("readOnly"),
        None | Some(Value::Null | Value::Bool(false))
    );
    Ok(Config {
        api_base,
        read_only,
    })
}
