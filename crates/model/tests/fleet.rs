//! The fleet screen's rules: summary by tone, search and tone filter, sorting with what needs
//! attention first, the attention count, the expiry column, and status changes announced once.

use std::sync::Arc;

use instance_model::fleet::{
    count_by_tone, expiry_cell, headline, needs_attention, notice, tone_from_str, tone_word,
    Change, Column, Filter, LastSeen, Sort, SUMMARY_TONES,
};
use instance_model::list::{ListItem, Page};
use instance_model::{Status, Tone};
use serde_json::{json, Value};

fn mixed() -> Vec<Arc<ListItem>> {
    let path = format!(
        "{}/../../tests/fixtures/fleet.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let records: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("fleet.json")).expect("JSON");
    let body = json!({ "instances": records }).to_string();
    Page::read(&body)
        .expect("a page")
        .items
        .into_iter()
        .map(Arc::new)
        .collect()
}

fn items(entries: Value) -> Vec<Arc<ListItem>> {
    let body = json!({ "instances": entries }).to_string();
    Page::read(&body)
        .expect("a page")
        .items
        .into_iter()
        .map(Arc::new)
        .collect()
}

fn names(items: &[Arc<ListItem>]) -> Vec<&str> {
    items.iter().map(|i| i.instance.name.as_str()).collect()
}

#[test]
fn the_summary_counts_each_tone_in_the_order_it_names_them() {
    let counts = count_by_tone(&mixed());
    // running 6 (a spot and the hostile one among them), in progress 5, failed 2 (an exited
    // instance and an unknown status, both with a statusError), stopped 3.
    assert_eq!(counts, [6, 5, 2, 3, 0]);
    let words: Vec<&str> = SUMMARY_TONES.iter().map(|t| tone_word(*t)).collect();
    assert_eq!(
        words,
        ["running", "in progress", "failed", "stopped", "unknown"]
    );
}

#[test]
fn tones_are_read_from_the_address_by_their_data_tone_value() {
    assert_eq!(tone_from_str("error"), Some(Tone::Error));
    assert_eq!(tone_from_str(" ok "), Some(Tone::Ok));
    assert_eq!(tone_from_str("progress"), Some(Tone::Progress));
    assert_eq!(tone_from_str("Error"), None);
    assert_eq!(tone_from_str("idle"), None);
    assert_eq!(tone_from_str(""), None);
}

#[test]
fn search_matches_name_id_product_or_cluster_in_any_case() {
    let all = mixed();
    let kept = |query: &str, tone: Option<Tone>| {
        let filter = Filter::new(query, tone);
        all.iter()
            .filter(|i| filter.keeps(i))
            .map(|i| i.instance.name.clone())
            .collect::<Vec<String>>()
    };
    assert_eq!(kept("SPOT-eval", None), ["spot-eval-a", "spot-eval-b"]);
    assert_eq!(
        kept("  b2d5f8a1  ", None),
        ["notebook-friday"],
        "by ID, trimmed"
    );
    assert_eq!(
        kept("l40s", None),
        ["comfyui-pull", "mystery-box"],
        "by product"
    );
    assert_eq!(kept("frankfurt", None).len(), 4, "by cluster name");
    assert_eq!(kept("eu-de-1", None).len(), 4, "by cluster ID");
    assert!(
        kept("ghcr.io", None).is_empty(),
        "the image is not searched"
    );
    assert!(kept("no such thing", None).is_empty());
    assert_eq!(kept("", None).len(), 16);
    assert_eq!(
        kept("", Some(Tone::Error)),
        ["train-broken-image", "mystery-box"]
    );
    assert_eq!(kept("mystery", Some(Tone::Error)), ["mystery-box"]);
    assert!(kept("mystery", Some(Tone::Ok)).is_empty(), "both must hold");
}

#[test]
fn the_default_order_puts_what_needs_attention_first() {
    let mut all = mixed();
    Sort::default().apply(&mut all);
    let tones: Vec<Tone> = all.iter().map(|i| i.instance.tone()).collect();
    let first_of = |t: Tone| tones.iter().position(|x| *x == t).expect("present");
    let last_of = |t: Tone| tones.iter().rposition(|x| *x == t).expect("present");
    assert!(last_of(Tone::Error) < first_of(Tone::Progress));
    assert!(last_of(Tone::Progress) < first_of(Tone::Stopped));
    assert!(last_of(Tone::Stopped) < first_of(Tone::Ok));
    assert_eq!(
        names(&all[..2]),
        ["mystery-box", "train-broken-image"],
        "failed, by name"
    );
    // Among the running, spot instances about to be reclaimed come first.
    let running: Vec<&str> = all[10..].iter().map(|i| i.instance.name.as_str()).collect();
    assert_eq!(&running[..2], ["spot-eval-a", "spot-eval-b"]);
}

#[test]
fn unknown_statuses_sort_after_progress_and_before_stopped() {
    let mut list = items(json!([
        { "id": "1", "name": "run", "status": "running" },
        { "id": "2", "name": "stop", "status": "exited" },
        { "id": "3", "name": "odd", "status": "hibernating" },
        { "id": "4", "name": "go", "status": "starting" },
        { "id": "5", "name": "bad", "status": "exited", "statusError": { "state": "x" } },
    ]));
    Sort::default().apply(&mut list);
    assert_eq!(names(&list), ["bad", "go", "odd", "stop", "run"]);
    Sort::default().pressed(Column::Status).apply(&mut list);
    assert_eq!(names(&list), ["run", "stop", "odd", "go", "bad"]);
}

#[test]
fn pressing_a_heading_sorts_by_it_and_pressing_again_turns_it_round() {
    let sort = Sort::default();
    assert_eq!(sort.aria(Column::Status), "ascending");
    assert_eq!(sort.aria(Column::Name), "none");
    let by_name = sort.pressed(Column::Name);
    assert_eq!(
        by_name,
        Sort {
            column: Column::Name,
            descending: false
        }
    );
    let reversed = by_name.pressed(Column::Name);
    assert_eq!(reversed.aria(Column::Name), "descending");
    assert_eq!(
        reversed.pressed(Column::Name).aria(Column::Name),
        "ascending"
    );
    assert_eq!(
        reversed.pressed(Column::Image),
        Sort {
            column: Column::Image,
            descending: false
        }
    );
    let labels: Vec<&str> = Column::ALL.iter().map(|c| c.label()).collect();
    assert_eq!(
        labels,
        ["Name", "Status", "GPUs", "Cluster", "Billing", "Image", "Expires"]
    );
    let values: Vec<&str> = Column::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        values,
        ["name", "status", "gpus", "cluster", "billing", "image", "expiry"]
    );
}

