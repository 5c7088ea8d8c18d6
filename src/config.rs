//! `config.json` beside index.html: whoever hosts the app may preset the API base there.

use gloo_net::http::Request;
use instance_model::settings::{parse_config, Config};

/// Fetches and reads `config.json`. A missing file is normal (`Ok` with defaults); a file
/// that is there but unusable is an `Err` with words, which the page shows as a warning.
pub async fn load() -> Result<Config, String> {
    let response = match Request::get("config.json")
        .cache(web_sys::RequestCache::NoCache)
        .send()
        .await
    {
        Ok(r) => r,
        Err(_) => return Ok(Config::default()),
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
    let text = response
        .text()
        .await
        .map_err(|_| "config.json could not be read; using the defaults.".to_string())?;
    parse_config(&text).map_err(|e| e.to_string())
}
