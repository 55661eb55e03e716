//! Requests the JSON API cannot read are refused with its error body, `{error, message (中文), field}`,
//! like every other failure: a malformed query or path parameter, a body of the wrong type, too large or
//! not JSON, a method or path the API does not have, credentials that are not ours. And the OpenAPI
//! document says so. (Reading a request involves no database: SQLite only.)

use app::permissions::Role;
use reqwest::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE};
use serde_json::{Value, json};

use tests::{Backend, COUNTY, TestApp};

/// The status and the JSON body of a refusal.
async fn refusal(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not the error body: {text}"));
    (status, body)
}

fn error(kind: &str, message: &str, field: Option<&str>) -> Value {
    json!({ "error": kind, "message": message, "field": field })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_the_api_cannot_read_get_the_error_body() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    let password = app.user("county", Role::CountyOffice, COUNTY).await;
    let client = app.signed_in("county", &password).await;
    let post = |path: &str| client.http.post(client.url(path));

    // A query parameter of the wrong type, named.
    let (status, body) = refusal(client.get("/api/households?red_alert=maybe&page=0").await).await;
    assert_eq!(
        (status, body),
        (400, error("bad_request", "查询参数 red_alert 的格式不正确，请查阅接口文档。", Some("red_alert")))
    );
    for (query, field) in [
        ("/api/households?per_page=-1", "per_page"),
        ("/api/households?per_page=201", "per_page"),
        ("/api/cases?page=9223372036854775808", "page"),
    ] {
        let (status, body) = refusal(client.get(query).await).await;
        assert_eq!((status, body["field"].as_str()), (400, Some(field)), "{query}");
    }
    assert_eq!(client.get("/api/households?per_page=200").await.status(), 200, "the stated maximum itself is taken");

    // A path parameter of the wrong type, named with what it should be; the second of two, too.
    let (status, body) = refusal(client.get("/api/cases/abc").await).await;
    assert_eq!((status, body), (400, error("bad_request", "地址中的 id 应为整数，收到的是“abc”。", Some("id"))));
    let (status, body) = refusal(client.get(&format!("/api/policies/{COUNTY}/next")).await).await;
    assert_eq!((status, body), (400, error("bad_request", "地址中的 year 应为整数，收到的是“next”。", Some("year"))));

    // A JSON endpoint sent something else.
    let (status, body) = refusal(post("/api/cases").body(r#"{"household": "1"}"#).send().await.unwrap()).await;
    assert_eq!(
        (status, body),
        (415, error("unsupported_media_type", "请以 JSON 格式提交（Content-Type: application/json）。", None))
    );
    // An upload sent JSON.
    let (status, body) = refusal(post("/api/cases/1/evidence").json(&json!({})).send().await.unwrap()).await;
    assert_eq!(
        (status, body),
        (415, error("unsupported_media_type", "请以 multipart/form-data 格式上传文件（字段名 file）。", None))
    );

    // Not JSON at all, or with something after it.
    let not_json = |text: &'static str| post("/api/cases").header(CONTENT_TYPE, "application/json").body(text);
    let (status, body) = refusal(not_json("{\"household\": ").send().await.unwrap()).await;
    assert_eq!((status, body), (400, error("bad_request", "提交的内容不是有效的 JSON（第 1 行第 14 列附近）。", None)));
    let (status, body) = refusal(not_json("{} {}").send().await.unwrap()).await;
    assert_eq!((status, body), (400, error("bad_request", "提交的内容不是有效的 JSON（第 1 行第 4 列附近）。", None)));

    // JSON of the wrong shape: the field, nested ones by their path; a missing field by its name.
    let (status, body) = refusal(post("/api/cases").json(&json!({ "household": 5 })).send().await.unwrap()).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "validation");
    assert_eq!(body["field"], "household");
    assert_eq!(body["message"], "字段 household 的类型或取值不正确，请查阅接口文档。");
    assert_eq!(body["errors"], json!([{ "field": "household", "message": body["message"] }]));
    let nested = json!({ "household": { "address": ["a"] }, "head": {} });
    let (status, body) = refusal(post("/api/households").json(&nested).send().await.unwrap()).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("household.address")));
    let (status, body) = refusal(post("/api/households").json(&json!({ "head": {} })).send().await.unwrap()).await;
    assert_eq!((status, &body["field"], &body["message"]), (422, &json!("household"), &json!("缺少字段 household。")));
    let (status, body) = refusal(post("/api/cases").json(&json!("一户")).send().await.unwrap()).await;
    assert_eq!(
        (status, &body["field"], &body["message"]),
        (422, &json!("body"), &json!("提交的内容应为一个 JSON 对象，请查阅接口文档。"))
    );
    let missing = app.browser().http.post(client.url("/api/auth/login")).json(&json!({ "username": "county" }));
    let (status, body) = refusal(missing.send().await.unwrap()).await;
    assert_eq!((status, &body["field"], &body["message"]), (422, &json!("password"), &json!("缺少字段 password。")));

    // Over the JSON size limit (2 MB; each 字 is 3 bytes).
    let large = json!({ "household": "1", "description": "字".repeat(750_000) });
    let (status, body) = refusal(post("/api/cases").json(&large).send().await.unwrap()).await;
    assert_eq!(
        (status, body),
        (413, error("payload_too_large", "提交的内容超过了允许的大小，请压缩或拆分后再提交。", None))
    );

    // A method the path does not take (with the ones it does), and a path the API does not have.
    let response = client.http.delete(client.url("/api/households")).send().await.unwrap();
    assert_eq!(response.headers()[ALLOW], "GET,HEAD,POST");
    let (status, body) = refusal(response).await;
    assert_eq!(
        (status, body),
        (405, error("method_not_allowed", "该地址不支持此请求方法，请查阅接口文档（/api/openapi.json）。", None))
    );
    let (status, body) = refusal(client.get("/api/no-such-thing").await).await;
    assert_eq!((status, body), (404, error("not_found", "没有找到该记录，或您无权查看。", None)));

    // Credentials that are not ours are refused even beside a good session cookie.
    for credentials in ["Basic Y291bnR5OnNlY3JldA==", "Bearer", "Bearer fpt_unknown"] {
        let response = client.http.get(client.url("/api/me")).header(AUTHORIZATION, credentials).send().await.unwrap();
        let (status, body) = refusal(response).await;
        assert_eq!(
            (status, body),
            (401, error("unauthenticated", "您尚未登录或登录已过期，请重新登录。", None)),
            "{credentials}"
        );
    }
    assert_eq!(client.get("/api/me").await.status(), 200, "the cookie alone still signs in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_parameters_bodies_and_refusals() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let doc: Value = app.browser().get("/api/openapi.json").await.json().await.unwrap();
    let paths = &doc["paths"];

    let households = &paths["/api/households"]["get"];
    let places: Vec<(&str, &str)> = households["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
        .collect();
    assert!(places.contains(&("q", "query")) && places.contains(&("page", "query")), "{places:?}");
    assert!(places.iter().all(|(_, place)| *place == "query"), "{places:?}");
    let per_page = households["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "per_page").unwrap();
    assert_eq!((&per_page["schema"]["minimum"], &per_page["schema"]["maximum"]), (&json!(0), &json!(200)));
    for list in ["/api/cases", "/api/meetings", "/api/visits/coverage", "/api/exports/{roster}"] {
        let parameters = paths[list]["get"]["parameters"].as_array().unwrap();
        for p in parameters {
            let expected =
                if list.contains(&format!("{{{}}}", p["name"].as_str().unwrap())) { "path" } else { "query" };
            assert_eq!(p["in"], expected, "{list} {}", p["name"]);
        }
    }

    for upload in ["/api/cases/{id}/evidence", "/api/visits/{id}/photos"] {
        let body = &paths[upload]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"];
        assert_eq!(body["$ref"], "#/components/schemas/UploadForm", "{upload}");
    }
    let form = &doc["components"]["schemas"]["UploadForm"]["properties"]["file"];
    assert_eq!((&form["type"], &form["items"]["format"]), (&json!("array"), &json!("binary")));

    let statuses = |path: &str, method: &str| -> Vec<String> {
        paths[path][method]["responses"].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(statuses("/api/cases/{id}", "get"), ["200", "400", "401", "403", "404", "422"]);
    assert_eq!(statuses("/api/cases", "post"), ["201", "400", "401", "403", "404", "413", "415", "422"]);
    assert_eq!(statuses("/api/me", "get"), ["200", "401", "403"]);
    let refusal = &paths["/api/cases"]["post"]["responses"]["415"];
    assert_eq!(refusal["$ref"], "#/components/responses/Error415");
    let shared = &doc["components"]["responses"]["Error415"]["content"]["application/json"]["schema"];
    assert_eq!(shared["$ref"], "#/components/schemas/ErrorBody");
    let error_body = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(error_body["required"], json!(["error", "message", "field"]));
    assert!(error_body["properties"]["error"]["description"].as_str().unwrap().contains("`unsupported_media_type`"));
}
