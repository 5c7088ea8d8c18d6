//! What the fleet screen makes of the list: the summary by tone, the search box and the tone
//! filter, the sort (what needs attention first by default), how many need attention (for the
//! tab title), and the words for status changes, each announced once however many places
//! (the list, an instance's own view, a watch card) see it.

use std::cmp::Ordering;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::format::{expiry, utc_date_time, Expiry};
use crate::list::ListItem;
use crate::status::{Status, Tone};

/// The tones in the order the summary names them.
pub const SUMMARY_TONES: [Tone; 5] = [
    Tone::Ok,
    Tone::Progress,
    Tone::Error,
    Tone::Stopped,
    Tone::Unknown,
];

/// The word the summary uses for a tone: "9 running, 3 in progress, 1 failed".
pub fn tone_word(tone: Tone) -> &'static str {
    match tone {
        Tone::Ok => "running",
        Tone::Progress => "in progress",
        Tone::Error => "failed",
        Tone::Stopped => "stopped",
        Tone::Unknown => "unknown",
    }
}

/// The `tone=` address parameter (and `data-tone`) of the idle filter: only instances whose
/// GPUs are flagged idle.
pub const IDLE_FILTER: &str = "idle";

/// The tone a `tone=` address parameter names (`data-tone` values); `None` for anything else.
pub fn tone_from_str(raw: &str) -> Option<Tone> {
    SUMMARY_TONES.into_iter().find(|t| t.as_str() == raw.trim())
}

/// How many instances have each tone, in [`SUMMARY_TONES`] order.
pub fn count_by_tone(items: &[Arc<ListItem>]) -> [usize; 5] {
    let mut counts = [0; 5];
    for item in items {
        let tone = item.instance.tone();
        if let Some(i) = SUMMARY_TONES.iter().position(|t| *t == tone) {
            counts[i] += 1;
        }
    }
    counts
}

/// Whether an instance needs someone to look at it: failed, in a status nobody knows, or a
/// spot instance whose reclaim has been announced.
pub fn needs_attention(item: &ListItem) -> bool {
    matches!(item.instance.tone(), Tone::Error | Tone::Unknown) || item.spot.is_warning()
}

/// The tab title's words and the favicon's tone for the fleet: ("3 need attention",
/// "16 instances", error) when any do; else ("Fleet", "16 instances", the tone of the most
/// urgent thing going on: in progress, else running).
pub fn headline(items: &[Arc<ListItem>]) -> (String, String, Tone) {
    let attention = items.iter().filter(|i| needs_attention(i)).count();
    let size = match items.len() {
        1 => "1 instance".to_string(),
        n => format!("{n} instances"),
    };
    let busy = items.iter().any(|i| i.instance.tone() == Tone::Progress);
    match (attention, busy, items.is_empty()) {
        (0, _, true) => ("Fleet".into(), size, Tone::Stopped),
        (0, true, _) => ("Fleet".into(), size, Tone::Progress),
        (0, false, _) => ("Fleet".into(), size, Tone::Ok),
        (n, _, _) => (format!("{n} need attention"), size, Tone::Error),
    }
}

/// The search box and the tone filter: rows whose name, ID, product or cluster contain
/// `query` (any case; an empty query keeps everything) and whose tone is `tone` (if any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Lower case, trimmed.
    needle: String,
    tone: Option<Tone>,
}

impl Filter {
    pub fn new(query: &str, tone: Option<Tone>) -> Filter {
        Filter {
            needle: query.trim().to_lowercase(),
            tone,
        }
    }

    pub fn keeps(&self, item: &ListItem) -> bool {
        self.tone.is_none_or(|t| item.instance.tone() == t)
            && item.search_text.contains(self.needle.as_str())
    }
}

