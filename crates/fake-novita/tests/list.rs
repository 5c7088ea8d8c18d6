//! List Instances: the list's own fields, paging in both numberings with a capped page size,
//! `total` and past-the-end modes, filters, fleets, statuses that move, and failures.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{assert_error, client, get_instance, get_path, header, json, server, status_of};
use fake_novita::{
    FakeNovita, Fleet, Numbering, Paging, PastEnd, Total, LIST_PATH, MAX_GENERATED, TEST_API_KEY,
};
use serde_json::{json, Value};

const GET_ONLY: [&str; 7] = [
    "network",
    "node",
    "jobs",
    "connectComponentSSH",
    "connectComponentWebTerminal",
    "connectComponentJupyter",
    "connectComponentLog",
];
const LIST_ONLY: [&str; 5] = [
    "productId",
    "productName",
    "rootfsSize",
    "spotStatus",
    "spotReclaimTime",
];

async fn list_page(server: &FakeNovita, query: &str) -> Value {
    let response = get_path(server, &format!("{LIST_PATH}?{query}"))
        .send()
        .await
        .expect("the list answers");
    assert_eq!(response.status(), 200, "{query}");
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("application/json")
    );
    json(response).await
}

fn ids(page: &Value) -> Vec<String> {
    page["instances"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item["id"].as_str().expect("string ids").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn total(page: &Value) -> Option<u64> {
    match &page["total"] {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// What the fleet issue asks of a client that cannot know which page is first: start at 0;
/// if page 1 repeats page 0 the server is one-based, so go on from 2; stop when `total` is
/// reached or a page brings no new ID. Returns every ID once, in the order first seen, and
/// how many pages it asked for.
async fn fetch_every_instance(server: &FakeNovita, page_size: usize) -> (Vec<String>, usize) {
    let mut seen = HashSet::new();
    let mut in_order = Vec::new();
    let mut first_page = Vec::new();
    let mut asked = 0;
    let mut page_num = 0;
    while asked < 1000 {
        let page = list_page(server, &format!("pageSize={page_size}&pageNum={page_num}")).await;
        asked += 1;
        let page_ids = ids(&page);
        if page_num == 0 {
            first_page = page_ids.clone();
        } else if page_num == 1 && !page_ids.is_empty() && page_ids == first_page {
            page_num = 2;
            continue;
        }
        let before = in_order.len();
        for id in page_ids {
            if seen.insert(id.clone()) {
                in_order.push(id);
            }
        }
        let reached_total = total(&page).is_some_and(|total| in_order.len() as u64 >= total);
        if in_order.len() == before || reached_total {
            break;
        }
        page_num += 1;
    }
    (in_order, asked)
}

#[tokio::test]
async fn the_list_needs_the_key_before_anything_else() {
    let server = server().await;
    server.fail_list_next("fail-500-html", 1);
    let response = client()
        .get(format!(
            "{}{LIST_PATH}?pageSize=10&pageNum=1",
            server.base_url()
        ))
        .send()
        .await
        .expect("answers");
    assert_error(response, 401, "INVALID_API_KEY").await;
    // The failure was not used up by the refused call.
    let response = get_path(&server, &format!("{LIST_PATH}?pageSize=10"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 500);
}

#[tokio::test]
async fn list_items_are_get_without_its_own_fields_plus_the_list_ones() {
    let server = server().await;
    let page = list_page(&server, "pageSize=100&pageNum=1").await;
    assert_eq!(page["total"], 16);
    let items = page["instances"].as_array().expect("an array");
    assert_eq!(items.len(), 16);
    for item in items {
        let id = item["id"].as_str().expect("an id");
        for field in GET_ONLY {
            assert!(item.get(field).is_none(), "{id} has {field}");
        }
        assert!(item["productId"].is_string(), "{id}");
        assert!(item["productName"].is_string(), "{id}");
        assert!(item["rootfsSize"].is_u64(), "{id}");
        let spot = item["spotStatus"].as_str().expect("spotStatus is a string");
        assert!(
            ["", "running", "notified", "reclaiming", "terminated"].contains(&spot),
            "{id}: {spot}"
        );
        let reclaim = item["spotReclaimTime"].as_str().expect("a string");
        assert!(reclaim.parse::<u64>().is_ok(), "{id}: {reclaim}");
        assert_eq!(
            reclaim == "0",
            !["notified", "reclaiming", "terminated"].contains(&spot)
        );

        // Everything else is exactly what Get says, volume sizes aside.
        let mut get = json(get_instance(&server, id).send().await.expect("Get")).await;
        for field in LIST_ONLY {
            assert!(get.get(field).is_none(), "Get of {id} has {field}");
        }
        let mut listed = item.clone();
        for volume in listed["volumeMounts"].as_array_mut().expect("volumes") {
            let size = volume["size"].as_str().expect("list sizes are strings");
            volume["size"] = json!(size.parse::<u64>().expect("a number in the string"));
        }
        let (get, listed) = (
            get.as_object_mut().unwrap(),
            listed.as_object_mut().unwrap(),
        );
        for field in GET_ONLY {
            get.remove(field);
        }
        for field in LIST_ONLY {
            listed.remove(field);
        }
        assert_eq!(get, listed, "{id}");
    }
}

#[tokio::test]
async fn the_mixed_fleet_has_what_an_operator_meets() {
    let server = server().await;
    let page = list_page(&server, "pageSize=100").await;
    let items = page["instances"].as_array().expect("an array");
    let count = |status: &str| items.iter().filter(|i| i["status"] == status).count();
    assert_eq!(count("running"), 6);
    assert_eq!(count("exited"), 4);
    for status in [
        "pulling", "starting", "removing", "creating", "stopping", "pending",
    ] {
        assert_eq!(count(status), 1, "{status}");
    }
    let with_error = items
        .iter()
        .filter(|i| i["statusError"].is_object())
        .count();
    assert_eq!(with_error, 3);
    let spot: Vec<&str> = items
        .iter()
        .filter_map(|i| i["spotStatus"].as_str().filter(|s| !s.is_empty()))
        .collect();
    assert_eq!(spot, ["notified", "reclaiming", "terminated"]);
    let hostile = items
        .iter()
        .find(|i| i["id"] == "6d2049fc1f38eb14")
        .expect("the hostile one");
    let name = hostile["name"].as_str().expect("a name");
    assert!(name.contains("<script>") && name.contains('\u{202e}') && name.chars().count() > 300);
    assert!(hostile["productName"]
        .as_str()
        .unwrap()
        .contains("<script>"));
    assert_eq!(server.fleet_ids(), ids(&page));
}

#[tokio::test]
async fn one_based_capped_pages_give_each_of_1000_once_to_a_client_starting_at_one() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(1000));
    server.set_paging(Paging::one_based().capped_at(20));
    let mut seen = Vec::new();
    for page_num in 1..=50 {
        let page = list_page(&server, &format!("pageSize=100&pageNum={page_num}")).await;
        assert_eq!(page["total"], 1000);
        let page_ids = ids(&page);
        assert_eq!(page_ids.len(), 20, "the cap, not the 100 asked for");
        seen.extend(page_ids);
    }
    assert_eq!(seen, server.fleet_ids());
    let past = list_page(&server, "pageSize=100&pageNum=51").await;
    assert_eq!(past["instances"], json!([]));
}

#[tokio::test]
async fn zero_based_capped_pages_give_each_of_1000_once_to_a_client_starting_at_zero() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(1000));
    server.set_paging(Paging::zero_based().capped_at(20));
    let mut seen = Vec::new();
    for page_num in 0..50 {
        let page = list_page(&server, &format!("pageSize=100&pageNum={page_num}")).await;
        seen.extend(ids(&page));
    }
    assert_eq!(seen, server.fleet_ids());
    assert_eq!(
        ids(&list_page(&server, "pageSize=100&pageNum=50").await),
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn a_careful_client_gets_each_of_1000_once_in_either_numbering() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(1000));
    let expected = server.fleet_ids();
    for paging in [Paging::one_based(), Paging::zero_based()] {
        let paging = paging.capped_at(20).with_total(Total::Missing);
        server.set_paging(paging.clone());
        let (got, asked) = fetch_every_instance(&server, 100).await;
        assert_eq!(got, expected, "{paging:?}");
        // 50 pages, one more to see the end, one more when page 0 and page 1 were the same.
        let wasted = usize::from(paging.numbering == Numbering::OneBased);
        assert_eq!(asked, 51 + wasted, "{paging:?}");
    }
}

#[tokio::test]
async fn a_careful_client_gets_each_instance_once_whatever_total_and_the_end_say() {
    let server = server().await;
    // Not a multiple of the cap, so the last page is short.
    server.set_fleet(Fleet::Generated(95));
    let expected = server.fleet_ids();
    for numbering in [Numbering::OneBased, Numbering::ZeroBased] {
        for total in [
            Total::Honest,
            Total::AsString,
            Total::Missing,
            Total::Fixed(1_000_000),
        ] {
            for past_end in [PastEnd::Empty, PastEnd::Null, PastEnd::RepeatLast] {
                let paging = Paging {
                    numbering,
                    max_page_size: 20,
                    total: total.clone(),
                    past_end,
                };
                server.set_paging(paging.clone());
                let (got, asked) = fetch_every_instance(&server, 100).await;
                assert_eq!(got, expected, "{paging:?}");
                assert!((5..=7).contains(&asked), "{paging:?}: {asked} pages");
            }
        }
    }
}

#[tokio::test]
async fn one_based_reads_page_zero_as_page_one_so_a_naive_client_stops_early() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(100));
    server.set_paging(Paging::one_based().capped_at(20));
    let zero = list_page(&server, "pageSize=100&pageNum=0").await;
    let one = list_page(&server, "pageSize=100&pageNum=1").await;
    assert_eq!(zero, one);
    assert_eq!(ids(&zero), server.fleet_ids()[..20]);
    // No pageNum at all is the first page too.
    assert_eq!(list_page(&server, "pageSize=100").await, one);
}

