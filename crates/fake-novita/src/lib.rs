//! A local stand-in for the Novita GPU instance API, for tests that cannot reach Novita.
//!
//! It answers the calls the app makes, in the real API's shapes and with its checks (the key
//! first, then the parameters, then the lookup), plus a set of scenario ids that reproduce the
//! failures and oddities the real API (and whatever sits in front of it) is known for, and
//! records every request so tests can check what the app sent. Start one per test with
//! [`FakeNovita::start`]; everything below is set on that handle and holds for that server
//! only.
//!
//! # Calls
//!
//! | call | path | module |
//! |---|---|---|
//! | Get Instance | `GET /gpu-instance/openapi/v1/gpu/instance?instanceId=` ([`INSTANCE_PATH`]) | `api` |
//! | List Instances | `GET /gpu-instance/openapi/v1/gpu/instances?pageSize=&pageNum=[&name=][&productName=][&status=]` ([`LIST_PATH`]) | `list` |
//! | Start / Stop / Restart / Delete | `POST /gpu-instance/openapi/v1/gpu/instance/{start,stop,restart,delete}` ([`ACTION_PATH_PREFIX`]) | `actions` |
//! | Metrics | `GET /openapi/v1/metrics/gpu/instance?instanceId=&startTime=&endTime=&interval=` ([`METRICS_PATH`]) | `metrics` |
//! | Log streams | `GET /logs/{scenario}/{system,instance}` | [`logs`] |
//!
//! Every call needs `Authorization: Bearer` [`TEST_API_KEY`] (401 `INVALID_API_KEY`
//! otherwise), answers CORS preflights without a key, and exposes `Retry-After`. Errors have
//! Novita's shape: `{"code", "reason", "message", "metadata": {}}`. An unknown instance is
//! 400 `RESOURCE_NOT_FOUND`, as on the real API.
//!
//! # Scenario ids
//!
//! Used as an instance id in any call (no set-up needed), or as the `scenario` of a "fail
//! next" control, which answers with it instead of the real answer for the next N calls
//! (`times` = 0 clears; `u32::MAX` is "until cleared"). Under a control, `slow-N`,
//! `ok-truncated` and `accept-*` use the real answer of that call.
//!
//! | scenario | answer |
//! |---|---|
//! | `fail-400` | 400 `INVALID_PARAMETER` |
//! | `fail-401` | 401 `INVALID_API_KEY` (a key deleted while the app runs) |
//! | `fail-403` | 403 `PERMISSION_DENIED` |
//! | `http-404` | 404 `NOT_FOUND` |
//! | `fail-429` | 429 `RATE_LIMITED` with `Retry-After: 30` |
//! | `fail-429-N` | the same with `Retry-After: N` (0 to 86400) |
//! | `fail-500` | 500 `INTERNAL_SERVER_ERROR`, JSON |
//! | `fail-500-html` | 500, an nginx/openresty HTML error page |
//! | `fail-502-text` | 502, `text/plain` "Bad Gateway" |
//! | `fail-503-empty` | 503, empty body |
//! | `fail-504-json` | 504 `GATEWAY_TIMEOUT` |
//! | `hang` | never answers (the client's timeout must fire); a server shutdown ends it |
//! | `drop` | closes the connection without a byte of answer |
//! | `slow-N` | the real answer after N ms (at most 60,000); as an id, `full.json` under that id |
//! | `ok-truncated` | 200, the real answer cut at 60 %: never valid JSON; as an id, `full.json` cut |
//! | `ok-html` | 200, a login page as `text/html` |
//! | `ok-array` | 200, `[]` |
//! | `ok-empty` | 200, empty body |
//! | `accept-hang` | the call takes effect (an action is applied), then no answer ever comes |
//! | `accept-drop` | the call takes effect, then the connection closes without an answer |
//!
//! Get Instance only, as an id: `no-cors` (`full.json` with no CORS headers on any answer,
//! preflight included), `big-N` (a running instance with N ports, volumes and envs, N ≤ 5000).
//!
//! A dropped connection is a network error to the client, with one catch: Chromium resends a
//! request, POST included, when a *reused* keep-alive connection closes before any byte of an
//! answer. So under `drop` / `accept-drop` a browser may send the request twice, and the second
//! one gets the real answer (for an accepted action, `OPERATION_LIMIT`). Count with
//! [`FakeNovita::actions`] knowing that.
//!
//! # Controls
//!
//! | on the handle | what it does |
//! |---|---|
//! | [`requests`](FakeNovita::requests), [`clear_requests`](FakeNovita::clear_requests) | every request received, preflights included: method, path, raw query, `Authorization`, `Origin`, body, all headers |
//! | [`actions`](FakeNovita::actions) | every POST to an action path (refused, failed or accepted): action, `instanceId`, the request |
//! | [`put_instance`](FakeNovita::put_instance), [`instance`](FakeNovita::instance), [`set_status`](FakeNovita::set_status) | change what Get (and, for listed instances, the list) answers; stops a status script |
//! | [`play_statuses`](FakeNovita::play_statuses) | plays statuses on a clock, seen by Get and the list alike |
//! | [`advance_status`](FakeNovita::advance_status) | plays the next step of an instance's script (an action's or `play_statuses`') now, whatever the clock |
//! | [`fail_next`](FakeNovita::fail_next)`(id, scenario, n)` | the next n Get Instance calls for `id` |
//! | [`fail_list_next`](FakeNovita::fail_list_next)`(scenario, n)` | the next n list calls (every page counts) |
//! | [`fail_action_next`](FakeNovita::fail_action_next)`(id, scenario, n)` | the next n actions on `id` |
//! | [`fail_metrics_next`](FakeNovita::fail_metrics_next)`(id, scenario, n)` | the next n metrics calls for `id` |
//! | [`set_fleet`](FakeNovita::set_fleet)`(`[`Fleet`]`)` | which instances the list holds: `Empty`, `One`, `Mixed` (the default), `Generated(n)`, `Custom(records)` |
//! | [`add_to_fleet`](FakeNovita::add_to_fleet), [`remove_from_fleet`](FakeNovita::remove_from_fleet), [`fleet_ids`](FakeNovita::fleet_ids) | change the list while a client pages through it (items shift between pages) |
//! | [`set_paging`](FakeNovita::set_paging)`(`[`Paging`]`)` | first page 0 or 1, the server's page-size cap, what `total` says, what a page past the end holds |
//! | [`set_action_step`](FakeNovita::set_action_step) | how long each of an action's statuses lasts (default 2 s; zero jumps to the last) |
//! | [`set_action_answer`](FakeNovita::set_action_answer)`(status, body)` | what an accepted action answers (default an empty 200; `{}` or any JSON) |
//! | [`set_metrics`](FakeNovita::set_metrics)`(id, `[`Metrics`]`)` | which metrics an instance answers with (default `Busy`) |
//!
//! # The list
//!
//! List items are the Get object without `network`, `node`, `jobs` and the four
//! `connectComponent*` objects, with `volumeMounts[].size` as a string, plus `productId`,
//! `productName`, `rootfsSize` (integer), `spotStatus` (`running`, `notified`, `reclaiming`,
//! `terminated` or `""`) and `spotReclaimTime` (unix seconds as a string, `"0"` = none).
//! Instances in the list answer Get under their id, and every change shows in both.
//! `pageSize` is required (400 otherwise) and capped by the server (100 by default);
//! `pageNum` defaults to the first page; `name` and `productName` match any part, in any
//! case; `status` must be one of the 18 documented statuses (400 otherwise).
//!
//! Paging ([`Paging`]): [`Numbering::OneBased`] (default) reads `pageNum=0` as page 1, so a
//! client starting at 0 gets page 1 twice; [`Numbering::ZeroBased`] answers `pageNum=1` with
//! its second page, so a client starting at 1 misses the first. [`Total`]: `Honest`,
//! `AsString`, `Missing`, `Fixed(n)`. [`PastEnd`]: `Empty` (`[]`), `Null`, `RepeatLast` (the
//! last page again: a client must stop when a page brings no new ID).
//!
//! [`Fleet::Mixed`] is `tests/fixtures/fleet.json`, one record per line (Get fields plus the
//! list-only ones), in this order:
//!
//! | id | name | status | notes | metrics |
//! |---|---|---|---|---|
//! | `a1c4e7f0b3d62958` | llama3-finetune-a100 | running | 2 GPUs, on demand | busy |
//! | `b2d5f8a1c4e73069` | notebook-friday | running | 1 GPU | idle |
//! | `c3e6a9b2d5f8417a` | vllm-serve-8xh100 | running | 8 GPUs, monthly | GPU 3 busy, 7 idle |
//! | `d4f7b0c3e6a9528b` | sdxl-batch-render | exited | | busy |
//! | `e5a8c1d4f7b0639c` | old-experiment-2024 | exited | monthly, expired | busy |
//! | `f6b9d2e5a8c174ad` | comfyui-pull | pulling | | busy |
//! | `07cae3f6b9d285be` | whisper-asr | starting | | busy |
//! | `18dbf4a7cae396cf` | train-broken-image | exited | `statusError` pullImageFailed | busy |
//! | `29ec05b8dbf4a7d0` | cleanup-scratch | removing | | busy |
//! | `3afd16c9ec05b8e1` | mystery-box | `pending` (unknown) | `statusError` quotaExceeded | busy |
//! | `4b0e27dafd16c9f2` | spot-eval-a | running | spot, `notified` | gaps |
//! | `5c1f38eb0e27da03` | spot-eval-b | running | spot, `reclaiming` | busy |
//! | `6d2049fc1f38eb14` | markup, RTL override, emoji, 300 more chars | running | hostile product and cluster too, `statusError` | garbage |
//! | `7e315a0d2049fc25` | data-prep | creating | | busy |
//! | `8f426b1e315a0d36` | spot-reclaimed | exited | spot, `terminated` | busy |
//! | `90537c2f426b1e47` | api-gateway-stopping | stopping | | busy |
//!
//! [`Fleet::Generated`]`(n)` (n ≤ [`MAX_GENERATED`]) makes instance `i` (0-based) with name
//! `job-{i:04}-{product}`, cycling through four products and three clusters; out of every
//! twenty, `i % 20` = 13, 14 exited, 15 exited with a `statusError`, 16 pulling, 17 starting,
//! 18 stopping, 19 a running spot instance `notified`, the rest running. Running instances
//! with `i % 10 == 1` have idle metrics. The same n always gives the same fleet.
//!
//! The fixtures (`full.json` and the others) answer Get but are not in the list.
//!
//! # Actions
//!
//! See the `actions` module: an accepted action moves the instance through three statuses
//! one [`set_action_step`](FakeNovita::set_action_step) apart (or, with a long step, when
//! [`advance_status`](FakeNovita::advance_status) says); start needs `exited`, stop and
//! restart need `running`, delete anything but `toRemove` / `removing` / `removed`; otherwise
//! 400 `OPERATION_LIMIT`. A body without a string `instanceId` is 400 `INVALID_PARAMETER`.
//!
//! # Metrics
//!
//! The query falls back as documented: `endTime` outside `(0, now]` is now, `startTime`
//! outside `(0, endTime - 60]` is `endTime - 60`, `interval` missing or under 15 is 15.
//! Points are at `startTime + k * interval` up to `endTime`, each more than
//! [`METRICS_LAG_SECS`] before now (so the default window is empty); more than
//! [`MAX_POINTS`] per series is 400. Values are
//! percentages with one decimal; with `k = timestamp / 15` and GPU index `g`:
//!
//! | series | busy | idle |
//! |---|---|---|
//! | GPU `g` utilisation | `85.0 + ((7k + 31g) mod 150) / 10` | `((3k + 7g) mod 50) / 10` |
//! | GPU `g` memory | `70.0 + ((13k + 17g) mod 100) / 10` | `30.0 + ((k + g) mod 10) / 10` |
//! | `avg` of either | the mean over the GPUs in tenths, rounded half up | |
//! | CPU | `40.0 + (11k mod 400) / 10` | `1.0 + (3k mod 20) / 10` |
//! | memory (busy when any GPU is) | `60.0 + (5k mod 100) / 10` | `20.0 + (k mod 10) / 10` |
//! | root disk | `41.5 + ((k / 240) mod 5) / 10` | the same |
//!
//! The GPUs are the instance's `gpuNum` (1 to 8; 1 when unreadable), ids `"0"`, `"1"`, ...
//! [`Metrics`] cases: `Busy`, `Idle`, `IdleSince(t)` (busy before unix second t, idle from it;
//! [`Metrics::idle_for`] sets t from a duration before now), `EightGpusOneBusy`, `Gaps` (idle,
//! no points where `(timestamp / 300) mod 4 == 2`), `Empty` (`[]`), `Nulls` (`null`), and
//! `Garbage`: `cpuUtilization`, `gpuUtilization.avg` and GPU 0's items cycle through a value
//! `"12.5"`, `null`, `"NaN"`, a numeric timestamp, timestamp `"yesterday"`, a good point
//! (40.25), no `value`, and 250; GPU 0's `gpuId` is the number 0, GPU `"1"` has `items: null`,
//! a third has no `gpuId`; `memUtilization` is null, `rootDiskUtilization` missing and
//! `gpuMemUtilization` the string `"n/a"`.

