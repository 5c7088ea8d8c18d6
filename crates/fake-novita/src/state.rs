//! What the server remembers between requests: the instances it serves (which tests may change
//! while it runs), which of them the list holds, how it pages, what actions and metrics do,
//! every request it saw, and whether it has been told to stop.
//!
//! Locks are taken in one order, scripts → instances → fleet → metrics cases, and the others
//! (settings, failures, requests) alone, so no two requests can wait on each other.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Map, Value};
use tokio::sync::watch;

use crate::actions::ACTION_PATH_PREFIX;
use crate::fixtures::{self, FIXTURES};
use crate::fleet::{self, Fleet};
use crate::list::Paging;
use crate::metrics::Metrics;
use crate::scenarios::{self, Instead};
use crate::script::{Call, Failures, StatusScript};

/// How long each step of an action takes by default: `toStop` at once, `stopping` after 2 s,
/// `exited` after 4 s.
pub const DEFAULT_ACTION_STEP: Duration = Duration::from_secs(2);

/// One request as it arrived, for tests to assert what the app sent.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    /// The query string as sent, still percent-encoded.
    pub query: Option<String>,
    pub authorization: Option<String>,
    pub origin: Option<String>,
    pub body: String,
    /// Every header in arrival order, names in lower case, values lossily decoded.
    pub headers: Vec<(String, String)>,
}

impl RecordedRequest {
    /// The first value of a header, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// One POST to an action path, whatever became of it (refused, failed, hung or accepted), so
/// a test can count exactly how many the app sent.
#[derive(Clone, Debug)]
pub struct RecordedAction {
    /// The last path segment: `start`, `stop`, `restart`, `delete` (or whatever was sent).
    pub action: String,
    /// `instanceId` from the body, when the body is JSON with a string there.
    pub instance_id: Option<String>,
    pub request: RecordedRequest,
}

/// Shared by every request handler and by the [`crate::FakeNovita`] handle.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    // Raw text rather than parsed values: fixtures must reach the client byte for byte.
    instances: Mutex<HashMap<String, String>>,
    scripts: Mutex<HashMap<String, StatusScript>>,
    fleet: Mutex<FleetState>,
    settings: Mutex<Settings>,
    metrics: Mutex<HashMap<String, Metrics>>,
    requests: Mutex<Vec<RecordedRequest>>,
    failures: Mutex<Failures>,
    shutdown: watch::Sender<bool>,
}

/// Which stored instances the list holds, and what only the list says about them.
#[derive(Default)]
struct FleetState {
    order: Vec<String>,
    list_only: HashMap<String, Map<String, Value>>,
    /// Each member's list item with the stored text it was made from: a list call reuses it
    /// while the text is unchanged, so paging through 1,000 instances parses each once.
    projected: HashMap<String, (String, Arc<Value>)>,
}

struct Settings {
    paging: Paging,
    action_step: Duration,
    action_answer: (StatusCode, String),
}

/// What became of an action.
pub(crate) enum ActionOutcome {
    Accepted,
    NotFound,
    /// Not allowed from this status (the instance's `status`, `""` when it has none).
    Refused(String),
}