#[tokio::test]
async fn zero_based_answers_page_one_with_its_second_page_so_starting_at_one_skips() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(100));
    server.set_paging(Paging::zero_based().capped_at(20));
    let fleet = server.fleet_ids();
    assert_eq!(
        ids(&list_page(&server, "pageSize=100&pageNum=0").await),
        fleet[..20]
    );
    assert_eq!(
        ids(&list_page(&server, "pageSize=100&pageNum=1").await),
        fleet[20..40]
    );
    assert_eq!(ids(&list_page(&server, "pageSize=100").await), fleet[..20]);
}

#[tokio::test]
async fn a_page_size_under_the_cap_is_kept_and_the_last_page_is_short() {
    let server = server().await;
    server.set_paging(Paging::one_based().capped_at(20));
    let fleet = server.fleet_ids();
    assert_eq!(
        ids(&list_page(&server, "pageSize=5&pageNum=2").await),
        fleet[5..10]
    );
    assert_eq!(
        ids(&list_page(&server, "pageSize=7&pageNum=3").await),
        fleet[14..16]
    );
}

#[tokio::test]
async fn what_total_says_and_what_lies_past_the_end() {
    let server = server().await;
    let cases = [
        (Total::AsString, json!("16")),
        (Total::Fixed(5), json!(5)),
        (Total::Honest, json!(16)),
    ];
    for (total, expected) in cases {
        server.set_paging(Paging::one_based().with_total(total));
        assert_eq!(list_page(&server, "pageSize=10").await["total"], expected);
    }
    server.set_paging(Paging::one_based().with_total(Total::Missing));
    let page = list_page(&server, "pageSize=10").await;
    assert!(page.get("total").is_none(), "{page}");
    assert_eq!(ids(&page).len(), 10);

    let fleet = server.fleet_ids();
    server.set_paging(Paging::one_based().with_past_end(PastEnd::Null));
    assert_eq!(
        list_page(&server, "pageSize=10&pageNum=3").await["instances"],
        Value::Null
    );
    server.set_paging(Paging::one_based().with_past_end(PastEnd::RepeatLast));
    for page_num in [2, 3, 99, u64::MAX] {
        let page = list_page(&server, &format!("pageSize=10&pageNum={page_num}")).await;
        assert_eq!(ids(&page), fleet[10..], "page {page_num}");
    }
    server.set_paging(Paging::one_based().with_past_end(PastEnd::Empty));
    let page = list_page(&server, &format!("pageSize=10&pageNum={}", u64::MAX)).await;
    assert_eq!(page["instances"], json!([]));
    assert_eq!(page["total"], 16);
}

