//! `config.json` beside index.html: whoever hosts the app may preset the API base (and
//! switch things on or off) there. Fetched relative to the page, so the app works from any
//! path.

use super::{fetch, text};
use instance_model::settings::{parse_config, Config};
use web_sys::{RequestCache, RequestInit};

/// Fetches and reads `config.json`. A missing file is normal (`Ok` with defaults); a file
/// that is there but unusable is an `Err` with words, which the page shows as a warning (and
/// which switches actions off: see `state::actions`). `None` when it could not be fetched or
/// read to its end (the network, or the page going away): try again later; meanwhile
/// nothing is sent, since it may name another API base.
pub async fn load() -> Option<Result<Config, String>> {
    let init = RequestInit::new();
    init.set_cache(RequestCache::NoCache);
    let response = fetch("config.json", &init).await.ok()?;
    if response.status() == 404 {
        return Some(Ok(Config::default()));
    }
    if !response.ok() {
        return Some(Err(format!(
            "config.json could not be read (HTTP {}); using the defaults.",
            response.status()
        )));
    }
    let body = text(&response).await.ok()?;
    Some(parse_config(&body).map_err(|e| e.to_string()))
}