/// A test that panicked while holding a lock must not make every later request panic too.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    /// A state holding every fixture under its `"id"`, and [`Fleet::Mixed`] as the list.
    pub fn with_fixtures() -> io::Result<AppState> {
        let mut instances = HashMap::new();
        for (name, text) in FIXTURES {
            let value: Value = serde_json::from_str(text).map_err(|err| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("fixture {name}.json is not JSON: {err}"),
                )
            })?;
            let id = fixtures::id_of(&value).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("fixture {name}.json has no string or number \"id\""),
                )
            })?;
            instances.insert(id, (*text).to_owned());
        }
        let state = AppState {
            inner: Arc::new(Inner {
                instances: Mutex::new(instances),
                scripts: Mutex::new(HashMap::new()),
                fleet: Mutex::new(FleetState::default()),
                settings: Mutex::new(Settings {
                    paging: Paging::default(),
                    action_step: DEFAULT_ACTION_STEP,
                    action_answer: (StatusCode::OK, String::new()),
                }),
                metrics: Mutex::new(HashMap::new()),
                requests: Mutex::new(Vec::new()),
                failures: Mutex::new(Failures::default()),
                shutdown: watch::Sender::new(false),
            }),
        };
        state.set_fleet(Fleet::Mixed);
        Ok(state)
    }

    pub(crate) fn raw_instance(&self, id: &str) -> Option<String> {
        lock(&self.inner.instances).get(id).cloned()
    }

    pub fn instance(&self, id: &str) -> Option<Value> {
        let raw = self.raw_instance(id)?;
        serde_json::from_str(&raw).ok()
    }

    /// Inserts or replaces by the instance's `"id"`, as given (list-only fields included,
    /// which the list then prefers). A status script playing for it stops.
    ///
    /// # Panics
    /// When the value has no string or number `"id"`: a test that stores an instance nobody
    /// can ask for is a mistake better reported at once.
    pub fn put_instance(&self, instance: Value) {
        let id = id_or_panic(&instance, "put_instance");
        let mut scripts = lock(&self.inner.scripts);
        scripts.remove(&id);
        lock(&self.inner.instances).insert(id, instance.to_string());
    }

    /// Returns false when no instance has that id. A status script playing for it stops.
    pub fn set_status(&self, id: &str, status: &str) -> bool {
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        if !instances.contains_key(id) {
            return false;
        }
        scripts.remove(id);
        write_status(&mut instances, id, status)
    }

    /// Plays the instance through `steps` (status, offset from now): each Get Instance or list
    /// answers with the latest status whose offset has passed. A new script replaces the old.
    pub fn play_statuses(&self, id: &str, steps: &[(&str, Duration)]) {
        lock(&self.inner.scripts).insert(id.to_owned(), StatusScript::new(steps));
    }

    /// Plays the next step of the instance's status script (from an action or
    /// [`AppState::play_statuses`]) now instead of when its time comes, and returns the
    /// status it set; None when nothing is left to play. With a long action step this makes
    /// an action's middle and last statuses happen exactly when a test says.
    pub fn advance_status(&self, id: &str) -> Option<String> {
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        let script = scripts.get_mut(id)?;
        let status = script.play_next()?;
        write_status(&mut instances, id, &status);
        if script.is_done() {
            scripts.remove(id);
        }
        Some(status)
    }

    /// Brings a scripted instance's status up to date before it is served.
    pub(crate) fn play_due(&self, id: &str) {
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        play_due_locked(&mut scripts, &mut instances, id);
    }

    /// The same for every scripted instance, before a list is served.
    fn play_all_due(&self) {
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        let ids: Vec<String> = scripts.keys().cloned().collect();
        for id in ids {
            play_due_locked(&mut scripts, &mut instances, &id);
        }
    }

    /// The next `times` answers of `call` for `id` are those of `scenario` instead; `times`
    /// = 0 clears it.
    ///
    /// # Panics
    /// When `times` > 0 and `scenario` is not a scenario id: the test would otherwise wait for
    /// a failure that never comes.
    pub(crate) fn fail_next(&self, call: Call, id: &str, scenario: &str, times: u32) {
        assert!(
            times == 0 || scenarios::instead(scenario).is_some(),
            "fail next: {scenario:?} is not a scenario id (see the fake-novita crate docs)"
        );
        lock(&self.inner.failures).set(call, id, scenario, times);
    }

    pub(crate) fn take_failure(&self, call: Call, id: &str) -> Option<Instead> {
        let scenario = lock(&self.inner.failures).take(call, id)?;
        scenarios::instead(&scenario)
    }

    /// Replaces the list with a preset. Instances of the old fleet are forgotten (Get no
    /// longer answers for them) along with their scripts and metrics cases.
    ///
    /// # Panics
    /// When a record has no string or number `"id"`, or a generated fleet is too large.
    pub fn set_fleet(&self, fleet: Fleet) {
        let members = fleet.members();
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        let mut fleet = lock(&self.inner.fleet);
        let mut metrics = lock(&self.inner.metrics);
        for id in fleet.order.drain(..) {
            scripts.remove(&id);
            instances.remove(&id);
            metrics.remove(&id);
        }
        fleet.list_only.clear();
        fleet.projected.clear();
        for record in members.records {
            let id = id_or_panic(&record, "set_fleet");
            let (instance, list_only) = fleet::split(record);
            instances.insert(id.clone(), instance.to_string());
            fleet.list_only.insert(id.clone(), list_only);
            fleet.order.retain(|member| *member != id);
            fleet.order.push(id);
        }
        metrics.extend(members.metrics);
    }

    /// Puts a record at the front of the list (newest first, as a just-created instance) and
    /// stores its Get part; an instance already listed moves to the front.
    ///
    /// # Panics
    /// When the record has no string or number `"id"`.
    pub fn add_to_fleet(&self, record: Value) {
        let id = id_or_panic(&record, "add_to_fleet");
        let (instance, list_only) = fleet::split(record);
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        let mut fleet = lock(&self.inner.fleet);
        scripts.remove(&id);
        instances.insert(id.clone(), instance.to_string());
        fleet.list_only.insert(id.clone(), list_only);
        fleet.projected.remove(&id);
        fleet.order.retain(|member| *member != id);
        fleet.order.insert(0, id);
    }

    /// Takes an instance out of the list (Get still answers for it). False when not listed.
    pub fn remove_from_fleet(&self, id: &str) -> bool {
        let mut fleet = lock(&self.inner.fleet);
        let before = fleet.order.len();
        fleet.order.retain(|member| member != id);
        fleet.list_only.remove(id);
        fleet.projected.remove(id);
        fleet.order.len() != before
    }

    /// The listed ids, in list order.
    pub fn fleet_ids(&self) -> Vec<String> {
        lock(&self.inner.fleet).order.clone()
    }

    /// Every listed instance as the list shows it, in order, scripts played up to now.
    pub(crate) fn fleet_items(&self) -> Vec<Arc<Value>> {
        self.play_all_due();
        let instances = lock(&self.inner.instances);
        let mut fleet = lock(&self.inner.fleet);
        let FleetState {
            order,
            list_only,
            projected,
        } = &mut *fleet;
        order
            .iter()
            .filter_map(|id| {
                let raw = instances.get(id)?;
                if let Some((made_from, item)) = projected.get(id) {
                    if made_from == raw {
                        return Some(item.clone());
                    }
                }
                let instance = serde_json::from_str(raw).ok()?;
                let item = Arc::new(fleet::list_item(instance, list_only.get(id)));
                projected.insert(id.clone(), (raw.clone(), item.clone()));
                Some(item)
            })
            .collect()
    }

    pub fn set_paging(&self, paging: Paging) {
        lock(&self.inner.settings).paging = paging;
    }

    pub(crate) fn paging(&self) -> Paging {
        lock(&self.inner.settings).paging.clone()
    }

    /// How long each of an action's three statuses lasts before the next; zero jumps straight
    /// to the last (`running`, `exited`, `removed`).
    pub fn set_action_step(&self, step: Duration) {
        lock(&self.inner.settings).action_step = step;
    }

    /// What an accepted action answers: a 2xx status and a body sent as `application/json`
    /// (`""` by default; `"{}"` and any JSON text work too).
    ///
    /// # Panics
    /// When the status is not 2xx, or is 204 with a body: a test mistake, not a scenario
    /// (failures are [`crate::FakeNovita::fail_action_next`]'s job).
    pub fn set_action_answer(&self, status: u16, body: &str) {
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(StatusCode::is_success)
            .unwrap_or_else(|| panic!("set_action_answer: {status} is not a 2xx status"));
        assert!(
            status != StatusCode::NO_CONTENT || body.is_empty(),
            "set_action_answer: a 204 has no body"
        );
        lock(&self.inner.settings).action_answer = (status, body.to_owned());
    }

    pub(crate) fn action_answer(&self) -> (StatusCode, String) {
        lock(&self.inner.settings).action_answer.clone()
    }

    /// Checks and starts an action in one step, so two at once cannot both be accepted.
    pub(crate) fn begin_action(
        &self,
        id: &str,
        allowed: impl Fn(&str) -> bool,
        statuses: [&str; 3],
    ) -> ActionOutcome {
        let step = lock(&self.inner.settings).action_step;
        let mut scripts = lock(&self.inner.scripts);
        let mut instances = lock(&self.inner.instances);
        play_due_locked(&mut scripts, &mut instances, id);
        let Some(raw) = instances.get(id) else {
            return ActionOutcome::NotFound;
        };
        let status = status_of(raw);
        if !allowed(&status) {
            return ActionOutcome::Refused(status);
        }
        let steps: Vec<(&str, Duration)> = statuses
            .iter()
            .zip([Duration::ZERO, step, step * 2])
            .map(|(status, at)| (*status, at))
            .collect();
        scripts.insert(id.to_owned(), StatusScript::new(&steps));
        play_due_locked(&mut scripts, &mut instances, id);
        ActionOutcome::Accepted
    }

    /// Which metrics `id` answers with from now on.
    pub fn set_metrics(&self, id: &str, metrics: Metrics) {
        lock(&self.inner.metrics).insert(id.to_owned(), metrics);
    }

    pub(crate) fn metrics_case(&self, id: &str) -> Metrics {
        lock(&self.inner.metrics)
            .get(id)
            .cloned()
            .unwrap_or(Metrics::Busy)
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        lock(&self.inner.requests).push(request);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.inner.requests).clone()
    }

    /// Every POST to an action path, in arrival order.
    pub fn actions(&self) -> Vec<RecordedAction> {
        lock(&self.inner.requests)
            .iter()
            .filter(|request| request.method == "POST")
            .filter_map(|request| {
                let action = request.path.strip_prefix(ACTION_PATH_PREFIX)?;
                let instance_id = serde_json::from_str::<Value>(&request.body)
                    .ok()
                    .and_then(|body| body.get("instanceId")?.as_str().map(str::to_owned));
                Some(RecordedAction {
                    action: action.to_owned(),
                    instance_id,
                    request: request.clone(),
                })
            })
            .collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.inner.requests).clear();
    }

    /// Tells the server to stop accepting and wakes every request that is deliberately
    /// waiting, so a graceful shutdown never waits on `hang`.
    pub fn begin_shutdown(&self) {
        self.inner.shutdown.send_replace(true);
    }

    /// Completes once [`AppState::begin_shutdown`] has been called.
    pub async fn shutdown_requested(&self) {
        let mut stopped = self.inner.shutdown.subscribe();
        // The sender lives as long as `self`, so this cannot fail while we wait.
        let _ = stopped.wait_for(|stop| *stop).await;
    }
}

fn id_or_panic(instance: &Value, caller: &str) -> String {
    fixtures::id_of(instance).unwrap_or_else(|| {
        panic!("{caller}: the instance needs a string or number \"id\", got {instance}")
    })
}

fn play_due_locked(
    scripts: &mut HashMap<String, StatusScript>,
    instances: &mut HashMap<String, String>,
    id: &str,
) {
    let Some(script) = scripts.get_mut(id) else {
        return;
    };
    if let Some(status) = script.next_due() {
        write_status(instances, id, &status);
    }
    if script.is_done() {
        scripts.remove(id);
    }
}

/// The instance's `status` when it is a string, else `""`.
fn status_of(raw: &str) -> String {
    serde_json::from_str::<Value>(raw)
        .ok()
        .and_then(|value| value.get("status")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn write_status(instances: &mut HashMap<String, String>, id: &str, status: &str) -> bool {
    let Some(raw) = instances.get_mut(id) else {
        return false;
    };
    let Ok(mut value) = serde_json::from_str::<Value>(raw) else {
        return false;
    };
    let Some(object) = value.as_object_mut() else {
        return false;
    };
    object.insert("status".to_owned(), Value::String(status.to_owned()));
    *raw = value.to_string();
    true
}
