//! The browser around the page: the [`WebEnv`] the state runs on (clock, timers, `fetch`,
//! storage, the address bar, notifications), `config.json`, the tab's title and favicon,
//! visibility and shortcuts, and saving files.

pub mod config;
pub mod notify;
pub mod page;
pub mod save_file;
mod web_env;

pub use web_env::{fetch, text, WebEnv};
