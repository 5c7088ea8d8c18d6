//! Start, Stop, Restart and Delete, as pure rules: which action an instance's status allows
//! (and, when not, why, in words), the call's URL and body, the status each action ends in,
//! what the confirmation says it will do, how an answer is read (refused, or an outcome no one
//! knows), and one action's life after it is sent ([`Run`]): sent, answered, then following
//! the instance's status until it reaches the target, settles elsewhere, or has not moved in
//! two minutes. The page's state keeps the runs and feeds them statuses; this module decides
//! what they mean and what the outcome line says.

use crate::api::{classify_failure, ApiError};
use crate::format::number;
use crate::instance::Instance;
use crate::status::Status;

/// How long an accepted action may leave the status untouched before the page says so.
pub const STUCK_AFTER_MS: u64 = 120_000;

/// How many action requests the page has in flight at once (a bulk action sends the rest as
/// these finish).
pub const MAX_IN_FLIGHT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Start,
    Stop,
    Restart,
    Delete,
}

impl Action {
    pub const ALL: [Action; 4] = [Action::Start, Action::Stop, Action::Restart, Action::Delete];

    /// The path segment of the call, and the `data-action` value of CONTRACT.md.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Delete => "delete",
        }
    }

    /// The button's word.
    pub fn label(self) -> &'static str {
        match self {
            Action::Start => "Start",
            Action::Stop => "Stop",
            Action::Restart => "Restart",
            Action::Delete => "Delete",
        }
    }

    /// The status the instance ends in once the action is done.
    pub fn target(self) -> Status {
        match self {
            Action::Start | Action::Restart => Status::Running,
            Action::Stop => Status::Exited,
            Action::Delete => Status::Removed,
        }
    }

    /// `POST {apiBase}/gpu-instance/openapi/v1/gpu/instance/{action}`.
    pub fn url(self, api_base: &str) -> String {
        format!(
            "{}/gpu-instance/openapi/v1/gpu/instance/{}",
            api_base.trim().trim_end_matches('/'),
            self.as_str()
        )
    }

    /// Why the status does not allow this action, in words; `None` when it does. Start needs
    /// a stopped instance, Stop and Restart a running one, Delete anything not already on its
    /// way out (the same rules the API applies, which otherwise answers `OPERATION_LIMIT`).
    pub fn unavailable(self, status: &Status) -> Option<String> {
        let needs = match self {
            Action::Start if *status != Status::Exited => "Only a stopped instance can be started",
            Action::Stop if *status != Status::Running => "Only a running instance can be stopped",
            Action::Restart if *status != Status::Running => {
                "Only a running instance can be restarted"
            }
            Action::Delete if *status == Status::Removed => {
                return Some("It has already been deleted.".into())
            }
            Action::Delete if matches!(status, Status::ToRemove | Status::Removing) => {
                return Some("It is already being deleted.".into())
            }
            _ => return None,
        };
        Some(format!("{needs}; this one is {}.", status_words(status)))
    }

    /// What the action will do, one sentence each, for the confirmation. Stop names how long
    /// the instance's local data is kept (`keepDataDay`), when it says.
    pub fn consequences(self, keep_data_day: Option<f64>) -> Vec<String> {
        self.consequences_of(keep_data_day, false)
    }

    /// The same sentences said of one instance, or of `many` at once (the fleet's bulk Start
    /// and Stop: "each one's disk", "while they are stopped").
    fn consequences_of(self, keep_data_day: Option<f64>, many: bool) -> Vec<String> {
        let say = |one: &str, several: &str| if many { several } else { one }.to_string();
        let lines: &[&str] = match self {
            Action::Start => {
                return vec![
                    "GPU billing starts again once it is running.".into(),
                    say(
                        "Starting is not guaranteed: if its GPU has been taken meanwhile, it stays stopped.",
                        "Starting each is not guaranteed: an instance whose GPU has been taken meanwhile stays stopped.",
                    ),
                ]
            }
            Action::Stop => {
                return vec![
                    "GPU billing stops.".into(),
                    kept_after_stop(keep_data_day, many),
                    say(
                        "Volume storage is still billed while it is stopped.",
                        "Volume storage is still billed while they are stopped.",
                    ),
                    say(
                        "Starting it again later is not guaranteed: its GPU may be taken by someone else meanwhile.",
                        "Starting them again later is not guaranteed: a GPU may be taken by someone else meanwhile.",
                    ),
                ]
            }
            Action::Restart => &[
                "Running work is interrupted: every process in it stops and starts again, and whatever is only in memory is lost.",
                "GPU billing continues.",
            ],
            Action::Delete => &[
                "This cannot be undone.",
                "The instance and the local data on its disk are lost for good.",
                "Billing for it stops.",
            ],
        };
        lines.iter().map(|l| (*l).to_string()).collect()
    }

    /// The confirm button's words.
    pub fn confirm_label(self) -> &'static str {
        match self {
            Action::Start => "Start instance",
            Action::Stop => "Stop instance",
            Action::Restart => "Restart instance",
            Action::Delete => "Delete instance",
        }
    }
}