mod actions;
mod api;
mod big;
mod cors;
mod errors;
mod fixtures;
mod fleet;
mod list;
pub mod logs;
mod metrics;
mod record;
mod scenarios;
mod script;
mod state;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use serde_json::Value;
use tokio::net::TcpListener;

pub use actions::ACTION_PATH_PREFIX;
pub use fixtures::{fixture, FIXTURES};
pub use fleet::{Fleet, MAX_GENERATED};
pub use list::{Numbering, Paging, PastEnd, Total, LIST_PATH};
pub use metrics::{Metrics, MAX_POINTS, METRICS_LAG_SECS, METRICS_PATH, MIN_INTERVAL_SECS};
pub use state::{AppState, RecordedAction, RecordedRequest, DEFAULT_ACTION_STEP};

use script::Call;

/// The one key the server accepts. Not a real Novita key.
pub const TEST_API_KEY: &str = "sk_test_fake_7d1c9e2b4a6f8053";

/// The Get Instance path, the same as on `https://api.novita.ai`.
pub const INSTANCE_PATH: &str = "/gpu-instance/openapi/v1/gpu/instance";

/// All routes, with recording outermost so even preflights and unknown paths are kept.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(INSTANCE_PATH, get(api::get_instance))
        .route(LIST_PATH, get(list::list))
        .route(
            "/gpu-instance/openapi/v1/gpu/instance/{action}",
            post(actions::action),
        )
        .route(METRICS_PATH, get(metrics::metrics))
        .nest_service(logs::LOGS_PREFIX, logs::router(state.clone()))
        .fallback(api::fallback)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(from_fn(cors::cors))
        .layer(from_fn_with_state(state.clone(), record::record))
        .with_state(state)
}

