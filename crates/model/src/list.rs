//! List Instances (`GET /gpu/instances?pageSize=N&pageNum=P`, `../shared/api/NOTES.md`): one
//! page read leniently, and the paging rule that gets every instance exactly once whichever
//! page number the server counts from.
//!
//! Which `pageNum` is first is not settled (the docs say `>= 0`, the official CLI sends 0,
//! other clients 1), the server may cap the page size below what is asked, and `total` may be
//! missing, a string, or wrong. So [`Pager`] starts at page 0, reads page 1 to learn the
//! numbering (a one-based server answers 0 and 1 with the same page), dedupes by ID, and stops
//! when `total` is reached, a page is empty, or a page brings no new ID once the numbering is
//! known. Caps on pages and instances make sure it always stops, with a notice.
//!
//! The sets and maps keyed by instance ID here are serde_json's [`Map`] (a `BTreeMap<String,
//! Value>` the JSON reader carries anyway): a map of any other types would bring its own copy
//! of the tree code into the wasm.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::api::encode_component;
use crate::format::{expiry, Expiry};
use crate::instance::Instance;
use crate::lenient::{number, string};
use crate::status::BillingMode;

/// The page size asked for. The server may answer with fewer a page; paging does not rely on
/// the size, only on the page numbers.
pub const PAGE_SIZE: u32 = 100;
/// The most pages one listing reads: with the server's own cap of 100 a page, 10,000
/// instances; far beyond that, a server that ignores `pageNum` must not keep the page busy.
pub const MAX_PAGES: u32 = 100;
/// The most instances one listing keeps.
pub const MAX_INSTANCES: usize = 5_000;

/// `spotStatus`: whether a spot instance is about to be reclaimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spot {
    /// Not a spot instance, or the API said nothing (`""`).
    None,
    Running,
    /// The reclaim has been announced.
    Notified,
    Reclaiming,
    Terminated,
    /// Anything else, verbatim.
    Other(String),
}

impl Spot {
    pub fn from_api(raw: &str) -> Spot {
        match raw.trim() {
            "" => Spot::None,
            "running" => Spot::Running,
            "notified" => Spot::Notified,
            "reclaiming" => Spot::Reclaiming,
            "terminated" => Spot::Terminated,
            _ => Spot::Other(raw.to_string()),
        }
    }

    /// Words for the billing column: "" for no spot state.
    pub fn label(&self) -> &str {
        match self {
            Spot::None => "",
            Spot::Running => "spot running",
            Spot::Notified => "reclaim notified",
            Spot::Reclaiming => "reclaiming",
            Spot::Terminated => "reclaimed",
            Spot::Other(raw) => raw,
        }
    }

    /// A reclaim is coming: the operator has to act before the instance goes.
    pub fn is_warning(&self) -> bool {
        matches!(self, Spot::Notified | Spot::Reclaiming)
    }
}

/// One instance as the list shows it: the Get fields it carries (read by the very same lenient
/// reader as Get Instance) and the ones only the list has.
#[derive(Clone, Debug, PartialEq)]
pub struct ListItem {
    pub instance: Instance,
    /// `productName`, or `productId` when there is no name.
    pub product: String,
    pub spot: Spot,
    /// `spotReclaimTime` in Unix seconds; `None` for `"0"` (no reclaim started) or unreadable.
    pub spot_reclaim_at: Option<i64>,
    /// Name, ID, product and cluster in lower case, one per line, for the search box.
    pub search_text: String,
}

impl ListItem {
    /// Reads one list entry; `None` when it has no ID (it could be neither deduped nor opened).
    pub fn read(entry: Value) -> Option<ListItem> {
        let Value::Object(map) = &entry else {
            return None;
        };
        let text = |key: &str| string(map.get(key));
        let product = match text("productName") {
            name if name.trim().is_empty() => text("productId"),
            name => name,
        };
        let spot = Spot::from_api(&text("spotStatus"));
        let spot_reclaim_at = match expiry(&text("spotReclaimTime")) {
            Expiry::At(at) => Some(at),
            _ => None,
        };
        let instance = Instance::from_value(entry).ok()?;
        if instance.id.trim().is_empty() {
            return None;
        }
        let search_text = [
            instance.display_name(),
            &instance.id,
            &product,
            &instance.cluster_name,
            &instance.cluster_id,
        ]
        .join("\n")
        .to_lowercase();
        Some(ListItem {
            instance,
            product,
            spot,
            spot_reclaim_at,
            search_text,
        })
    }

    pub fn id(&self) -> &str {
        &self.instance.id
    }