/// `{"instanceId": "<id>"}`, the body of every action call.
pub fn request_body(instance_id: &str) -> String {
    let mut body = String::from("{\"instanceId\":\"");
    for c in instance_id.trim().chars() {
        match c {
            '"' => body.push_str("\\\""),
            '\\' => body.push_str("\\\\"),
            c if u32::from(c) < 0x20 => body.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => body.push(c),
        }
    }
    body.push_str("\"}");
    body
}

/// A status inside a sentence: "running", "pending stop", "in an unknown state (pending)".
fn status_words(status: &Status) -> String {
    match status {
        Status::Unknown(raw) if raw.trim().is_empty() => "not reporting a status".into(),
        Status::Unknown(raw) => format!("in an unknown state ({raw})"),
        known => known.label().to_ascii_lowercase(),
    }
}

fn kept_after_stop(keep_data_day: Option<f64>, many: bool) -> String {
    let (disk, stops) = if many {
        ("Local data on each one's disk", "after it is stopped")
    } else {
        ("Local data on its disk", "after it stops")
    };
    let end = format!("{stops}, then deleted: copy what you need to a volume first.");
    match keep_data_day.filter(|d| d.is_finite() && *d >= 0.0) {
        None => {
            format!("{disk} is kept only for a limited time (Novita says at most 7 days) {end}")
        }
        Some(0.0) => format!("{disk} is not kept {stops}: copy what you need to a volume first."),
        Some(1.0) => format!("{disk} is kept for 1 day {end}"),
        Some(d) => format!("{disk} is kept for {} days {end}", number(d)),
    }
}

/// One instance an action is for, as it was when the operator asked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Target {
    pub id: String,
    /// As the API sent it; may be empty.
    pub name: String,
    /// The status when asked: the action has "moved" the instance once it shows another.
    pub status: Status,
    pub keep_data_day: Option<f64>,
}

impl Target {
    pub fn of(instance: &Instance) -> Target {
        Target {
            id: instance.id.clone(),
            name: instance.name.clone(),
            status: instance.status.clone(),
            keep_data_day: instance.keep_data_day,
        }
    }

    /// What the operator must type to delete it: its name, or its ID when it has none.
    pub fn delete_phrase(&self) -> &str {
        match self.name.trim() {
            "" => self.id.trim(),
            name => name,
        }
    }

    /// Whether `typed` is the delete phrase, character for character (spaces around it do
    /// not count, case does).
    pub fn typed_matches(&self, typed: &str) -> bool {
        !self.delete_phrase().is_empty() && typed.trim() == self.delete_phrase()
    }

    /// The words above the delete dialog's input; the page shows [`Target::delete_phrase`]
    /// after them, set apart, so no punctuation can be taken for part of it.
    pub fn delete_prompt(&self) -> &'static str {
        if self.name.trim().is_empty() {
            "This instance has no name: type its ID to confirm:"
        } else {
            "Type the instance's name to confirm:"
        }
    }
}

/// The confirmation's heading: "Stop llama-a100?", "Stop 3 instances?".
pub fn confirm_title(action: Action, targets: &[Target]) -> String {
    match targets {
        [one] => format!("{} {}?", action.label(), one.delete_phrase()),
        many => format!("{} {} instances?", action.label(), many.len()),
    }
}