/// Serves until [`AppState::begin_shutdown`] is called, then finishes the requests in flight.
pub async fn serve(listener: TcpListener, state: AppState) -> io::Result<()> {
    let stop = state.clone();
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async move { stop.shutdown_requested().await })
        .await
}

/// A running server on a free loopback port, stopped when dropped.
pub struct FakeNovita {
    addr: SocketAddr,
    state: AppState,
}

impl FakeNovita {
    /// Binds 127.0.0.1:0 and serves on the current tokio runtime.
    pub async fn start() -> io::Result<FakeNovita> {
        let state = AppState::with_fixtures()?;
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(serve(listener, state.clone()));
        Ok(FakeNovita { addr, state })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, with no trailing slash, ready to be the app's API base.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.requests()
    }

    /// Every POST to an action path, in arrival order, whatever became of it.
    pub fn actions(&self) -> Vec<RecordedAction> {
        self.state.actions()
    }

    pub fn clear_requests(&self) {
        self.state.clear_requests();
    }

    /// Inserts or replaces by the instance's `"id"` (a string, or a number served as text).
    /// See [`AppState::put_instance`].
    ///
    /// # Panics
    /// When the value has no string or number `"id"`.
    pub fn put_instance(&self, instance: Value) {
        self.state.put_instance(instance);
    }

