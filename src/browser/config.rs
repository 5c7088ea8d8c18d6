//! `config.json` beside index.html: whoever hosts the app may preset the API base (and
//! switch things on or off) there. Fetched relative to the page, so the app works from any
//! path.

use super::{fetch, text};
use instance_model::settings::{parse_config, Config};
use web_sys::{RequestCache, RequestInit};

/// Fetches and reads `config.json`. A missing file is normal (`Ok` with defaults); a file
/// that is there but unusable, or a fetch that failed, is an `Err` with words, which the page
/// shows as a warning (and which switches actions off: see `state::actions`).
pub async fn load() -> Result<Config, String> {
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoCache);
    // Not there is normal (404); not reachable is not: it may have said `readOnly`.
    let Ok(response) = fetch("config.json", &init).await else {
        return Err("config.json could not be fetched; using the defaults.".into());
    };
    if response.status() == 404 {
        return Ok(Config::default());
    }
    if !response.ok() {
        return Err(format!(
            "config.json could not be read (HTTP {}); using the defaults.",
            response.status()
        ));
    }
    let body = text(&response)
        .await
        .map_err(|()| "config.json could not be read; using the defaults.".to_string())?;
    parse_config(&body).map_err(|e| e.to_string())
}
