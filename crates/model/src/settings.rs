//! The API base setting and `config.json`, as CONTRACT.md defines them.

use serde_json::{Map, Value};

use crate::http_url::{has_prefix, is_loopback_host, HttpUrl};

pub const DEFAULT_API_BASE: &str = "https://api.novita.ai";

/// Why an API base cannot be used, in words the settings field shows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiBaseError {
    #[error("The API base URL cannot contain spaces.")]
    Spaces,
    /// Browsers read `\` as `/` in http(s) URLs, so the key would go elsewhere than it reads.
    #[error("\"{0}\" contains a backslash, which browsers read as /, so the key would not go where it seems. Use something like https://api.novita.ai.")]
    Backslash(String),
    /// `https://api.novita.ai@evil` sends the key to `evil`.
    #[error("\"{0}\" has a user name before its host (the part before @), so browsers would send the key to the host after the @. Use the plain address, like https://api.novita.ai.")]
    UserInfo(String),
    #[error("\"{0}\" is not an http(s) URL. Use something like https://api.novita.ai, a proxy's https:// address, or leave it empty for this page's own server.")]
    NotHttp(String),
}

/// A checked API base: "" (this page's own origin), a path on this origin ("/api"), or an
/// absolute http(s) URL (see [`HttpUrl::parse`]), without its trailing `/`.
pub fn normalize_api_base(raw: &str) -> Result<String, ApiBaseError> {
    let base = raw.trim().trim_end_matches('/');
    if base.is_empty() {
        return Ok(String::new());
    }
    if base.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiBaseError::Spaces);
    }
    // `/\host` is scheme-relative like `//host`; no base needs a backslash anywhere.
    if base.contains('\\') {
        return Err(ApiBaseError::Backslash(base.into()));
    }
    if base.starts_with('/') && !base.starts_with("//") {
        return Ok(base.to_string());
    }
    match HttpUrl::parse(base) {
        Some(url) => Ok(url.url.to_string()),
        None if has_user_info(base) => Err(ApiBaseError::UserInfo(base.into())),
        None => Err(ApiBaseError::NotHttp(base.into())),
    }
}

/// Whether the part between `://` and the path holds an `@`.
fn has_user_info(url: &str) -> bool {
    url.split_once("://").is_some_and(|(_, rest)| {
        rest.split(['/', '?', '#'])
            .next()
            .is_some_and(|authority| authority.contains('@'))
    })
}

/// A warning when the key would cross the network in clear: plain `http:` to anything but
/// a loopback address (one that [`HttpUrl::parse`] cannot read gets the warning too).
pub fn insecure_base_warning(base: &str) -> Option<String> {
    if !has_prefix(base.trim(), "http://") {
        return None;
    }
    let loopback = HttpUrl::parse(base).is_some_and(|u| is_loopback_host(u.host));
    (!loopback).then(|| {
        "This API base uses plain http: the API key would cross the network unencrypted. Use https://.".to_string()
    })
}

/// What `config.json` may preset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// `apiBase`, checked.
    pub api_base: Option<String>,
    /// `proxyLogs`: open log streams through `{apiBase}/log-stream/...` on the server rather
    /// than at their own addresses (see [`crate::logs::proxied_log_address`]).
    pub proxy_logs: bool,
    /// `readOnly`: no action controls (start, stop, restart, delete) for anyone.
    pub read_only: bool,
    /// Fields that were set but unusable, each replaced by its safe default. The page shows
    /// them as warnings.
    pub warnings: Vec<ConfigWarning>,
}

/// `config.json` could not be read at all; the page warns and uses the defaults.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    // The parser's words (line and column) are part of the message: the page shows only this.
    #[error("config.json is not valid JSON ({source}); using the defaults.")]
    NotJson {
        #[source]
        source: serde_json::Error,
    },
    #[error("config.json is not a JSON object; using the defaults.")]
    NotAnObject,
}

/// One field of `config.json` set to something unusable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigWarning {
    #[error("config.json apiBase is unusable: {0} Using the default.")]
    ApiBaseUnusable(#[source] ApiBaseError),
    #[error("config.json apiBase must be a string; using the default.")]
    ApiBaseNotText,
    #[error("config.json proxyLogs must be true or false; log streams are opened at their own addresses.")]
    ProxyLogsNotBoolean,
    #[error("config.json readOnly must be true or false; actions are switched off to be safe.")]
    ReadOnlyNotBoolean,
}

/// Reads `config.json`. Unknown keys are ignored; a field set to something unusable is a
/// warning and gets its safe default, without costing the other fields; only a file that is
/// not a JSON object at all is an error.
pub fn parse_config(text: &str) -> Result<Config, ConfigError> {
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|source| ConfigError::NotJson { source })?;
    let Value::Object(map) = value else {
        return Err(ConfigError::NotAnObject);
    };
    let mut warnings = Vec::new();
    let api_base = match map.get("apiBase") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match normalize_api_base(s) {
            Ok(base) => Some(base),
            Err(e) => {
                warnings.push(ConfigWarning::ApiBaseUnusable(e));
                None
            }
        },
        Some(_) => {
            warnings.push(ConfigWarning::ApiBaseNotText);
            None
        }
    };
    // Safe default: the page opens only https: log addresses itself.
    let proxy_logs = flag(
        &map,
        "proxyLogs",
        false,
        ConfigWarning::ProxyLogsNotBoolean,
        &mut warnings,
    );
    // Whoever wrote `"readOnly": "yes"` (or 1, or "true") meant to switch actions off, so
    // anything but a boolean counts as read-only: a typo must not hand out delete buttons.
    let read_only = flag(
        &map,
        "readOnly",
        true,
        ConfigWarning::ReadOnlyNotBoolean,
        &mut warnings,
    );
    Ok(Config {
        api_base,
        proxy_logs,
        read_only,
        warnings,
    })
}

/// A boolean field: absent or null is `false`; any other non-boolean is `otherwise`, with a
/// warning.
fn flag(
    map: &Map<String, Value>,
    key: &str,
    otherwise: bool,
    warning: ConfigWarning,
    warnings: &mut Vec<ConfigWarning>,
) -> bool {
    match map.get(key) {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            warnings.push(warning);
            otherwise
        }
    }
}