    /// Returns false when no stored instance has that id.
    pub fn set_status(&self, id: &str, status: &str) -> bool {
        self.state.set_status(id, status)
    }

    pub fn instance(&self, id: &str) -> Option<Value> {
        self.state.instance(id)
    }

    /// Plays an instance through statuses on a clock: `[("creating", 0 s), ("running",
    /// 2 s)]`. See [`AppState::play_statuses`].
    pub fn play_statuses(&self, id: &str, steps: &[(&str, Duration)]) {
        self.state.play_statuses(id, steps);
    }

    /// Plays the next status of `id`'s script (an action's or [`FakeNovita::play_statuses`]')
    /// now. See [`AppState::advance_status`].
    pub fn advance_status(&self, id: &str) -> Option<String> {
        self.state.advance_status(id)
    }

    /// Makes the next `times` Get Instance answers for `id` those of a scenario id, such as
    /// `fail-503-empty` or `fail-429`; `times` = 0 clears.
    ///
    /// # Panics
    /// When `times` > 0 and `scenario` is not a scenario id.
    pub fn fail_next(&self, id: &str, scenario: &str, times: u32) {
        self.state.fail_next(Call::Get, id, scenario, times);
    }

    /// The same for the next `times` List Instances calls (each page is a call).
    ///
    /// # Panics
    /// When `times` > 0 and `scenario` is not a scenario id.
    pub fn fail_list_next(&self, scenario: &str, times: u32) {
        self.state.fail_next(Call::List, "", scenario, times);
    }

