//! List Instances: `GET /gpu-instance/openapi/v1/gpu/instances?pageSize=N&pageNum=P`, with the
//! fuzzy `name` and `productName` filters and the exact `status` one, answering
//! `{"instances": [...], "total": N}`.
//!
//! Which page number is first is not settled for the real API, so the paging is a setting
//! ([`Paging`]) with the hazards each choice makes for a client: a one-based server answers
//! `pageNum=0` with page 1 (a client starting at 0 sees page 1 twice), a zero-based one answers
//! `pageNum=1` with its second page (a client starting at 1 never sees the first). The server
//! caps the page size below what a client may ask, and `total` can be honest, a string,
//! missing, or wrong.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::api::{authorized, unauthorized};
use crate::errors::{invalid_parameter, ApiError};
use crate::scenarios::{self, ok, respond};
use crate::script::Call;
use crate::state::AppState;

/// The List Instances path, the same as on `https://api.novita.ai`.
pub const LIST_PATH: &str = "/gpu-instance/openapi/v1/gpu/instances";

/// The documented limit on the `name` and `productName` filters.
const MAX_FILTER_CHARS: usize = 255;

/// The statuses the docs list; the `status` filter accepts only these.
const STATUSES: [&str; 18] = [
    "toCreate",
    "creating",
    "pulling",
    "running",
    "toStart",
    "starting",
    "toStop",
    "stopping",
    "exited",
    "toRestart",
    "restarting",
    "toRemove",
    "removing",
    "removed",
    "toReset",
    "resetting",
    "migrating",
    "freezing",
];

/// How the server pages. The default: one-based, at most 100 a page, honest `total`, an
/// empty page past the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    pub numbering: Numbering,
    /// The most instances a page holds, whatever `pageSize` asks for.
    pub max_page_size: usize,
    pub total: Total,
    pub past_end: PastEnd,
}

impl Default for Paging {
    fn default() -> Paging {
        Paging::one_based()
    }
}

impl Paging {
    pub fn one_based() -> Paging {
        Paging {
            numbering: Numbering::OneBased,
            max_page_size: 100,
            total: Total::Honest,
            past_end: PastEnd::Empty,
        }
    }

    pub fn zero_based() -> Paging {
        Paging {
            numbering: Numbering::ZeroBased,
            ..Paging::one_based()
        }
    }

    /// The same paging with pages of at most `max_page_size` (at least 1).
    pub fn capped_at(self, max_page_size: usize) -> Paging {
        Paging {
            max_page_size: max_page_size.max(1),
            ..self
        }
    }

    pub fn with_total(self, total: Total) -> Paging {
        Paging { total, ..self }
    }

    pub fn with_past_end(self, past_end: PastEnd) -> Paging {
        Paging { past_end, ..self }
    }
}

/// Which `pageNum` is the first page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbering {
    /// `pageNum=0` is the first page and `pageNum=1` the second.
    ZeroBased,
    /// `pageNum=1` is the first page; `pageNum=0` is read as 1, as servers that treat a page
    /// below the first as the first do.
    OneBased,
}

/// What `total` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Total {
    /// The number of instances matching the filters.
    Honest,
    /// The same number as a string (`"16"`).
    AsString,
    /// No `total` at all.
    Missing,
    /// Always this number, whatever the fleet holds.
    Fixed(u64),
}

/// What a page past the last one holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PastEnd {
    /// `"instances": []`.
    Empty,
    /// `"instances": null`.
    Null,
    /// The last page again, as servers that clamp `pageNum` do: only a client that stops
    /// when a page brings no new ID stops at all.
    RepeatLast,
}

#[derive(Deserialize)]
pub(crate) struct ListQuery {
    #[serde(rename = "pageSize")]
    page_size: Option<String>,
    #[serde(rename = "pageNum")]
    page_num: Option<String>,
    name: Option<String>,
    #[serde(rename = "productName")]
    product_name: Option<String>,
    status: Option<String>,
}

