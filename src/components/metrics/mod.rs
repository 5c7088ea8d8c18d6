//! Metrics in the instance view: the panel of charts (`panel.rs`), one SVG chart
//! (`chart.rs`), the idle flag (`idle_flag.rs`) and the idle rule's settings
//! (`idle_settings.rs`). The rules they follow live in the state (`state::metrics_panel`,
//! `state::idle_watch`) and the model (`metrics`, `idle`).

mod chart;
pub mod idle_flag;
pub mod idle_settings;
pub mod panel;

pub use idle_flag::IdleFlag;
pub use idle_settings::IdleSettings;
pub use panel::MetricsPanel;
