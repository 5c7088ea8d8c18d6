//! What every test file needs: a server and a way to call it the way the app does.

#![allow(dead_code)] // Each test binary uses its own subset.

use std::time::Duration;

use fake_novita::{FakeNovita, ACTION_PATH_PREFIX, INSTANCE_PATH, TEST_API_KEY};
use reqwest::{Client, Method, RequestBuilder, Response};
use serde_json::Value;

pub const ORIGIN: &str = "http://127.0.0.1:8080";

pub async fn server() -> FakeNovita {
    FakeNovita::start().await.expect("the fake server starts")
}

pub fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a plain HTTP client builds")
}

pub fn instance_url(server: &FakeNovita, id: &str) -> String {
    format!("{}{INSTANCE_PATH}?instanceId={id}", server.base_url())
}

/// A Get Instance with the right key, as the app sends it.
pub fn get_instance(server: &FakeNovita, id: &str) -> RequestBuilder {
    client()
        .get(instance_url(server, id))
        .bearer_auth(TEST_API_KEY)
        .header("content-type", "application/json")
}

pub fn preflight(url: &str) -> RequestBuilder {
    client()
        .request(Method::OPTIONS, url)
        .header("origin", ORIGIN)
        .header("access-control-request-method", "GET")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
}

pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("ASCII header").to_owned())
}

pub async fn json(response: Response) -> Value {
    let text = response.text().await.expect("body reads");
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

/// Asserts the API's error shape and returns the body.
pub async fn assert_error(response: Response, status: u16, reason: &str) -> Value {
    assert_eq!(response.status().as_u16(), status);
    assert_eq!(
        header(&response, "content-type").as_deref(),
        Some("application/json")
    );
    let body = json(response).await;
    assert_eq!(body["code"], status, "{body}");
    assert_eq!(body["reason"], reason, "{body}");
    assert!(body["message"].is_string(), "{body}");
    assert_eq!(body["metadata"], serde_json::json!({}), "{body}");
    body
}

/// A GET of any path and query on the server, with the right key, as the app sends it.
pub fn get_path(server: &FakeNovita, path_and_query: &str) -> RequestBuilder {
    client()
        .get(format!("{}{path_and_query}", server.base_url()))
        .bearer_auth(TEST_API_KEY)
        .header("content-type", "application/json")
}

/// A POST of an action, with the right key and content type, as the app sends it.
pub fn post_action(server: &FakeNovita, action: &str, body: &str) -> RequestBuilder {
    client()
        .post(format!("{}{ACTION_PATH_PREFIX}{action}", server.base_url()))
        .bearer_auth(TEST_API_KEY)
        .header("content-type", "application/json")
        .body(body.to_owned())
}

/// `{"instanceId":"<id>"}`.
pub fn action_body(id: &str) -> String {
    serde_json::json!({ "instanceId": id }).to_string()
}

/// The status Get Instance answers with now.
pub async fn status_of(server: &FakeNovita, id: &str) -> String {
    let response = get_instance(server, id).send().await.expect("Get answers");
    assert_eq!(response.status(), 200, "Get {id}");
    json(response).await["status"]
        .as_str()
        .expect("status is a string")
        .to_owned()
}
