//! List Instances: a page read leniently, and the paging rule run against a simulated server in
//! every way a real one might page (first page 0 or 1, a capped page size, `total` honest,
//! a string, missing or wrong, and what a page past the end holds), checking that every
//! instance comes exactly once and that paging always stops.

use std::sync::Arc;

use instance_model::list::{
    list_url, FleetList, ListItem, ListParseError, Numbering, Page, Pager, Spot, MAX_INSTANCES,
    MAX_PAGES, PAGE_SIZE,
};
use instance_model::Tone;
use serde_json::{json, Value};

fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn page(body: &str) -> Page {
    Page::read(body).unwrap_or_else(|e| panic!("{body}: {e}"))
}

fn item(entry: Value) -> ListItem {
    ListItem::read(entry).expect("an entry with an ID")
}

// ---- one page -------------------------------------------------------------------------------

#[test]
fn the_mixed_fleet_fixture_reads_with_its_list_only_fields() {
    let records: Value = serde_json::from_str(&fixture("fleet.json")).expect("fleet.json is JSON");
    let body = json!({ "instances": records, "total": 16 }).to_string();
    let p = page(&body);
    assert_eq!(p.items.len(), 16);
    assert_eq!(p.total, Some(16));
    assert_eq!(p.without_id, 0);
    let first = &p.items[0];
    assert_eq!(first.id(), "a1c4e7f0b3d62958");
    assert_eq!(first.product, "NVIDIA A100 80GB");
    assert_eq!(first.gpus(), "2 × A100 80GB", "the vendor word left out");
    assert_eq!(first.cluster(), "US-CA-1 (California)");
    assert_eq!(first.billing(), ("On Demand".to_string(), ""));
    let spot: Vec<(&str, &Spot)> = p
        .items
        .iter()
        .filter(|i| i.spot != Spot::None)
        .map(|i| (i.instance.name.as_str(), &i.spot))
        .collect();
    assert_eq!(
        spot,
        vec![
            ("spot-eval-a", &Spot::Notified),
            ("spot-eval-b", &Spot::Reclaiming),
            ("spot-reclaimed", &Spot::Terminated),
        ]
    );
    let unknown = p.items.iter().find(|i| i.instance.name == "mystery-box");
    assert_eq!(
        unknown.map(|i| i.instance.status.as_api_str()),
        Some("pending")
    );
}

#[test]
fn list_only_fields_are_read_leniently() {
    let i = item(json!({
        "id": "x1", "name": "box", "status": "running", "gpuNum": 4, "productId": "H100-SXM",
        "productName": "", "spotStatus": "reclaiming", "spotReclaimTime": "1767225600",
        "volumeMounts": [{ "type": "local", "size": "60", "mountPath": "/w" }],
        "billingMode": "spot", "clusterId": "us-ca-1", "clusterName": null
    }));
    assert_eq!(
        i.product, "H100-SXM",
        "productId when there is no productName"
    );
    assert_eq!(i.gpus(), "4 × H100-SXM");
    assert_eq!(
        i.cluster(),
        "us-ca-1",
        "the cluster ID when there is no name"
    );
    assert_eq!(i.spot, Spot::Reclaiming);
    assert!(i.spot.is_warning());
    assert_eq!(i.spot_reclaim_at, Some(1_767_225_600));
    assert_eq!(i.billing(), ("Spot".to_string(), "reclaiming"));
    assert_eq!(
        i.instance.volume_mounts[0].size,
        Some(60.0),
        "volume sizes are strings in the list"
    );

    let bare = item(json!({ "id": "x2", "spotReclaimTime": "0", "spotStatus": "weird" }));
    assert_eq!(bare.spot_reclaim_at, None, "\"0\" is no reclaim");
    assert_eq!(bare.spot, Spot::Other("weird".into()));
    assert!(!bare.spot.is_warning());
    assert_eq!(bare.gpus(), "—");
    assert_eq!(bare.cluster(), "—");
    assert_eq!(bare.billing(), ("—".to_string(), "weird"));
    assert_eq!(bare.instance.tone(), Tone::Unknown);
}

#[test]
fn the_search_text_holds_name_id_product_and_cluster_in_lower_case() {
    let i = item(json!({
        "id": "AbC123", "name": "Llama-Train", "productName": "NVIDIA H100",
        "clusterName": "EU-DE-1 (Frankfurt)", "clusterId": "eu-de-1", "imageUrl": "IMAGE-ONLY"
    }));
    assert_eq!(
        i.search_text,
        "llama-train\nabc123\nnvidia h100\neu-de-1 (frankfurt)\neu-de-1"
    );
    assert!(
        !i.search_text.contains("image-only"),
        "the image is not searched"
    );
}