#[tokio::test]
async fn filters_match_part_of_name_and_product_in_any_case_and_status_exactly() {
    let server = server().await;
    let names = |page: &Value| -> Vec<String> {
        page["instances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let page = list_page(&server, "pageSize=100&name=SPOT").await;
    assert_eq!(
        names(&page),
        ["spot-eval-a", "spot-eval-b", "spot-reclaimed"]
    );
    assert_eq!(page["total"], 3);

    // The hostile instance's product says H100 too, inside its markup.
    let page = list_page(&server, "pageSize=100&productName=h100").await;
    assert_eq!(
        ids(&page),
        [
            "c3e6a9b2d5f8417a",
            "4b0e27dafd16c9f2",
            "5c1f38eb0e27da03",
            "6d2049fc1f38eb14",
            "8f426b1e315a0d36"
        ]
    );
    let page = list_page(&server, "pageSize=100&status=exited").await;
    assert_eq!(page["total"], 4);
    let page = list_page(
        &server,
        "pageSize=100&status=exited&name=spot&productName=H100",
    )
    .await;
    assert_eq!(names(&page), ["spot-reclaimed"]);
    // Percent-encoded markup is just text to match.
    let page = list_page(&server, "pageSize=100&name=%3Cscript%3E").await;
    assert_eq!(ids(&page), ["6d2049fc1f38eb14"]);
    let page = list_page(&server, "pageSize=100&name=&productName=&status=").await;
    assert_eq!(page["total"], 16);
    let page = list_page(&server, "pageSize=100&status=removed").await;
    assert_eq!(page, json!({ "instances": [], "total": 0 }));
}

#[tokio::test]
async fn bad_parameters_are_invalid_parameter() {
    let server = server().await;
    let long = "a".repeat(256);
    for query in [
        String::new(),
        "pageNum=1".to_owned(),
        "pageSize=0".to_owned(),
        "pageSize=-5".to_owned(),
        "pageSize=ten".to_owned(),
        "pageSize=10&pageNum=-1".to_owned(),
        "pageSize=10&pageNum=first".to_owned(),
        "pageSize=10&status=pending".to_owned(),
        "pageSize=10&status=RUNNING".to_owned(),
        format!("pageSize=10&name={long}"),
        format!("pageSize=10&productName={long}"),
        "pageSize=10&pageSize=20".to_owned(),
    ] {
        let response = get_path(&server, &format!("{LIST_PATH}?{query}"))
            .send()
            .await
            .expect("answers");
        assert_error(response, 400, "INVALID_PARAMETER").await;
    }
    // 255 characters is still allowed.
    let name = "a".repeat(255);
    let page = list_page(&server, &format!("pageSize=10&name={name}")).await;
    assert_eq!(page["total"], 0);
}

#[tokio::test]
async fn empty_one_and_custom_fleets() {
    let server = server().await;
    server.set_fleet(Fleet::Empty);
    assert_eq!(
        list_page(&server, "pageSize=20&pageNum=1").await,
        json!({ "instances": [], "total": 0 })
    );
    server.set_paging(Paging::one_based().with_past_end(PastEnd::RepeatLast));
    assert_eq!(
        list_page(&server, "pageSize=20&pageNum=1").await["instances"],
        json!([])
    );

    server.set_fleet(Fleet::One);
    let page = list_page(&server, "pageSize=20&pageNum=1").await;
    assert_eq!(ids(&page), ["a1c4e7f0b3d62958"]);
    assert_eq!(page["total"], 1);

    server.set_fleet(Fleet::Custom(vec![
        json!({ "id": "c-1", "name": "bare", "status": "running", "volumeMounts": [{ "size": 5 }] }),
        json!({ "id": 7, "name": "numeric id", "status": "exited", "spotStatus": "notified" }),
    ]));
    let page = list_page(&server, "pageSize=20&pageNum=1").await;
    assert_eq!(
        page["instances"][0],
        json!({
            "id": "c-1", "name": "bare", "status": "running", "volumeMounts": [{ "size": "5" }],
            "productId": "", "productName": "", "rootfsSize": 0, "spotStatus": "",
            "spotReclaimTime": "0",
        })
    );
    assert_eq!(page["instances"][1]["id"], 7);
    assert_eq!(page["instances"][1]["spotStatus"], "notified");
    // The list-only fields stay out of Get.
    let get = json(get_instance(&server, "7").send().await.expect("Get")).await;
    assert_eq!(
        get,
        json!({ "id": 7, "name": "numeric id", "status": "exited" })
    );
}

#[tokio::test]
async fn a_new_fleet_forgets_the_old_one_but_not_the_fixtures() {
    let server = server().await;
    assert_eq!(status_of(&server, "b2d5f8a1c4e73069").await, "running");
    server.set_fleet(Fleet::Generated(3));
    let response = get_instance(&server, "b2d5f8a1c4e73069")
        .send()
        .await
        .expect("answers");
    assert_error(response, 400, "RESOURCE_NOT_FOUND").await;
    for id in server.fleet_ids() {
        assert_eq!(status_of(&server, &id).await, "running");
    }
    assert_eq!(status_of(&server, "7f3e2a9c1b4d5e60").await, "running");
}

#[tokio::test]
async fn a_generated_fleet_is_the_same_every_time_and_mixed_like_a_real_one() {
    let first = server().await;
    let second = server().await;
    first.set_fleet(Fleet::Generated(1000));
    second.set_fleet(Fleet::Generated(1000));
    let page = list_page(&first, "pageSize=1000").await;
    assert_eq!(page, list_page(&second, "pageSize=1000").await);
    let items = page["instances"].as_array().expect("an array");
    assert_eq!(items.len(), 100, "the default cap");

    first.set_paging(Paging::one_based().capped_at(1000));
    let page = list_page(&first, "pageSize=1000").await;
    let items = page["instances"].as_array().expect("an array");
    let count = |status: &str| items.iter().filter(|i| i["status"] == status).count();
    assert_eq!(count("running"), 700);
    assert_eq!(count("exited"), 150);
    assert_eq!(
        count("pulling") + count("starting") + count("stopping"),
        150
    );
    assert_eq!(
        items
            .iter()
            .filter(|i| i["statusError"].is_object())
            .count(),
        50
    );
    assert_eq!(
        items
            .iter()
            .filter(|i| i["spotStatus"] == "notified")
            .count(),
        50
    );
    let distinct: HashSet<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(distinct.len(), 1000);
    assert!(distinct.iter().all(|id| id.len() == 16));
    assert_eq!(items[42]["name"], "job-0042-h100-sxm5-80gb");
}

#[tokio::test]
#[should_panic(expected = "at most 10000 instances")]
async fn a_generated_fleet_over_the_limit_panics() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(MAX_GENERATED + 1));
}