/// A column the table sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Name,
    /// By how much attention the status needs: failed, in progress, unknown, stopped,
    /// running.
    Status,
    Gpus,
    Cluster,
    Billing,
    Image,
    Expiry,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Name,
        Column::Status,
        Column::Gpus,
        Column::Cluster,
        Column::Billing,
        Column::Image,
        Column::Expiry,
    ];

    /// The heading.
    pub fn label(self) -> &'static str {
        match self {
            Column::Name => "Name",
            Column::Status => "Status",
            Column::Gpus => "GPUs",
            Column::Cluster => "Cluster",
            Column::Billing => "Billing",
            Column::Image => "Image",
            Column::Expiry => "Expires",
        }
    }

    /// The `data-column` value of the sort buttons.
    pub fn as_str(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Status => "status",
            Column::Gpus => "gpus",
            Column::Cluster => "cluster",
            Column::Billing => "billing",
            Column::Image => "image",
            Column::Expiry => "expiry",
        }
    }
}

/// The order of the table. The default puts what needs attention first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Sort {
        Sort {
            column: Column::Status,
            descending: false,
        }
    }
}

impl Sort {
    /// The sort after pressing `column`'s heading: the same column turns round, another
    /// starts ascending.
    pub fn pressed(self, column: Column) -> Sort {
        Sort {
            column,
            descending: self.column == column && !self.descending,
        }
    }

    /// `aria-sort` for `column`'s heading.
    pub fn aria(self, column: Column) -> &'static str {
        match (self.column == column, self.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// Sorts in place. Ties go by name, then ID, so the order never depends on the server's.
    pub fn apply(self, items: &mut Vec<Arc<ListItem>>) {
        let order = |a: &ListItem, b: &ListItem| {
            let by_column = compare(self.column, a, b);
            let by_column = if self.descending {
                by_column.reverse()
            } else {
                by_column
            };
            by_column
                .then_with(|| compare(Column::Name, a, b))
                .then_with(|| a.id().cmp(b.id()))
        };
        *items = merge_sort(std::mem::take(items), &order);
    }
}

/// A merge sort written out once, over the one type this page sorts: the standard library's
/// sort is instantiated afresh for every element type and comparison and would cost the wasm
/// several kilobytes for this one call.
fn merge_sort(
    mut items: Vec<Arc<ListItem>>,
    order: &dyn Fn(&ListItem, &ListItem) -> Ordering,
) -> Vec<Arc<ListItem>> {
    if items.len() < 2 {
        return items;
    }
    let right = merge_sort(items.split_off(items.len() / 2), order);
    let left = merge_sort(items, order);
    let mut merged = Vec::with_capacity(left.len() + right.len());
    let (mut left, mut right) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(l), Some(r)) = (left.peek(), right.peek()) {
        // Equal items keep their order: the left one first.
        let next = if order(r, l) == Ordering::Less {
            right.next()
        } else {
            left.next()
        };
        merged.extend(next);
    }
    merged.extend(left);
    merged.extend(right);
    merged
}

fn attention_rank(tone: Tone) -> u8 {
    match tone {
        Tone::Error => 0,
        Tone::Progress => 1,
        Tone::Unknown => 2,
        Tone::Stopped => 3,
        Tone::Ok => 4,
    }
}

/// Text in any case, without allocating; nothing ("" or "—") after everything.
fn text_cmp(a: &str, b: &str) -> Ordering {
    let blank = |s: &str| matches!(s.trim(), "" | "—");
    blank(a).cmp(&blank(b)).then_with(|| {
        a.bytes()
            .map(|c| c.to_ascii_lowercase())
            .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
    })
}

/// A sortable expiry: soonest first, then the ones that never expire, then unknown.
fn expiry_key(item: &ListItem) -> (u8, i64) {
    match expiry(&item.instance.end_time) {
        Expiry::At(at) => (0, at),
        Expiry::Never => (1, 0),
        _ => (2, 0),
    }
}