    /// "2 × A100 80GB"; the count or the product alone when only one is known. The vendor
    /// word every product name starts with ("NVIDIA ") is left out to fit a table column.
    pub fn gpus(&self) -> String {
        let product = self.product.trim();
        let product = product.strip_prefix("NVIDIA ").unwrap_or(product);
        match (self.instance.gpu_num.trim(), product) {
            ("", "") => "—".into(),
            ("", product) => product.to_string(),
            (count, "") => format!("{count} GPU"),
            (count, product) => format!("{count} × {product}"),
        }
    }

    /// The cluster's name, or its ID when it has none.
    pub fn cluster(&self) -> &str {
        let i = &self.instance;
        match (i.cluster_name.trim(), i.cluster_id.trim()) {
            ("", "") => "—",
            ("", id) => id,
            (name, _) => name,
        }
    }

    /// "Spot", "On Demand", ... and the spot state when there is one.
    pub fn billing(&self) -> (String, &str) {
        let mode = match &self.instance.billing_mode {
            BillingMode::Other(raw) if raw.trim().is_empty() => "—".to_string(),
            mode => mode.label(),
        };
        (mode, self.spot.label())
    }
}

/// Why a 2xx answer is not a page of the list. The text is shown to the user as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListParseError {
    Empty,
    NotJson {
        looks_like_html: bool,
    },
    /// JSON, but neither a list of instances nor an object holding one.
    NotAList,
    /// An object with no `instances` and no `total`; the API's own words when it sent some.
    NoList {
        message: Option<String>,
    },
}

impl std::fmt::Display for ListParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("the answer was empty"),
            Self::NotJson {
                looks_like_html: true,
            } => f.write_str("the answer was a web page (HTML), not JSON"),
            Self::NotJson { .. } => f.write_str("the answer was not valid JSON"),
            Self::NotAList => f.write_str("the answer was JSON but not a list of instances"),
            Self::NoList { message: Some(m) } => {
                write!(f, "the answer held no list, only the message \"{m}\"")
            }
            Self::NoList { message: None } => {
                f.write_str("the answer was a JSON object with no instances")
            }
        }
    }
}

impl std::error::Error for ListParseError {}

/// One page as received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub items: Vec<ListItem>,
    /// `total`, when it is a whole number (or a string holding one).
    pub total: Option<u64>,
    /// Entries dropped because they had no ID.
    pub without_id: usize,
}

impl Page {
    /// Reads `{"instances": [...], "total": N}`. `instances` may be null (no instances); an
    /// entry that is not an object or has no ID is dropped, never failing its neighbours.
    pub fn read(body: &str) -> Result<Page, ListParseError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(ListParseError::Empty);
        }
        let value: Value = serde_json::from_str(body).map_err(|_| ListParseError::NotJson {
            looks_like_html: body.starts_with('<'),
        })?;
        let Value::Object(mut map) = value else {
            return Err(ListParseError::NotAList);
        };
        let total = number(map.get("total"))
            .filter(|n| n.fract() == 0.0)
            .map(|n| n as u64);
        let entries = match map.get_mut("instances").map(Value::take) {
            Some(Value::Array(entries)) => entries,
            Some(Value::Null) => Vec::new(),
            None if total.is_some() => Vec::new(),
            Some(_) => return Err(ListParseError::NotAList),
            None => {
                let message = ["message", "reason", "msg", "error"]
                    .iter()
                    .map(|k| string(map.get(*k)))
                    .find(|m| !m.trim().is_empty());
                return Err(ListParseError::NoList { message });
            }
        };
        let count = entries.len();
        let items: Vec<ListItem> = entries.into_iter().filter_map(ListItem::read).collect();
        Ok(Page {
            without_id: count - items.len(),
            items,
            total,
        })
    }
}

/// The List Instances URL for one page. A trailing `/` on the base is ignored; an empty base
/// means the page's own origin.
pub fn list_url(api_base: &str, page_num: u64) -> String {
    format!(
        "{}/gpu-instance/openapi/v1/gpu/instances?pageSize={PAGE_SIZE}&pageNum={}",
        api_base.trim().trim_end_matches('/'),
        encode_component(&page_num.to_string())
    )
}

/// Which page number the server counts from, as far as the pages so far tell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Numbering {
    #[default]
    Unknown,
    FromZero,
    FromOne,
}

/// Every instance of the list, each once, in the order the server gave them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FleetList {
    /// Shared, so a refresh that leaves an instance as it was keeps the very same item (see
    /// [`FleetList::carry_over`]): the page redraws only the rows whose item is new.
    pub items: Vec<Arc<ListItem>>,
    /// What the last page said `total` was.
    pub total: Option<u64>,
    /// Paging stopped at [`MAX_PAGES`] or [`MAX_INSTANCES`] while pages still brought new IDs.
    pub capped: bool,
    /// Entries dropped because they had no ID.
    pub without_id: usize,
}