/// What the confirmation says the action will do to `targets`: Stop names the days local
/// data is kept when every target says the same.
pub fn consequences_for(action: Action, targets: &[Target]) -> Vec<String> {
    let first = targets.first().and_then(|t| t.keep_data_day);
    let same = targets.iter().all(|t| t.keep_data_day == first);
    action.consequences_of(if same { first } else { None }, targets.len() > 1)
}

/// Why a bulk confirmation leaves out an instance in `status` (`locked`: an action on it is
/// queued, on its way, or being followed); `None` when `action` applies to it.
pub fn skip_reason(action: Action, status: &Status, locked: bool) -> Option<String> {
    if locked {
        return Some("Another action on it is under way.".into());
    }
    action.unavailable(status)
}

/// Why the fleet's bulk button for `action` is off, in words, when none of the `selected`
/// rows allows it (`allowed` of them do); `None` when some do.
pub fn bulk_unavailable(action: Action, selected: usize, allowed: usize) -> Option<String> {
    if allowed > 0 {
        return None;
    }
    let (done, needs) = match action {
        Action::Start => ("started", "stopped"),
        _ => ("stopped", "running"),
    };
    Some(match selected {
        0 => format!("Select instances in the table to {} them.", action.as_str()),
        1 => format!("The selected instance cannot be {done}: only a {needs} instance can, and not while another action on it is under way."),
        n => format!("None of the {n} selected can be {done}: only a {needs} instance can, and not while another action on it is under way."),
    })
}

/// An action the API did not accept: the error (its kind is CONTRACT.md's) and Novita's
/// `reason` (`OPERATION_LIMIT`, ...), shown with its message.
#[derive(Clone, Debug, PartialEq)]
pub struct ActionFailure {
    pub error: ApiError,
    pub reason: Option<String>,
}

impl ActionFailure {
    /// Reads a non-2xx answer to an action.
    pub fn read(status: u16, body: &str, retry_after: Option<&str>) -> ActionFailure {
        let reason = serde_json::from_str::<serde_json::Value>(body.trim())
            .ok()
            .and_then(|v| {
                v.get("reason")
                    .and_then(serde_json::Value::as_str)
                    .map(str::trim)
                    .filter(|r| !r.is_empty() && r.len() <= 80)
                    .map(str::to_string)
            });
        ActionFailure {
            error: classify_failure(status, body, retry_after),
            reason,
        }
    }

    /// An error that never reached the API's answer (timeout, network).
    pub fn without_answer(error: ApiError) -> ActionFailure {
        ActionFailure {
            error,
            reason: None,
        }
    }

    /// Whether no one can say if the action was applied: no answer came (timeout, dropped
    /// connection), or a gateway or server error came instead of the API's verdict.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self.error,
            ApiError::Timeout { .. }
                | ApiError::Network
                | ApiError::Server { .. }
                | ApiError::BadRequest { status: 408, .. }
        )
    }

    /// "The API said: “message” (REASON).", when it said anything.
    fn said(&self) -> String {
        let detail = self.error.detail();
        match (detail, self.reason.as_deref()) {
            (Some(d), Some(r)) if d != r => format!(" The API said: “{d}” ({r})."),
            (Some(d), _) => format!(" The API said: “{d}”."),
            (None, Some(r)) => format!(" The API said: {r}."),
            (None, None) => String::new(),
        }
    }

    /// Why a refused action was refused, and what to do.
    fn refused_words(&self) -> String {
        let e = &self.error;
        let what = match e {
            ApiError::Unauthorized { .. } => "the API did not accept the API key (401)".into(),
            ApiError::Forbidden { .. } => "this API key may not manage this instance (403)".into(),
            ApiError::NotFound { .. } => "the API does not know this instance".into(),
            ApiError::RateLimited { .. } => {
                "too many requests: the API is rate limiting (429)".into()
            }
            ApiError::Input { .. } => "it could not be sent".into(),
            ApiError::BadRequest { status, .. } | ApiError::Server { status, .. } => {
                format!("the API refused it ({status})")
            }
            other => other.title(),
        };
        let advice = match (e, self.reason.as_deref()) {
            (_, Some("OPERATION_LIMIT")) => {
                "Its status does not allow that right now; the instance has been checked again."
                    .into()
            }
            (ApiError::Unauthorized { .. } | ApiError::RateLimited { .. }, _) => {
                format!("Nothing was done. {}", e.advice(""))
            }
            (ApiError::Forbidden { .. }, _) => {
                "Nothing was done. Use a key of the account that owns the instance.".into()
            }
            (ApiError::NotFound { .. }, _) => "It may have been deleted already.".into(),
            _ => "Nothing was done.".into(),
        };
        format!("{what}.{} {advice}", self.said())
    }

    /// How an unknown outcome came about.
    fn unknown_words(&self) -> String {
        match &self.error {
            ApiError::Timeout { after_secs } => {
                format!("no answer came within {after_secs} seconds")
            }
            ApiError::Network => "the connection failed before an answer came".into(),
            e => format!("an error came instead of an answer: {e}"),
        }
    }
}