fn compare(column: Column, a: &ListItem, b: &ListItem) -> Ordering {
    let (ia, ib) = (&a.instance, &b.instance);
    match column {
        Column::Name => text_cmp(ia.display_name(), ib.display_name()),
        Column::Status => attention_rank(ia.tone())
            .cmp(&attention_rank(ib.tone()))
            .then_with(|| b.spot.is_warning().cmp(&a.spot.is_warning())),
        Column::Gpus => text_cmp(&a.product, &b.product).then_with(|| {
            let count = |i: &crate::Instance| i.gpu_num.trim().parse::<u32>().unwrap_or(0);
            count(ia).cmp(&count(ib))
        }),
        Column::Cluster => text_cmp(a.cluster(), b.cluster()),
        Column::Billing => text_cmp(&a.billing().0, &b.billing().0)
            .then_with(|| text_cmp(a.spot.label(), b.spot.label())),
        Column::Image => text_cmp(&ia.image_url, &ib.image_url),
        Column::Expiry => expiry_key(a).cmp(&expiry_key(b)),
    }
}

/// The expiry column: "no expiry", "in 35 days", "expired 7 days ago", "—"; with the full
/// date for the cell's title.
pub fn expiry_cell(end_time: &str, now_unix: i64) -> (String, String) {
    match expiry(end_time) {
        Expiry::Never => ("no expiry".into(), "Pay as you go: no expiry".into()),
        Expiry::NotReported => ("—".into(), "Not reported".into()),
        Expiry::Unreadable(raw) => ("unreadable".into(), format!("Unreadable: {raw}")),
        Expiry::At(at) => {
            let days = (at - now_unix).abs() / 86_400;
            let span = match days {
                0 => "today".to_string(),
                1 => "1 day".to_string(),
                d => format!("{d} days"),
            };
            let short = match (at >= now_unix, days) {
                (true, 0) => "today".to_string(),
                (false, 0) => "expired today".to_string(),
                (true, _) => format!("in {span}"),
                (false, _) => format!("expired {span} ago"),
            };
            (short, utc_date_time(at))
        }
    }
}

/// A status change to announce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub name: String,
    pub from: Status,
    pub to: Status,
}

fn status_word(s: &Status) -> &str {
    match s.as_api_str() {
        "" => "unknown",
        raw => raw,
    }
}

/// The last status seen of every instance, wherever it was seen (the list, an instance's
/// view, a watch card), so each change is announced once however many of them see it. The
/// statuses are kept as the API's strings in serde_json's `Map`, whose code the JSON reader
/// carries anyway (see `crate::list`).
#[derive(Clone, Debug, Default)]
pub struct LastSeen(Map<String, Value>);

impl LastSeen {
    /// Records `status` for `id`; the change when it differs from the last one seen. The
    /// first sighting of an instance is not a change.
    pub fn observe(&mut self, id: &str, name: &str, status: &Status) -> Option<Change> {
        let raw = Value::String(status.as_api_str().to_string());
        let last = self.0.insert(id.to_string(), raw)?;
        let from = Status::from_api(last.as_str().unwrap_or_default());
        (from != *status).then(|| Change {
            name: name.to_string(),
            from,
            to: status.clone(),
        })
    }
}

/// How many changes one announcement names before it says "and N more".
pub const NAMED_CHANGES: usize = 3;

/// The title and body of a notice of `changes` (`None` when there are none): one change is
/// ("name", "running → stopping"); several are ("3 status changes", "a: x → y; b: ...").
/// The polite live region reads "title: body".
pub fn notice(changes: &[Change]) -> Option<(String, String)> {
    let line = |c: &Change| format!("{} → {}", status_word(&c.from), status_word(&c.to));
    match changes {
        [] => None,
        [one] => Some((one.name.clone(), line(one))),
        many => {
            let mut named: Vec<String> = many
                .iter()
                .take(NAMED_CHANGES)
                .map(|c| format!("{}: {}", c.name, line(c)))
                .collect();
            if many.len() > NAMED_CHANGES {
                named.push(format!("and {} more", many.len() - NAMED_CHANGES));
            }
            Some((format!("{} status changes", many.len()), named.join("; ")))
        }
    }
}
