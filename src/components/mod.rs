//! One component per file, named for what the user sees; a screen or panel with parts of its
//! own has its folder (`fleet/`, `instance/`, `logs/`, `metrics/`).

pub mod confirm_dialog;
pub mod connect;
pub mod copy;
pub mod envs;
pub mod error_panel;
pub mod fleet;
pub mod freshness;
pub mod instance;
pub mod instance_view;
pub mod load_form;
pub mod logs;
pub mod long_table;
pub mod metrics;
pub mod overview;
pub mod ports;
pub mod raw_json;
pub mod secret;
pub mod settings;
pub mod status_badge;
pub mod timeline;
pub mod volumes;
pub mod watch_list;
