//! Actions as pure rules: what each status allows and why not, the call, the confirmation's
//! words, reading refusals and unknown outcomes, and one run followed to its end.

use instance_model::actions::{
    bulk_unavailable, confirm_title, consequences_for, request_body, skip_reason, Action,
    ActionFailure, Progress, Run, Sent, Target,
};
use instance_model::settings::parse_config;
use instance_model::{ApiError, ErrorKind, Instance, Status};

fn target(id: &str, name: &str, status: Status) -> Target {
    Target {
        id: id.into(),
        name: name.into(),
        status,
        keep_data_day: None,
    }
}

/// Times of day in the words: "t+<seconds since the test's epoch>".
fn time(ms: f64) -> String {
    format!("t+{}", (ms / 1000.0) as i64)
}

fn accepted(action: Action, from: Status) -> Run {
    let mut run = Run::new(action, target("abc", "box", from));
    run.sending(1_000.0);
    run.answered(Ok(()));
    run
}

#[test]
fn each_action_is_offered_only_where_the_api_allows_it() {
    let allowed = |a: Action, s: &Status| a.unavailable(s).is_none();
    for status in Status::DOCUMENTED {
        assert_eq!(
            allowed(Action::Start, &status),
            status == Status::Exited,
            "{status:?}"
        );
        assert_eq!(
            allowed(Action::Stop, &status),
            status == Status::Running,
            "{status:?}"
        );
        assert_eq!(
            allowed(Action::Restart, &status),
            status == Status::Running,
            "{status:?}"
        );
        assert_eq!(
            allowed(Action::Delete, &status),
            !matches!(
                status,
                Status::ToRemove | Status::Removing | Status::Removed
            ),
            "{status:?}"
        );
    }
    // An undocumented status allows only Delete, and says why the rest are off.
    let odd = Status::from_api("pending");
    assert!(allowed(Action::Delete, &odd));
    assert_eq!(
        Action::Start.unavailable(&odd).as_deref(),
        Some("Only a stopped instance can be started; this one is in an unknown state (pending).")
    );
    assert_eq!(
        Action::Stop.unavailable(&Status::default()).as_deref(),
        Some("Only a running instance can be stopped; this one is not reporting a status.")
    );
}

#[test]
fn reasons_name_the_status_in_words() {
    assert_eq!(
        Action::Start.unavailable(&Status::Running).as_deref(),
        Some("Only a stopped instance can be started; this one is running.")
    );
    assert_eq!(
        Action::Restart.unavailable(&Status::ToStop).as_deref(),
        Some("Only a running instance can be restarted; this one is pending stop.")
    );
    assert_eq!(
        Action::Stop.unavailable(&Status::Exited).as_deref(),
        Some("Only a running instance can be stopped; this one is stopped.")
    );
    assert_eq!(
        Action::Delete.unavailable(&Status::Removing).as_deref(),
        Some("It is already being deleted.")
    );
    assert_eq!(
        Action::Delete.unavailable(&Status::Removed).as_deref(),
        Some("It has already been deleted.")
    );
}

#[test]
fn the_call_is_a_post_path_per_action_with_the_id_as_json() {
    assert_eq!(
        Action::Stop.url("https://api.novita.ai/"),
        "https://api.novita.ai/gpu-instance/openapi/v1/gpu/instance/stop"
    );
    assert_eq!(
        Action::Restart.url(""),
        "/gpu-instance/openapi/v1/gpu/instance/restart"
    );
    let paths: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(paths, ["start", "stop", "restart", "delete"]);
    assert_eq!(
        request_body(" 931a88075c4392b9 "),
        r#"{"instanceId":"931a88075c4392b9"}"#
    );
    // Whatever was typed as an ID stays one JSON string.
    let hostile = "a\"b\\c\nd";
    let body = request_body(hostile);
    let parsed: serde_json::Value = serde_json::from_str(&body).expect("valid JSON");
    assert_eq!(parsed["instanceId"], hostile);
    assert_eq!(parsed.as_object().map(|o| o.len()), Some(1));
}