/// Where a sent action stands: the `data-state` of CONTRACT.md's `action-status`.
#[derive(Clone, Debug, PartialEq)]
pub enum Sent {
    /// Confirmed, waiting for a free slot (bulk actions send a few at a time).
    Queued,
    Sending,
    /// The API answered 2xx.
    Accepted,
    /// The API refused it: nothing was done.
    Failed(ActionFailure),
    /// No one knows whether it was applied; the instance's status will tell.
    Unknown(ActionFailure),
}

/// How the instance has followed an accepted (or unknown) action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Still in the status it was in when asked.
    Waiting,
    /// On its way.
    Moving,
    /// In the action's target status.
    Reached,
    /// Settled in another status than the target (a start that did not take).
    Elsewhere,
    /// Not moved in two minutes.
    Stuck,
}

impl Progress {
    /// The `data-progress` value of `action-status`.
    pub fn as_str(self) -> &'static str {
        match self {
            Progress::Waiting => "waiting",
            Progress::Moving => "moving",
            Progress::Reached => "reached",
            Progress::Elsewhere => "elsewhere",
            Progress::Stuck => "stuck",
        }
    }
}

/// One action on one instance, from the confirmation to its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub action: Action,
    pub target: Target,
    pub sent: Sent,
    /// When the request left (ms since the epoch; 0 while queued).
    pub sent_at_ms: f64,
    /// The latest status seen since the confirmation.
    pub now: Status,
    /// Whether any status other than the one at confirmation has been seen.
    pub moved: bool,
    /// Two minutes passed with no movement.
    pub stuck: bool,
    /// When it reached the target or settled elsewhere (ms; 0 before).
    pub settled_at_ms: f64,
}

impl Run {
    pub fn new(action: Action, target: Target) -> Run {
        Run {
            action,
            now: target.status.clone(),
            target,
            sent: Sent::Queued,
            sent_at_ms: 0.0,
            moved: false,
            stuck: false,
            settled_at_ms: 0.0,
        }
    }

    pub fn id(&self) -> &str {
        &self.target.id
    }

    pub fn sending(&mut self, now_ms: f64) {
        self.sent = Sent::Sending;
        self.sent_at_ms = now_ms;
    }

    /// The API's answer (or its absence) came back.
    pub fn answered(&mut self, outcome: Result<(), ActionFailure>) {
        self.sent = match outcome {
            Ok(()) => Sent::Accepted,
            Err(f) if f.outcome_unknown() => Sent::Unknown(f),
            Err(f) => Sent::Failed(f),
        };
    }

    /// A fresh status of the instance; `true` when the run changed. Ignored once the target
    /// is reached (what came later is another story) and for a refused action.
    pub fn saw(&mut self, status: &Status, now_ms: f64) -> bool {
        if matches!(self.sent, Sent::Failed(_)) || self.progress() == Progress::Reached {
            return false;
        }
        if *status == self.now {
            return false;
        }
        let settled_before = self.is_settled();
        self.now = status.clone();
        self.moved |= *status != self.target.status;
        if self.is_settled() && !settled_before {
            self.settled_at_ms = now_ms;
        }
        true
    }

    /// The API no longer knows the instance (404 after a delete): it has been removed.
    pub fn gone(&mut self, now_ms: f64) -> bool {
        self.saw(&Status::Removed, now_ms)
    }