    /// The same for the next `times` actions on `id` (any of the four). `accept-hang` and
    /// `accept-drop` apply the action and then give no answer.
    ///
    /// # Panics
    /// When `times` > 0 and `scenario` is not a scenario id.
    pub fn fail_action_next(&self, id: &str, scenario: &str, times: u32) {
        self.state.fail_next(Call::Action, id, scenario, times);
    }

    /// The same for the next `times` metrics calls for `id`.
    ///
    /// # Panics
    /// When `times` > 0 and `scenario` is not a scenario id.
    pub fn fail_metrics_next(&self, id: &str, scenario: &str, times: u32) {
        self.state.fail_next(Call::Metrics, id, scenario, times);
    }

    /// Replaces the list. See [`AppState::set_fleet`].
    pub fn set_fleet(&self, fleet: Fleet) {
        self.state.set_fleet(fleet);
    }

    /// See [`AppState::add_to_fleet`].
    pub fn add_to_fleet(&self, record: Value) {
        self.state.add_to_fleet(record);
    }

    /// See [`AppState::remove_from_fleet`].
    pub fn remove_from_fleet(&self, id: &str) -> bool {
        self.state.remove_from_fleet(id)
    }

    pub fn fleet_ids(&self) -> Vec<String> {
        self.state.fleet_ids()
    }

    pub fn set_paging(&self, paging: Paging) {
        self.state.set_paging(paging);
    }

    /// See [`AppState::set_action_step`].
    pub fn set_action_step(&self, step: Duration) {
        self.state.set_action_step(step);
    }

    /// See [`AppState::set_action_answer`].
    pub fn set_action_answer(&self, status: u16, body: &str) {
        self.state.set_action_answer(status, body);
    }

    pub fn set_metrics(&self, id: &str, metrics: Metrics) {
        self.state.set_metrics(id, metrics);
    }

    /// The shared state, for a test that wants to hand it to [`router`] itself.
    pub fn state(&self) -> &AppState {
        &self.state
    }
}

impl Drop for FakeNovita {
    fn drop(&mut self) {
        self.state.begin_shutdown();
    }
}
