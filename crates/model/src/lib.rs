//! The Novita Get Instance object and everything the page derives from it, as pure Rust.
//!
//! Nothing here touches the browser, so all of it is tested natively with `cargo test`
//! against the JSON fixtures in `tests/fixtures/`. The API is loose in practice (nulls where
//! the docs say required, numbers where they say strings, statuses they do not list), so every
//! field is parsed leniently: a bad field degrades to "not reported", never fails the instance.

pub mod actions;
pub mod address;
pub mod api;
pub mod backoff;
pub mod decimal;
pub mod fleet;
pub mod format;
pub mod http_url;
pub mod idle;
pub mod instance;
mod lenient;
pub mod links;
pub mod list;
pub mod logs;
pub mod metrics;
pub mod refresh;
pub mod secrets;
pub mod settings;
pub mod status;
pub mod window;

pub use api::{ApiError, ErrorKind};
pub use instance::{
    Instance, InstanceParseError, Jupyter, LogStreams, Network, PortMapping, Ssh, StatusError,
    VolumeMount, WebTerminal,
};
pub use status::{BillingMode, Status, Tone};