#[test]
fn each_column_sorts_by_what_it_shows() {
    let mut list = items(json!([
        { "id": "c", "name": "Charlie", "productName": "L40S", "gpuNum": "1", "clusterName": "b-zone", "billingMode": "spot", "imageUrl": "z:1", "endTime": "-1" },
        { "id": "a", "name": "alpha", "productName": "A100", "gpuNum": "8", "clusterName": "C-zone", "billingMode": "onDemand", "imageUrl": "a:1", "endTime": "1800000000" },
        { "id": "b", "name": "Bravo", "productName": "A100", "gpuNum": "2", "clusterName": "a-zone", "billingMode": "monthly", "imageUrl": "m:1", "endTime": "1700000000" },
        { "id": "d", "name": "delta", "productName": "", "gpuNum": "", "clusterName": "", "billingMode": "", "imageUrl": "", "endTime": "" },
    ]));
    let order = |column: Column, list: &mut Vec<Arc<ListItem>>| {
        Sort {
            column,
            descending: false,
        }
        .apply(list);
        names(list).join(" ")
    };
    assert_eq!(
        order(Column::Name, &mut list),
        "alpha Bravo Charlie delta",
        "any case"
    );
    assert_eq!(
        order(Column::Gpus, &mut list),
        "Bravo alpha Charlie delta",
        "product, then count; none last"
    );
    assert_eq!(
        order(Column::Cluster, &mut list),
        "Bravo Charlie alpha delta"
    );
    assert_eq!(
        order(Column::Billing, &mut list),
        "alpha Charlie Bravo delta"
    );
    assert_eq!(order(Column::Image, &mut list), "alpha Bravo Charlie delta");
    assert_eq!(
        order(Column::Expiry, &mut list),
        "Bravo alpha Charlie delta",
        "soonest, then never, then unknown"
    );
    Sort {
        column: Column::Expiry,
        descending: true,
    }
    .apply(&mut list);
    assert_eq!(names(&list).join(" "), "delta Charlie alpha Bravo");
}

#[test]
fn ties_go_by_name_then_id_whatever_order_the_server_sent() {
    let mut one = items(json!([
        { "id": "2", "name": "same", "status": "running" },
        { "id": "1", "name": "same", "status": "running" },
    ]));
    let mut other = one.clone();
    other.reverse();
    Sort::default().apply(&mut one);
    Sort::default().apply(&mut other);
    let ids = |l: &[Arc<ListItem>]| l.iter().map(|i| i.id().to_string()).collect::<Vec<_>>();
    assert_eq!(ids(&one), ["1", "2"]);
    assert_eq!(ids(&one), ids(&other));
}