impl FleetList {
    /// Keeps the item of `previous` for every instance that has not changed, so a refresh that
    /// changes nothing gives items that are the same (`Arc::ptr_eq`) as before.
    pub fn carry_over(mut self, previous: Option<&FleetList>) -> FleetList {
        let Some(previous) = previous else {
            return self;
        };
        let mut by_id = Map::new();
        for (at, old) in previous.items.iter().enumerate() {
            by_id.insert(old.id().to_string(), Value::from(at));
        }
        for item in &mut self.items {
            let old = by_id
                .get(item.id())
                .and_then(Value::as_u64)
                .and_then(|at| previous.items.get(at as usize));
            if let Some(old) = old.filter(|old| **old == *item) {
                *item = Arc::clone(old);
            }
        }
        self
    }

    /// A notice when the list on screen is not the whole list, in words.
    pub fn notice(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.capped {
            let shown = self.items.len();
            parts.push(match self.total {
                Some(total) if total > shown as u64 => format!(
                    "Showing the first {shown} of {total} instances: this page reads at most {MAX_INSTANCES} instances or {MAX_PAGES} pages. Search narrows what is shown, not what is fetched."
                ),
                _ => format!(
                    "Showing the first {shown} instances: the list did not end within {MAX_PAGES} pages, so the rest are not shown."
                ),
            });
        }
        match self.without_id {
            0 => {}
            1 => parts.push("1 entry in the list had no instance ID and is not shown.".into()),
            n => parts.push(format!(
                "{n} entries in the list had no instance ID and are not shown."
            )),
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// Reads the list page by page: ask [`Pager::page`], hand each answer to [`Pager::take`] (or
/// a refusal to [`Pager::refused`]) until it says there is nothing more to fetch, then
/// [`Pager::finish`].
#[derive(Debug, Default)]
pub struct Pager {
    numbering: Numbering,
    page: u64,
    pages_read: u32,
    page_zero_empty: bool,
    /// The IDs read so far (the values mean nothing).
    seen: Map<String, Value>,
    list: FleetList,
}

impl Pager {
    pub fn new() -> Pager {
        Pager::default()
    }

    /// The `pageNum` to fetch now.
    pub fn page(&self) -> u64 {
        self.page
    }

    pub fn numbering(&self) -> Numbering {
        self.numbering
    }

    /// Takes the answer for [`Pager::page`]; `true` when another page must be fetched.
    pub fn take(&mut self, page: Page) -> bool {
        let asked = self.page;
        self.pages_read += 1;
        let empty = page.items.is_empty();
        let mut new = 0;
        for item in page.items {
            if self.seen.len() >= MAX_INSTANCES {
                self.list.capped = true;
                break;
            }
            if self
                .seen
                .insert(item.id().to_string(), Value::Null)
                .is_none()
            {
                self.list.items.push(Arc::new(item));
                new += 1;
            }
        }
        // A repeated page drops the same entries again: count them once.
        if new > 0 || asked == 0 {
            self.list.without_id += page.without_id;
        }
        if page.total.is_some() {
            self.list.total = page.total;
        }
        let reached = self
            .list
            .total
            .is_some_and(|total| self.seen.len() as u64 >= total);
        // Page 1 tells the numbering: empty after a full page 0, the server counts from zero
        // and page 0 was all there is; the same IDs as page 0, or the first with anything,
        // it counts from one.
        let learning = self.numbering == Numbering::Unknown;
        if learning && asked == 0 {
            self.page_zero_empty = empty;
        } else if learning {
            self.numbering = match (self.page_zero_empty, empty, new) {
                (false, false, 0) | (true, false, _) => Numbering::FromOne,
                _ => Numbering::FromZero,
            };
        }
        let more = if self.list.capped || reached {
            false
        } else if learning {
            // A one-based server may answer page 0 with nothing; its first page is 1.
            asked == 0 || !empty
        } else {
            !empty && new > 0
        };
        if more && self.pages_read >= MAX_PAGES {
            self.list.capped = new > 0;
            return false;
        }
        if more {
            self.page = asked + 1;
        }
        more
    }

    /// The server refused [`Pager::page`] as a bad request: page 0 of a server counting from 1
    /// may be refused rather than read as page 1. `true` when page 1 should be tried instead.
    pub fn refused(&mut self) -> bool {
        let retry = self.page == 0 && self.pages_read == 0;
        if retry {
            self.page = 1;
            self.numbering = Numbering::FromOne;
        }
        retry
    }

    pub fn finish(self) -> FleetList {
        self.list
    }
}
