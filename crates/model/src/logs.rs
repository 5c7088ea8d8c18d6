//! Live logs, minus the browser, one subject per file: [`address`] (which log addresses may be
//! opened and with what query), [`timestamp`] (the time in front of each line), [`ansi`]
//! (colour codes turned into styled runs, everything else a terminal would act on stripped),
//! [`filter`] (matching and highlighting), [`buffer`] (the bounded list of lines),
//! [`connection`] (where a stream stands and when to retry) and [`viewport`] (which lines are in
//! the scroll box's view).
//!
//! The app only adds what needs a browser: the `EventSource`, the clock, the local time zone,
//! and the DOM. Everything is re-exported here, so the app names `instance_model::logs::X`.

mod address;
mod ansi;
mod buffer;
mod connection;
mod filter;
mod timestamp;
mod viewport;

pub use address::{
    direct_log_address, download_file_name, download_url, proxied_log_address, stream_url,
    LogSource, DEFAULT_TAIL, TAIL_CHOICES,
};
pub use ansi::{parse_ansi, Style, StyledRun, StyledText};
pub use buffer::{dropped_notice, event_lines, LogBuffer, LogLine, MAX_LINES, MAX_LINE_BYTES};
pub use connection::{Backoff, StreamPhase, OPEN_TIMEOUT_MS};
pub use filter::{fold_case, segments, Filter, Segment};
pub use timestamp::{format_timestamp, offset_label, parse_timestamp, split_timestamp, Timestamp};
pub use viewport::{
    follows_after_scroll, is_at_bottom, lines_in_view, lines_px, scroll_top_after_drop, LineWindow,
    ASSUMED_HEIGHT_PX, LINE_PX, OVERSCAN,
};

/// The two streams an instance has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogKind {
    System,
    Instance,
}

impl LogKind {
    pub fn label(self) -> &'static str {
        match self {
            LogKind::System => "System",
            LogKind::Instance => "Instance",
        }
    }

    /// Lower case, for file names and `data-` attributes.
    pub fn slug(self) -> &'static str {
        match self {
            LogKind::System => "system",
            LogKind::Instance => "instance",
        }
    }
}