    /// The two minutes after sending are over: `true` when that makes it stuck.
    pub fn two_minutes_passed(&mut self) -> bool {
        let stuck = !self.moved && self.is_following();
        self.stuck |= stuck;
        stuck
    }

    fn is_settled(&self) -> bool {
        matches!(self.progress(), Progress::Reached | Progress::Elsewhere)
    }

    pub fn progress(&self) -> Progress {
        if self.moved && self.now == self.action.target() {
            Progress::Reached
        } else if self.moved && !self.now.is_in_progress() {
            Progress::Elsewhere
        } else if self.moved {
            Progress::Moving
        } else if self.stuck {
            Progress::Stuck
        } else {
            Progress::Waiting
        }
    }

    /// Sent and not refused: its status is being followed.
    pub fn is_following(&self) -> bool {
        matches!(self.sent, Sent::Accepted | Sent::Unknown(_))
    }

    /// Whether the instance should be refreshed at the in-progress rate for it: accepted (or
    /// unknown) and neither settled nor stuck.
    pub fn wants_fast_refresh(&self) -> bool {
        self.is_following() && matches!(self.progress(), Progress::Waiting | Progress::Moving)
    }

    /// Whether no other action may be asked for on this instance meanwhile.
    pub fn holds_lock(&self) -> bool {
        matches!(self.sent, Sent::Queued | Sent::Sending) || self.wants_fast_refresh()
    }

    /// The `data-state` value.
    pub fn state_str(&self) -> &'static str {
        match self.sent {
            Sent::Queued => "queued",
            Sent::Sending => "sending",
            Sent::Accepted => "accepted",
            Sent::Failed(_) => "failed",
            Sent::Unknown(_) => "unknown",
        }
    }

    /// The error's kind, for a refused or unknown action.
    pub fn failure(&self) -> Option<&ActionFailure> {
        match &self.sent {
            Sent::Failed(f) | Sent::Unknown(f) => Some(f),
            _ => None,
        }
    }

    /// Why another action cannot be asked for now, in words.
    pub fn lock_reason(&self, time: &dyn Fn(f64) -> String) -> String {
        match self.sent {
            Sent::Queued | Sent::Sending => {
                format!("Wait: a {} is being sent.", self.action.as_str())
            }
            _ => format!(
                "Wait: a {} was requested at {} and the instance has not finished it.",
                self.action.as_str(),
                time(self.sent_at_ms)
            ),
        }
    }

    /// The outcome line: what was done, when, and where the instance stands. `time` turns ms
    /// since the epoch into a time of day.
    pub fn words(&self, time: &dyn Fn(f64) -> String) -> String {
        let action = self.action.label();
        let at = time(self.sent_at_ms);
        match &self.sent {
            Sent::Queued => format!("{action}: waiting to be sent."),
            Sent::Sending => format!("{action}: sending…"),
            Sent::Failed(f) => format!("{action} refused at {at}: {}", f.refused_words()),
            Sent::Accepted => format!("{action} requested at {at}. {}", self.follow_words(time)),
            Sent::Unknown(f) => format!(
                "{action} sent at {at}, but {}: it may or may not have been applied. It was not sent again. {}",
                f.unknown_words(),
                self.follow_words(time)
            ),
        }
    }

    fn follow_words(&self, time: &dyn Fn(f64) -> String) -> String {
        let now = self.now.label();
        let target = self.action.target().label();
        match self.progress() {
            Progress::Waiting => format!("Waiting for the instance to move (now {now})."),
            Progress::Moving => format!("Now {now}."),
            Progress::Reached => format!("Done: {target} at {}.", time(self.settled_at_ms)),
            Progress::Elsewhere => format!(
                "The instance is now {now}, not {target}: the {} may not have worked.",
                self.action.as_str()
            ),
            Progress::Stuck if self.action == Action::Restart => format!(
                "No restart seen in two minutes (still {now}): it may have restarted between two checks, or not at all. Its logs will tell."
            ),
            Progress::Stuck => format!(
                "The instance has not moved in two minutes (still {now}). Check it in the Novita console before trying again."
            ),
        }
    }
}