/// A validated request.
struct Request {
    page_size: usize,
    page_num: Option<u64>,
    name: Option<String>,
    product_name: Option<String>,
    status: Option<String>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    if !authorized(&headers) {
        return unauthorized();
    }
    let request = match query {
        Ok(Query(query)) => match Request::read(query) {
            Ok(request) => request,
            Err(error) => return error.into_response(),
        },
        Err(_) => return invalid_parameter("the query is invalid").into_response(),
    };
    let real = || ok(page(&state, &request));
    match state.take_failure(Call::List, "") {
        Some(instead) => scenarios::play(&state, instead, real).await,
        None => respond(real()),
    }
}

impl Request {
    fn read(query: ListQuery) -> Result<Request, ApiError> {
        let page_size = match query.page_size.as_deref().map(str::parse::<usize>) {
            None => return Err(invalid_parameter("pageSize is required")),
            Some(Ok(size)) if size > 0 => size,
            Some(_) => return Err(invalid_parameter("pageSize must be a positive integer")),
        };
        let page_num = match query.page_num.as_deref().map(str::parse::<u64>) {
            None => None,
            Some(Ok(page)) => Some(page),
            Some(Err(_)) => {
                return Err(invalid_parameter("pageNum must be a non-negative integer"))
            }
        };
        for (field, filter) in [("name", &query.name), ("productName", &query.product_name)] {
            if filter
                .as_deref()
                .is_some_and(|text| text.chars().count() > MAX_FILTER_CHARS)
            {
                return Err(invalid_parameter(format!(
                    "{field} must be at most {MAX_FILTER_CHARS} characters"
                )));
            }
        }
        let status = query.status.filter(|status| !status.is_empty());
        if status
            .as_deref()
            .is_some_and(|status| !STATUSES.contains(&status))
        {
            return Err(invalid_parameter("status is not a known instance status"));
        }
        // An empty filter filters nothing, as an empty search box means.
        let lowered = |filter: Option<String>| {
            filter
                .filter(|text| !text.is_empty())
                .map(|text| text.to_lowercase())
        };
        Ok(Request {
            page_size,
            page_num,
            name: lowered(query.name),
            product_name: lowered(query.product_name),
            status,
        })
    }

    fn keeps(&self, item: &Value) -> bool {
        let contains = |field: &str, wanted: &Option<String>| match wanted {
            None => true,
            Some(wanted) => item
                .get(field)
                .and_then(Value::as_str)
                .is_some_and(|text| text.to_lowercase().contains(wanted.as_str())),
        };
        contains("name", &self.name)
            && contains("productName", &self.product_name)
            && match &self.status {
                None => true,
                Some(status) => item.get("status").and_then(Value::as_str) == Some(status),
            }
    }
}

fn items(from: &[Arc<Value>], size: usize) -> Value {
    from.iter()
        .take(size)
        .map(|item| Value::clone(item))
        .collect()
}

/// The answer's text: the page the request names under the server's paging.
fn page(state: &AppState, request: &Request) -> String {
    let paging = state.paging();
    let matching: Vec<Arc<Value>> = state
        .fleet_items()
        .into_iter()
        .filter(|item| request.keeps(item))
        .collect();
    let size = request.page_size.min(paging.max_page_size);
    let page_num = request.page_num.unwrap_or(match paging.numbering {
        Numbering::ZeroBased => 0,
        Numbering::OneBased => 1,
    });
    let index = match paging.numbering {
        Numbering::ZeroBased => page_num,
        Numbering::OneBased => page_num.saturating_sub(1),
    };
    let start = usize::try_from(index)
        .ok()
        .and_then(|index| index.checked_mul(size))
        .filter(|start| *start < matching.len());
    let instances = match (start, paging.past_end) {
        (Some(start), _) => items(&matching[start..], size),
        (None, PastEnd::Empty) => Value::Array(Vec::new()),
        (None, PastEnd::Null) => Value::Null,
        (None, PastEnd::RepeatLast) => {
            let last_start = matching.len().saturating_sub(1) / size * size;
            items(matching.get(last_start..).unwrap_or_default(), size)
        }
    };
    let mut answer = Map::new();
    answer.insert("instances".to_owned(), instances);
    let total = match paging.total {
        Total::Honest => Some(Value::from(matching.len())),
        Total::AsString => Some(Value::String(matching.len().to_string())),
        Total::Missing => None,
        Total::Fixed(total) => Some(Value::from(total)),
    };
    if let Some(total) = total {
        answer.insert("total".to_owned(), total);
    }
    Value::Object(answer).to_string()
}