#[tokio::test]
async fn statuses_move_in_the_list_and_in_get_together() {
    let server = server().await;
    let id = "f6b9d2e5a8c174ad";
    let step = Duration::from_millis(300);
    server.play_statuses(id, &[("starting", Duration::ZERO), ("running", step)]);
    let listed = |page: Value| {
        page["instances"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        listed(list_page(&server, "pageSize=100").await).as_deref(),
        Some("starting")
    );
    assert_eq!(status_of(&server, id).await, "starting");
    tokio::time::sleep(step + Duration::from_millis(100)).await;
    assert_eq!(
        listed(list_page(&server, "pageSize=100").await).as_deref(),
        Some("running")
    );
    assert_eq!(status_of(&server, id).await, "running");

    assert!(server.set_status(id, "exited"));
    assert_eq!(
        listed(list_page(&server, "pageSize=100").await).as_deref(),
        Some("exited")
    );
    let page = list_page(&server, "pageSize=100&status=exited").await;
    assert!(ids(&page).contains(&id.to_owned()));

    // A replaced instance shows in the list, list-only fields included.
    let mut changed = server.instance(id).expect("a fleet member");
    changed["name"] = json!("renamed");
    changed["spotStatus"] = json!("reclaiming");
    server.put_instance(changed);
    let page = list_page(&server, "pageSize=100&name=renamed").await;
    assert_eq!(ids(&page), [id]);
    assert_eq!(page["instances"][0]["spotStatus"], "reclaiming");
    assert_eq!(page["instances"][0]["productName"], "NVIDIA L40S 48GB");
}

#[tokio::test]
async fn an_instance_created_while_paging_shifts_the_next_page() {
    let server = server().await;
    server.set_fleet(Fleet::Generated(30));
    let fleet = server.fleet_ids();
    let first = ids(&list_page(&server, "pageSize=10&pageNum=1").await);
    server.add_to_fleet(json!({ "id": "fresh-0001", "name": "just made", "status": "creating" }));
    let second = ids(&list_page(&server, "pageSize=10&pageNum=2").await);
    // The last of page 1 comes again at the top of page 2.
    assert_eq!(first, fleet[..10]);
    assert_eq!(second, fleet[9..19]);
    assert_eq!(status_of(&server, "fresh-0001").await, "creating");

    assert!(server.remove_from_fleet("fresh-0001"));
    assert!(!server.remove_from_fleet("fresh-0001"));
    assert_eq!(server.fleet_ids(), fleet);
    assert_eq!(
        ids(&list_page(&server, "pageSize=10&pageNum=2").await),
        fleet[10..20]
    );
}

#[tokio::test]
async fn list_failures_come_as_set_then_the_list_returns() {
    let server = server().await;
    let url = format!("{LIST_PATH}?pageSize=20&pageNum=1");
    for (scenario, status) in [
        ("fail-401", 401),
        ("fail-403", 403),
        ("fail-500", 500),
        ("fail-500-html", 500),
        ("fail-502-text", 502),
        ("fail-503-empty", 503),
        ("fail-504-json", 504),
    ] {
        server.fail_list_next(scenario, 1);
        let response = get_path(&server, &url).send().await.expect("answers");
        assert_eq!(response.status(), status, "{scenario}");
        let response = get_path(&server, &url).send().await.expect("answers");
        assert_eq!(response.status(), 200, "after {scenario}");
    }

    server.fail_list_next("fail-429-7", 2);
    for _ in 0..2 {
        let response = get_path(&server, &url).send().await.expect("answers");
        assert_eq!(header(&response, "retry-after").as_deref(), Some("7"));
        assert_error(response, 429, "RATE_LIMITED").await;
    }

    server.fail_list_next("ok-truncated", 1);
    let response = get_path(&server, &url).send().await.expect("answers");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("a body");
    assert!(body.starts_with("{\"instances\":[{"), "{body}");
    assert!(serde_json::from_str::<Value>(&body).is_err());

    server.fail_list_next("ok-html", 1);
    let response = get_path(&server, &url).send().await.expect("answers");
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/html"));

    server.fail_list_next("hang", 1);
    let err = get_path(&server, &url)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("hang does not answer");
    assert!(err.is_timeout(), "{err}");

    server.fail_list_next("drop", 1);
    let err = get_path(&server, &url)
        .send()
        .await
        .expect_err("drop does not answer");
    assert!(!err.is_timeout() && err.status().is_none(), "{err}");

    assert_eq!(
        list_page(&server, "pageSize=20&pageNum=1").await["total"],
        16
    );
}

#[tokio::test]
async fn list_failures_until_cleared() {
    let server = server().await;
    let url = format!("{LIST_PATH}?pageSize=20");
    server.fail_list_next("fail-503-empty", u32::MAX);
    for _ in 0..5 {
        let response = get_path(&server, &url).send().await.expect("answers");
        assert_eq!(response.status(), 503);
    }
    server.fail_list_next("", 0);
    assert_eq!(list_page(&server, "pageSize=20").await["total"], 16);
}

#[tokio::test]
async fn a_slow_list_answers_with_the_state_after_the_wait() {
    let server = server().await;
    server.fail_list_next("slow-200", 1);
    let id = "a1c4e7f0b3d62958";
    let pending = tokio::spawn(get_path(&server, &format!("{LIST_PATH}?pageSize=1")).send());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.set_status(id, "exited"));
    let response = pending.await.expect("joins").expect("answers");
    let page = json(response).await;
    assert_eq!(page["instances"][0]["status"], "exited");
}

#[tokio::test]
#[should_panic(expected = "is not a scenario id")]
async fn an_unknown_scenario_for_the_list_panics() {
    let server = server().await;
    server.fail_list_next("fail-999", 1);
}

#[tokio::test]
async fn list_requests_are_recorded_like_the_others() {
    let server = server().await;
    list_page(&server, "pageSize=20&pageNum=0&name=a%26b").await;
    let recorded = server.requests();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].path, LIST_PATH);
    assert_eq!(
        recorded[0].query.as_deref(),
        Some("pageSize=20&pageNum=0&name=a%26b")
    );
    assert_eq!(
        recorded[0].authorization.as_deref(),
        Some(format!("Bearer {TEST_API_KEY}").as_str())
    );
    assert_eq!(recorded[0].header("Content-Type"), Some("application/json"));
}