#[test]
fn targets_reach_their_status() {
    assert_eq!(Action::Start.target(), Status::Running);
    assert_eq!(Action::Stop.target(), Status::Exited);
    assert_eq!(Action::Restart.target(), Status::Running);
    assert_eq!(Action::Delete.target(), Status::Removed);
}

#[test]
fn stop_says_what_it_costs_with_the_instances_keep_data_days() {
    let lines = Action::Stop.consequences(Some(3.0));
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "GPU billing stops.");
    assert!(
        lines[1].contains("kept for 3 days after it stops"),
        "{}",
        lines[1]
    );
    assert!(lines[2].contains("Volume storage is still billed"));
    assert!(lines[3].contains("not guaranteed"));
    assert!(Action::Stop.consequences(Some(1.0))[1].contains("kept for 1 day after"));
    assert!(Action::Stop.consequences(Some(0.0))[1].contains("not kept after it stops"));
    let unknown = &Action::Stop.consequences(None)[1];
    assert!(unknown.contains("limited time") && unknown.contains("7 days"));
    // A nonsense value is "not reported", never a negative number of days.
    assert_eq!(Action::Stop.consequences(Some(-1.0))[1], *unknown);
    assert!(Action::Restart.consequences(None)[0].contains("Running work is interrupted"));
    let delete = Action::Delete.consequences(Some(3.0)).join(" ");
    assert!(delete.contains("cannot be undone") && delete.contains("lost"));
}

#[test]
fn the_confirmation_names_one_instance_or_counts_many() {
    let a = target("id-a", "llama", Status::Running);
    let b = target("id-b", "", Status::Running);
    assert_eq!(
        confirm_title(Action::Stop, std::slice::from_ref(&a)),
        "Stop llama?"
    );
    assert_eq!(
        confirm_title(Action::Stop, std::slice::from_ref(&b)),
        "Stop id-b?"
    );
    assert_eq!(
        confirm_title(Action::Start, &[a.clone(), b.clone()]),
        "Start 2 instances?"
    );
    // Keep-data days are named only when every target agrees.
    let mut a3 = a.clone();
    a3.keep_data_day = Some(3.0);
    let mut b5 = b.clone();
    b5.keep_data_day = Some(5.0);
    assert!(consequences_for(Action::Stop, std::slice::from_ref(&a3))[1].contains("3 days"));
    assert!(consequences_for(Action::Stop, &[a3.clone(), a3.clone()])[1].contains("3 days"));
    assert!(consequences_for(Action::Stop, &[a3.clone(), b5.clone()])[1].contains("limited time"));
    // Said of each instance when there are several, of "it" when there is one.
    let one = consequences_for(Action::Stop, std::slice::from_ref(&a3)).join(" ");
    assert!(
        one.contains("on its disk") && one.contains("its GPU may be taken"),
        "{one}"
    );
    let many = consequences_for(Action::Stop, &[a3.clone(), b5.clone()]).join(" ");
    assert!(
        !many.contains(" its ") && !many.contains(" it is stopped."),
        "{many}"
    );
    assert!(
        many.contains("on each one's disk") && many.contains("while they are stopped"),
        "{many}"
    );
    assert!(
        many.contains("Starting them again later is not guaranteed: a GPU may be taken"),
        "{many}"
    );
    let start = consequences_for(Action::Start, &[a3, b5]).join(" ");
    assert!(
        start.contains("an instance whose GPU has been taken meanwhile stays stopped"),
        "{start}"
    );
}

