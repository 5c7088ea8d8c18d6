//! The browser around the page: the [`WebEnv`] the state runs on (clock, timers, `fetch`,
//! storage, the address bar, notifications), `config.json`, the tab's title and favicon,
//! visibility and shortcuts, saving files, and the few DOM helpers for what is drawn by hand.

pub mod config;
pub mod dom;
pub mod notify;
pub mod page;
pub mod save_file;
mod web_env;

pub use web_env::{fetch, text, WebEnv};