#[test]
fn entries_without_an_id_or_not_objects_are_dropped_and_counted() {
    let p = page(
        r#"{"instances": [{"id": "a", "status": "running"}, {"name": "no id"}, {"id": ""}, 7, null, {"id": "b"}], "total": "6"}"#,
    );
    let ids: Vec<&str> = p.items.iter().map(ListItem::id).collect();
    assert_eq!(ids, vec!["a", "b"]);
    assert_eq!(p.without_id, 4);
    assert_eq!(p.total, Some(6), "a total sent as a string");
}

#[test]
fn a_null_list_is_no_instances_and_an_odd_total_is_no_total() {
    assert_eq!(
        page(r#"{"instances": null, "total": 0}"#),
        Page {
            items: vec![],
            total: Some(0),
            without_id: 0
        }
    );
    assert_eq!(page(r#"{"instances": [], "total": -3}"#).total, None);
    assert_eq!(page(r#"{"instances": [], "total": 2.5}"#).total, None);
    assert_eq!(page(r#"{"instances": [], "total": "many"}"#).total, None);
    assert_eq!(page(r#"{"instances": []}"#).total, None);
    assert_eq!(
        page(r#"{"total": 0}"#).items.len(),
        0,
        "a total and no list"
    );
}

#[test]
fn answers_that_are_not_a_page_say_what_they_were() {
    let err = |body: &str| Page::read(body).expect_err("not a page");
    assert_eq!(err("  "), ListParseError::Empty);
    assert_eq!(
        err("<html>login</html>").to_string(),
        "the answer was a web page (HTML), not JSON"
    );
    assert_eq!(
        err(r#"{"instances": ["#).to_string(),
        "the answer was not valid JSON"
    );
    assert_eq!(err("[]"), ListParseError::NotAList);
    assert_eq!(err(r#"{"instances": {"a": 1}}"#), ListParseError::NotAList);
    assert_eq!(
        err(r#"{"code": 3, "message": "try later"}"#).to_string(),
        "the answer held no list, only the message \"try later\""
    );
    assert_eq!(
        err("{}").to_string(),
        "the answer was a JSON object with no instances"
    );
}

#[test]
fn the_url_asks_for_one_page_of_the_page_size() {
    assert_eq!(
        list_url("https://api.novita.ai/", 3),
        format!("https://api.novita.ai/gpu-instance/openapi/v1/gpu/instances?pageSize={PAGE_SIZE}&pageNum=3")
    );
    assert_eq!(
        list_url("", 0),
        format!("/gpu-instance/openapi/v1/gpu/instances?pageSize={PAGE_SIZE}&pageNum=0")
    );
}

// ---- paging against a simulated server -------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Total {
    Honest,
    AsString,
    Missing,
    Fixed(u64),
}

#[derive(Clone, Copy, Debug)]
enum PastEnd {
    Empty,
    Null,
    RepeatLast,
}

/// A server as `crates/fake-novita` pages: `from_one` reads 0 as 1.
#[derive(Clone, Copy, Debug)]
struct Server {
    len: usize,
    from_one: bool,
    cap: usize,
    total: Total,
    past_end: PastEnd,
}

impl Server {
    fn ids(&self) -> Vec<String> {
        (0..self.len).map(|i| format!("i{i:04}")).collect()
    }

    fn answer(&self, page_num: u64) -> String {
        let ids = self.ids();
        let size = (PAGE_SIZE as usize).min(self.cap);
        let index = if self.from_one {
            page_num.saturating_sub(1)
        } else {
            page_num
        } as usize;
        let entries = |from: usize| -> Value {
            ids[from..]
                .iter()
                .take(size)
                .map(|id| json!({ "id": id, "name": id, "status": "running" }))
                .collect()
        };
        let instances = match (index * size < ids.len(), self.past_end) {
            (true, _) => entries(index * size),
            (false, PastEnd::Empty) => json!([]),
            (false, PastEnd::Null) => Value::Null,
            (false, PastEnd::RepeatLast) => entries(ids.len().saturating_sub(1) / size * size),
        };
        let mut body = json!({ "instances": instances });
        match self.total {
            Total::Honest => body["total"] = json!(self.len),
            Total::AsString => body["total"] = json!(self.len.to_string()),
            Total::Missing => {}
            Total::Fixed(n) => body["total"] = json!(n),
        }
        body.to_string()
    }
}

/// Pages through `server`; the list and the page numbers asked for.
fn list_all(server: &Server) -> (FleetList, Vec<u64>) {
    let mut pager = Pager::new();
    let mut asked = Vec::new();
    loop {
        asked.push(pager.page());
        assert!(
            asked.len() <= MAX_PAGES as usize,
            "paging never stopped: {server:?}"
        );
        if !pager.take(page(&server.answer(pager.page()))) {
            return (pager.finish(), asked);
        }
    }
}

fn ids_of(list: &FleetList) -> Vec<String> {
    list.items.iter().map(|i| i.id().to_string()).collect()
}

#[test]
fn every_instance_comes_exactly_once_however_the_server_pages() {
    let totals = [
        Total::Honest,
        Total::AsString,
        Total::Missing,
        Total::Fixed(100_000),
    ];
    let ends = [PastEnd::Empty, PastEnd::Null, PastEnd::RepeatLast];
    let mut combinations = 0;
    for len in [0, 1, 16, 100, 101, 250] {
        for from_one in [false, true] {
            for cap in [1, 7, 100, 1000] {
                if len > 0 && len / cap > 60 {
                    continue; // hundreds of one-instance pages: covered by the cap tests
                }
                for total in totals {
                    for past_end in ends {
                        let server = Server {
                            len,
                            from_one,
                            cap,
                            total,
                            past_end,
                        };
                        let (list, _) = list_all(&server);
                        assert_eq!(ids_of(&list), server.ids(), "{server:?}");
                        assert!(!list.capped, "{server:?}");
                        combinations += 1;
                    }
                }
            }
        }
    }
    assert!(combinations > 200, "{combinations} combinations");
}

#[test]
fn an_honest_total_on_one_page_takes_one_request() {
    for from_one in [false, true] {
        let server = Server {
            len: 16,
            from_one,
            cap: 100,
            total: Total::Honest,
            past_end: PastEnd::Empty,
        };
        let (list, asked) = list_all(&server);
        assert_eq!(asked, vec![0]);
        assert_eq!(list.total, Some(16));
    }
}

#[test]
fn without_a_total_page_one_tells_the_numbering() {
    let zero = Server {
        len: 16,
        from_one: false,
        cap: 100,
        total: Total::Missing,
        past_end: PastEnd::Empty,
    };
    let one = Server {
        from_one: true,
        ..zero
    };
    let (_, asked) = list_all(&zero);
    assert_eq!(
        asked,
        vec![0, 1],
        "page 1 empty: counted from zero, and the end"
    );
    let (_, asked) = list_all(&one);
    assert_eq!(
        asked,
        vec![0, 1, 2],
        "page 1 repeats page 0: counted from one"
    );

    let mut pager = Pager::new();
    assert!(pager.take(page(&zero.answer(0))));
    assert_eq!(pager.numbering(), Numbering::Unknown);
    assert!(!pager.take(page(&zero.answer(1))));
    assert_eq!(pager.numbering(), Numbering::FromZero);
    let mut pager = Pager::new();
    pager.take(page(&one.answer(0)));
    assert!(pager.take(page(&one.answer(1))));
    assert_eq!(pager.numbering(), Numbering::FromOne);
}

#[test]
fn a_capped_page_size_is_followed_to_the_end() {
    let server = Server {
        len: 250,
        from_one: false,
        cap: 20,
        total: Total::Honest,
        past_end: PastEnd::Empty,
    };
    let (list, asked) = list_all(&server);
    assert_eq!(list.items.len(), 250);
    assert_eq!(
        asked,
        (0..13).collect::<Vec<u64>>(),
        "13 pages of at most 20"
    );
    let one = Server {
        from_one: true,
        ..server
    };
    let (list, asked) = list_all(&one);
    assert_eq!(list.items.len(), 250);
    assert_eq!(asked.len(), 14, "one more: page 1 repeats page 0");
}

#[test]
fn a_server_that_answers_zero_with_nothing_starts_at_one() {
    let mut pager = Pager::new();
    assert!(pager.take(page(r#"{"instances": [], "total": 3}"#)));
    assert_eq!(pager.page(), 1);
    assert!(!pager.take(page(
        r#"{"instances": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "total": 3}"#
    )));
    assert_eq!(pager.numbering(), Numbering::FromOne);
    assert_eq!(pager.finish().items.len(), 3);
}

#[test]
fn an_empty_fleet_says_so_in_one_or_two_requests() {
    let server = Server {
        len: 0,
        from_one: false,
        cap: 100,
        total: Total::Honest,
        past_end: PastEnd::Empty,
    };
    let (list, asked) = list_all(&server);
    assert!(list.items.is_empty());
    assert_eq!(asked, vec![0], "total 0 is the end");
    let (list, asked) = list_all(&Server {
        total: Total::Missing,
        ..server
    });
    assert!(list.items.is_empty());
    assert_eq!(asked, vec![0, 1]);
}

#[test]
fn a_server_that_refuses_page_zero_is_asked_for_page_one() {
    let mut pager = Pager::new();
    assert!(pager.refused(), "page 0 refused: try 1");
    assert_eq!(pager.page(), 1);
    assert_eq!(pager.numbering(), Numbering::FromOne);
    assert!(!pager.refused(), "page 1 refused too: a real failure");
    assert!(pager.take(page(r#"{"instances": [{"id": "a"}]}"#)));
    assert_eq!(pager.page(), 2, "counted from one, page 1 was the first");
}

#[test]
fn a_page_refused_later_is_a_failure() {
    let mut pager = Pager::new();
    pager.take(page(r#"{"instances": [{"id": "a"}]}"#));
    assert!(!pager.refused());
}

#[test]
fn a_server_that_ignores_the_page_number_stops_after_three_pages() {
    let body = r#"{"instances": [{"id": "a"}, {"id": "b"}], "total": 50}"#;
    let mut pager = Pager::new();
    let mut requests = 1;
    while pager.take(page(body)) {
        requests += 1;
    }
    assert_eq!(
        requests, 3,
        "0, 1 (no new ID: from one), 2 (no new ID: the end)"
    );
    let list = pager.finish();
    assert_eq!(list.items.len(), 2);
    assert!(!list.capped);
}

#[test]
fn a_list_that_never_ends_stops_at_the_page_cap_with_a_notice() {
    let mut pager = Pager::new();
    let mut requests = 0;
    loop {
        requests += 1;
        // Every page brings new IDs, for ever.
        let body = json!({ "instances": [{ "id": format!("p{requests}") }] }).to_string();
        if !pager.take(page(&body)) {
            break;
        }
    }
    assert_eq!(requests, MAX_PAGES as usize);
    let list = pager.finish();
    assert!(list.capped);
    assert_eq!(list.items.len(), MAX_PAGES as usize);
    let notice = list.notice().expect("a notice");
    assert!(
        notice
            .starts_with("Showing the first 100 instances: the list did not end within 100 pages"),
        "{notice}"
    );
}

#[test]
fn a_fleet_beyond_the_instance_cap_keeps_the_first_and_says_how_many_there_are() {
    let server = Server {
        len: MAX_INSTANCES + 250,
        from_one: false,
        cap: 100,
        total: Total::Honest,
        past_end: PastEnd::Empty,
    };
    let (list, asked) = list_all(&server);
    assert_eq!(list.items.len(), MAX_INSTANCES);
    assert_eq!(
        asked.len(),
        51,
        "50 full pages, and the first entry of the 51st is one too many"
    );
    assert!(list.capped);
    assert_eq!(
        list.notice().as_deref(),
        Some("Showing the first 5000 of 5250 instances: this page reads at most 5000 instances or 100 pages. Search narrows what is shown, not what is fetched.")
    );
}

#[test]
fn duplicates_within_and_across_pages_are_kept_once_in_first_seen_order() {
    let mut pager = Pager::new();
    assert!(pager.take(page(
        r#"{"instances": [{"id": "b"}, {"id": "a"}, {"id": "b"}]}"#
    )));
    assert!(pager.take(page(r#"{"instances": [{"id": "a"}, {"id": "c"}]}"#)));
    assert!(!pager.take(page(r#"{"instances": []}"#)));
    assert_eq!(ids_of(&pager.finish()), vec!["b", "a", "c"]);
}

#[test]
fn entries_without_an_id_are_counted_once_however_often_a_page_repeats() {
    let body = r#"{"instances": [{"id": "a"}, {"name": "ghost"}]}"#;
    let mut pager = Pager::new();
    while pager.take(page(body)) {}
    let list = pager.finish();
    assert_eq!(list.without_id, 1);
    assert_eq!(
        list.notice().as_deref(),
        Some("1 entry in the list had no instance ID and is not shown.")
    );
}

// ---- refreshes ------------------------------------------------------------------------------

fn list_of(entries: Value) -> FleetList {
    let mut pager = Pager::new();
    let body = json!({ "instances": entries }).to_string();
    pager.take(page(&body));
    pager.take(page(r#"{"instances": []}"#));
    pager.finish()
}

#[test]
fn a_refresh_keeps_the_items_of_unchanged_instances() {
    let before = list_of(json!([
        { "id": "a", "status": "running" }, { "id": "b", "status": "running" }, { "id": "c", "status": "exited" }
    ]));
    let after = list_of(json!([
        { "id": "c", "status": "exited" }, { "id": "b", "status": "stopping" }, { "id": "a", "status": "running" }, { "id": "d" }
    ]))
    .carry_over(Some(&before));
    let same = |id: &str| {
        let find =
            |l: &FleetList| Arc::clone(l.items.iter().find(|i| i.id() == id).expect("present"));
        Arc::ptr_eq(&find(&before), &find(&after))
    };
    assert!(same("a"));
    assert!(same("c"));
    assert!(!same("b"), "b changed: a new item");
    assert_eq!(
        ids_of(&after),
        vec!["c", "b", "a", "d"],
        "the new order stands"
    );
    let fresh = list_of(json!([{ "id": "a", "status": "running" }]));
    assert_eq!(fresh.clone().carry_over(None), fresh);
}