#[test]
fn delete_needs_the_name_typed_exactly_or_the_id_when_there_is_no_name() {
    let named = target("id-1", "train-a100", Status::Running);
    assert!(!named.typed_matches(""));
    assert!(!named.typed_matches("train-a10"));
    assert!(!named.typed_matches("Train-A100"));
    assert!(!named.typed_matches("id-1"));
    assert!(named.typed_matches("train-a100"));
    assert!(
        named.typed_matches(" train-a100 "),
        "spaces around do not count"
    );
    assert_eq!(
        named.delete_prompt(),
        "Type the instance's name to confirm:"
    );
    let unnamed = target("id-2", "  ", Status::Exited);
    assert_eq!(unnamed.delete_phrase(), "id-2");
    assert!(unnamed.typed_matches("id-2"));
    assert!(!unnamed.typed_matches(""));
    assert_eq!(
        unnamed.delete_prompt(),
        "This instance has no name: type its ID to confirm:"
    );
    let nothing = target("", "", Status::Exited);
    assert!(!nothing.typed_matches(""), "an empty phrase never matches");
}

#[test]
fn a_target_is_taken_from_the_instance() {
    let instance =
        Instance::from_json(r#"{"id":"x1","name":"box","status":"running","keepDataDay":7}"#)
            .expect("an instance");
    let t = Target::of(&instance);
    assert_eq!(
        (
            t.id.as_str(),
            t.name.as_str(),
            t.status.clone(),
            t.keep_data_day
        ),
        ("x1", "box", Status::Running, Some(7.0))
    );
}

#[test]
fn a_refusal_keeps_novitas_reason_with_its_message() {
    let f = ActionFailure::read(
        400,
        r#"{"code":400,"reason":"OPERATION_LIMIT","message":"cannot stop an instance whose status is exited"}"#,
        None,
    );
    assert_eq!(f.error.kind(), ErrorKind::BadRequest);
    assert_eq!(f.reason.as_deref(), Some("OPERATION_LIMIT"));
    assert!(!f.outcome_unknown());
    let mut run = Run::new(Action::Stop, target("abc", "box", Status::Running));
    run.sending(60_000.0);
    run.answered(Err(f));
    assert_eq!(run.state_str(), "failed");
    assert_eq!(
        run.words(&time),
        "Stop refused at t+60: the API refused it (400). The API said: “cannot stop an instance whose status is exited” (OPERATION_LIMIT). Its status does not allow that right now; the instance has been checked again."
    );
    assert!(!run.holds_lock(), "a refused action frees the instance");
    assert!(!run.wants_fast_refresh());
}

#[test]
fn key_and_rate_limit_refusals_say_what_to_do() {
    let words = |status, body: &str, retry: Option<&str>| {
        let mut run = Run::new(Action::Start, target("abc", "box", Status::Exited));
        run.sending(0.0);
        run.answered(Err(ActionFailure::read(status, body, retry)));
        assert_eq!(run.state_str(), "failed");
        run.words(&time)
    };
    let unauthorized = words(
        401,
        r#"{"code":401,"reason":"INVALID_API_KEY","message":"invalid api key"}"#,
        None,
    );
    assert!(
        unauthorized.contains("did not accept the API key (401)"),
        "{unauthorized}"
    );
    assert!(
        unauthorized.contains("(INVALID_API_KEY)") && unauthorized.contains("Check the API key")
    );
    let limited = words(429, "", Some("30"));
    assert!(limited.contains("rate limiting (429)"), "{limited}");
    assert!(
        limited.contains("Nothing was done. Wait 30 seconds and try again."),
        "{limited}"
    );
    let html = words(403, "<html>nope</html>", None);
    assert!(
        html.contains("may not manage this instance (403)"),
        "{html}"
    );
    assert!(
        !html.contains("<html>"),
        "an HTML body is not shown: {html}"
    );
}

#[test]
fn no_answer_or_a_gateway_error_is_an_unknown_outcome() {
    for (error, unknown) in [
        (ApiError::Timeout { after_secs: 20 }, true),
        (ApiError::Network, true),
        (ActionFailure::read(504, "", None).error, true),
        (ActionFailure::read(500, "{}", None).error, true),
        (ActionFailure::read(408, "", None).error, true),
        (ActionFailure::read(400, "", None).error, false),
        (ActionFailure::read(404, "", None).error, false),
        (ActionFailure::read(429, "", None).error, false),
    ] {
        assert_eq!(
            ActionFailure::without_answer(error.clone()).outcome_unknown(),
            unknown,
            "{error:?}"
        );
    }
    let mut run = Run::new(Action::Stop, target("abc", "box", Status::Running));
    run.sending(5_000.0);
    run.answered(Err(ActionFailure::without_answer(ApiError::Timeout {
        after_secs: 20,
    })));
    assert_eq!(run.state_str(), "unknown");
    assert_eq!(
        run.words(&time),
        "Stop sent at t+5, but no answer came within 20 seconds: it may or may not have been applied. It was not sent again. Waiting for the instance to move (now Running)."
    );
    assert!(run.holds_lock() && run.wants_fast_refresh());
    // The status then tells.
    run.saw(&Status::Stopping, 9_000.0);
    assert!(run
        .words(&time)
        .ends_with("It was not sent again. Now Stopping."));
}

#[test]
fn an_accepted_stop_follows_the_status_to_its_target() {
    let mut run = accepted(Action::Stop, Status::Running);
    assert_eq!(run.state_str(), "accepted");
    assert_eq!(run.progress(), Progress::Waiting);
    assert_eq!(
        run.words(&time),
        "Stop requested at t+1. Waiting for the instance to move (now Running)."
    );
    assert!(run.holds_lock() && run.wants_fast_refresh());
    assert!(
        !run.saw(&Status::Running, 2_000.0),
        "the same status changes nothing"
    );
    assert!(run.saw(&Status::ToStop, 3_000.0));
    assert_eq!(run.progress(), Progress::Moving);
    assert_eq!(run.words(&time), "Stop requested at t+1. Now Pending stop.");
    assert!(run.saw(&Status::Exited, 7_000.0));
    assert_eq!(run.progress(), Progress::Reached);
    assert_eq!(
        run.words(&time),
        "Stop requested at t+1. Done: Stopped at t+7."
    );
    assert!(!run.holds_lock() && !run.wants_fast_refresh());
    // Later changes are another story.
    assert!(!run.saw(&Status::Starting, 9_000.0));
    assert_eq!(run.progress(), Progress::Reached);
}

#[test]
fn a_restart_counts_only_once_it_has_left_running() {
    let mut run = accepted(Action::Restart, Status::Running);
    assert_eq!(
        run.progress(),
        Progress::Waiting,
        "running is where it started"
    );
    run.saw(&Status::Restarting, 2_000.0);
    run.saw(&Status::Running, 4_000.0);
    assert_eq!(run.progress(), Progress::Reached);

    let mut unseen = accepted(Action::Restart, Status::Running);
    assert!(unseen.two_minutes_passed());
    assert_eq!(unseen.progress(), Progress::Stuck);
    assert!(unseen
        .words(&time)
        .contains("No restart seen in two minutes (still Running)"));
    assert!(
        !unseen.holds_lock(),
        "stuck frees the instance for another try"
    );
    assert!(!unseen.wants_fast_refresh());
}

#[test]
fn two_minutes_without_movement_is_reported_and_movement_after_still_counts() {
    let mut run = accepted(Action::Start, Status::Exited);
    assert!(run.two_minutes_passed());
    assert_eq!(run.progress(), Progress::Stuck);
    assert_eq!(
        run.words(&time),
        "Start requested at t+1. The instance has not moved in two minutes (still Stopped). Check it in the Novita console before trying again."
    );
    run.saw(&Status::Starting, 130_000.0);
    assert_eq!(run.progress(), Progress::Moving);
    run.saw(&Status::Running, 140_000.0);
    assert_eq!(run.progress(), Progress::Reached);

    let mut moving = accepted(Action::Start, Status::Exited);
    moving.saw(&Status::ToStart, 3_000.0);
    assert!(!moving.two_minutes_passed(), "it moved: not stuck");
    assert_eq!(moving.progress(), Progress::Moving);
}

#[test]
fn a_start_that_falls_back_to_stopped_is_reported() {
    let mut run = accepted(Action::Start, Status::Exited);
    run.saw(&Status::Starting, 3_000.0);
    run.saw(&Status::Exited, 9_000.0);
    assert_eq!(run.progress(), Progress::Elsewhere);
    assert_eq!(
        run.words(&time),
        "Start requested at t+1. The instance is now Stopped, not Running: the start may not have worked."
    );
    assert!(!run.holds_lock());
}

#[test]
fn a_deleted_instance_that_the_api_no_longer_knows_has_reached_its_target() {
    let mut run = accepted(Action::Delete, Status::Exited);
    run.saw(&Status::Removing, 2_000.0);
    assert!(run.gone(4_000.0));
    assert_eq!(run.progress(), Progress::Reached);
    assert_eq!(
        run.words(&time),
        "Delete requested at t+1. Done: Deleted at t+4."
    );
}

#[test]
fn queued_and_sending_hold_the_instance() {
    let mut run = Run::new(Action::Stop, target("abc", "box", Status::Running));
    assert_eq!(
        (run.state_str(), run.sent.clone()),
        ("queued", Sent::Queued)
    );
    assert!(run.holds_lock());
    assert_eq!(run.words(&time), "Stop: waiting to be sent.");
    run.sending(0.0);
    assert_eq!(run.state_str(), "sending");
    assert!(run.holds_lock());
    assert_eq!(run.lock_reason(&time), "Wait: a stop is being sent.");
    run.answered(Ok(()));
    assert_eq!(
        run.lock_reason(&time),
        "Wait: a stop was requested at t+0 and the instance has not finished it."
    );
}

#[test]
fn read_only_is_on_for_anything_but_false() {
    let read_only = |text: &str| parse_config(text).map(|c| c.read_only).ok();
    assert_eq!(read_only("{}"), Some(false));
    assert_eq!(read_only(r#"{"readOnly": false}"#), Some(false));
    assert_eq!(read_only(r#"{"readOnly": null}"#), Some(false));
    assert_eq!(read_only(r#"{"readOnly": true}"#), Some(true));
    for meant_off in [r#""yes""#, r#""false""#, "1", "0", "[]", "{}"] {
        assert_eq!(
            read_only(&format!(r#"{{"readOnly": {meant_off}}}"#)),
            Some(true),
            "readOnly: {meant_off}"
        );
    }
}

#[test]
fn a_bulk_action_skips_what_its_status_or_an_action_under_way_forbids_and_says_why() {
    assert_eq!(skip_reason(Action::Stop, &Status::Running, false), None);
    assert_eq!(skip_reason(Action::Start, &Status::Exited, false), None);
    assert_eq!(
        skip_reason(Action::Stop, &Status::Exited, false).as_deref(),
        Some("Only a running instance can be stopped; this one is stopped.")
    );
    assert_eq!(
        skip_reason(Action::Start, &Status::Running, false).as_deref(),
        Some("Only a stopped instance can be started; this one is running.")
    );
    // An action under way is the reason, whatever the status.
    assert_eq!(
        skip_reason(Action::Stop, &Status::Running, true).as_deref(),
        Some("Another action on it is under way.")
    );
}

#[test]
fn a_bulk_button_is_off_only_when_no_selected_row_allows_it_and_says_why() {
    assert_eq!(bulk_unavailable(Action::Stop, 3, 1), None);
    assert_eq!(
        bulk_unavailable(Action::Start, 0, 0).as_deref(),
        Some("Select instances in the table to start them.")
    );
    assert_eq!(
        bulk_unavailable(Action::Stop, 1, 0).as_deref(),
        Some("The selected instance cannot be stopped: only a running instance can, and not while another action on it is under way.")
    );
    assert_eq!(
        bulk_unavailable(Action::Start, 2, 0).as_deref(),
        Some("None of the 2 selected can be started: only a stopped instance can, and not while another action on it is under way.")
    );
}