#[test]
fn failed_unknown_and_spot_reclaims_need_attention() {
    let all = mixed();
    let needing: Vec<&str> = all
        .iter()
        .filter(|i| needs_attention(i))
        .map(|i| i.instance.name.as_str())
        .collect();
    assert_eq!(
        needing,
        [
            "train-broken-image",
            "mystery-box",
            "spot-eval-a",
            "spot-eval-b"
        ]
    );
    let unknown = items(json!([{ "id": "u", "status": "hibernating" }]));
    assert!(needs_attention(&unknown[0]));
}

#[test]
fn the_tab_title_says_how_many_need_attention_when_any_do() {
    assert_eq!(
        headline(&mixed()),
        (
            "4 need attention".to_string(),
            "16 instances".to_string(),
            Tone::Error
        )
    );
    let calm =
        items(json!([{ "id": "a", "status": "running" }, { "id": "b", "status": "pulling" }]));
    assert_eq!(
        headline(&calm),
        ("Fleet".into(), "2 instances".into(), Tone::Progress)
    );
    assert_eq!(
        headline(&calm[..1]),
        ("Fleet".into(), "1 instance".into(), Tone::Ok)
    );
    assert_eq!(
        headline(&[]),
        ("Fleet".into(), "0 instances".into(), Tone::Stopped)
    );
}

#[test]
fn the_expiry_column_is_short_with_the_full_date_in_reserve() {
    let now = 1_800_000_000;
    assert_eq!(
        expiry_cell("-1", now),
        ("no expiry".into(), "Pay as you go: no expiry".into())
    );
    assert_eq!(expiry_cell("", now), ("—".into(), "Not reported".into()));
    assert_eq!(
        expiry_cell("soon", now),
        ("unreadable".into(), "Unreadable: soon".into())
    );
    assert_eq!(expiry_cell("1803024000", now).0, "in 35 days");
    assert_eq!(expiry_cell("1800086400", now).0, "in 1 day");
    assert_eq!(expiry_cell("1800003600", now).0, "today");
    assert_eq!(expiry_cell("1799996400", now).0, "expired today");
    let (short, full) = expiry_cell("1799395200", now);
    assert_eq!(short, "expired 7 days ago");
    assert_eq!(full, "2027-01-08 08:00 UTC");
}

#[test]
fn a_status_change_is_reported_once_and_a_first_sighting_never() {
    let mut seen = LastSeen::default();
    let running = Status::from_api("running");
    let stopping = Status::from_api("stopping");
    assert_eq!(seen.observe("a", "box", &running), None, "first sighting");
    assert_eq!(seen.observe("a", "box", &running), None, "no change");
    assert_eq!(
        seen.observe("a", "box", &stopping),
        Some(Change {
            name: "box".into(),
            from: running.clone(),
            to: stopping.clone()
        })
    );
    assert_eq!(seen.observe("a", "box", &stopping), None, "said once");
    assert_eq!(
        seen.observe("b", "other", &stopping),
        None,
        "another instance's first sighting"
    );
}

#[test]
fn one_change_names_the_instance_and_many_are_summed_up() {
    let change = |name: &str, from: &str, to: &str| Change {
        name: name.into(),
        from: Status::from_api(from),
        to: Status::from_api(to),
    };
    assert_eq!(notice(&[]), None);
    assert_eq!(
        notice(&[change("box", "running", "stopping")]),
        Some(("box".into(), "running → stopping".into()))
    );
    assert_eq!(
        notice(&[change("a", "", "running"), change("b", "exited", "weird")]),
        Some((
            "2 status changes".into(),
            "a: unknown → running; b: exited → weird".into()
        ))
    );
    let five: Vec<Change> = (0..5)
        .map(|i| change(&format!("n{i}"), "starting", "running"))
        .collect();
    assert_eq!(
        notice(&five).map(|(_, body)| body),
        Some(
            "n0: starting → running; n1: starting → running; n2: starting → running; and 2 more"
                .into()
        )
    );
}

#[test]
fn a_thousand_rows_sort_completely_and_stably() {
    // Names in a scrambled order, ten of each, IDs telling the ten apart.
    let entries: Vec<Value> = (0..1000u32)
        .map(|i| {
            let name = format!("n{:03}", (i * 7919) % 100);
            json!({ "id": format!("{i:04}"), "name": name, "status": "running" })
        })
        .collect();
    let mut list = items(Value::Array(entries));
    Sort {
        column: Column::Name,
        descending: false,
    }
    .apply(&mut list);
    assert_eq!(list.len(), 1000, "nothing lost");
    let keys: Vec<(String, String)> = list
        .iter()
        .map(|i| (i.instance.name.clone(), i.id().to_string()))
        .collect();
    let mut expected = keys.clone();
    expected.sort();
    assert_eq!(keys, expected, "by name, then by ID");
}
