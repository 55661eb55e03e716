//! Every JSON API route, read from the OpenAPI document, called by those who must not reach the first county's
//! records: anonymous (asked to sign in), the Party secretary of another village and the county office of
//! another county. For each route with an id, a real record answers exactly like a missing one; lists name
//! none of its households; and nothing changes.

use app::auth::Role;
use sea_orm::{EntityTrait, PaginatorTrait};

use tests::both_backends;
use tests::{Backend, Client, OTHER_COUNTY, TestApp, VILLAGE_A1, VILLAGE_B1};

/// Routes anyone may call.
const PUBLIC: &[&str] = &[
    "/api/openapi.json",
    "/api/auth/login",
    "/api/auth/logout",
    "/api/screening/template.csv",
    "/api/imports/template.csv",
];

/// The path with its parameters filled in: the first county's real records, or ids nobody has.
fn fill(path: &str, real: bool, household: &str, member: i64, case: i64) -> String {
    let code = if path.starts_with("/api/households") { household } else { VILLAGE_A1 };
    let (code, member, id) = match real {
        true => (code.to_string(), member.to_string(), case.to_string()),
        false => (format!("{}9", code.get(..code.len() - 1).unwrap_or_default()), "987654".into(), "987654".into()),
    };
    path.replace("{code}", &code)
        .replace("{member_id}", &member)
        .replace("{id}", &id)
        .replace("{year}", "2026")
        .replace("{roster}", "monitoring-ledger")
}

async fn call(client: &Client, method: &str, path: &str) -> (u16, String) {
    let url = client.url(path);
    let request = match method {
        "get" => client.http.get(url),
        "put" => client.http.put(url).json(&serde_json::json!({})),
        _ => client.http.post(url).json(&serde_json::json!({})),
    };
    let response = request.header("origin", client.base.clone()).send().await.expect("an answer");
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}

async fn counts(app: &TestApp) -> [u64; 4] {
    [
        entities::household::Entity::find().count(app.db()).await.unwrap(),
        entities::household_member::Entity::find().count(app.db()).await.unwrap(),
        entities::risk_case::Entity::find().count(app.db()).await.unwrap(),
        entities::visit::Entity::find().count(app.db()).await.unwrap(),
    ]
}

async fn no_route_reaches_another_units_records(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await.with_other_county().await;
    app.policy(tests::COUNTY, 2026, app::policy::presets::Preset::Fujian2021).await;
    let household = app.household(VILLAGE_A1, 1, "张建国").await;
    let secretary = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let case: serde_json::Value = secretary
        .http
        .post(secretary.url("/api/cases"))
        .header("origin", secretary.base.clone())
        .json(&serde_json::json!({ "household": household, "source": "visit", "risk_type": "medical",
            "description": "住院费用较高" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case = case["value"].as_i64().unwrap_or_else(|| panic!("a case: {case}"));
    let member = entities::household_member::Entity::find().all(app.db()).await.unwrap()[0].id;

    let anonymous = app.browser();
    let other_village = app.signed_in("far", &app.user("far", Role::VillageSecretary, VILLAGE_B1).await).await;
    let other_county = app.signed_in("dazu", &app.user("dazu", Role::CountyOffice, OTHER_COUNTY).await).await;

    let document: serde_json::Value = anonymous.get("/api/openapi.json").await.json().await.unwrap();
    let before = counts(&app).await;
    let mut routes = 0;
    let mut failures = Vec::new();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        if PUBLIC.contains(&path.as_str()) {
            continue;
        }
        for method in operations.as_object().expect("operations").keys() {
            routes += 1;
            let real = fill(path, true, &household, member, case);
            let missing = fill(path, false, &household, member, case);
            let (status, body) = call(&anonymous, method, &real).await;
            if status != 401 {
                failures.push(format!("anonymous {method} {real}: {status} {body}"));
            }
            for (who, client) in [("another village", &other_village), ("another county", &other_county)] {
                let (status, body) = call(client, method, &real).await;
                if status < 400 && method != "get" {
                    failures.push(format!("{who}: {method} {real} answered {status}"));
                }
                if body.contains("张建国") || body.contains(&household) {
                    failures.push(format!("{who}: {method} {real} shows the household: {body}"));
                }
                let absent = call(client, method, &missing).await;
                if real != missing && (status, &body) != (absent.0, &absent.1) {
                    failures.push(format!("{who}: {method} {real} answers {status} {body}, a missing one {absent:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(routes >= 38, "every documented operation but the public ones was called ({routes})");
    assert_eq!(counts(&app).await, before, "nothing changed");
}
both_backends!(api_reach, no_route_reaches_another_units_records);

/// Server functions anyone may call: signing in and out, who is signed in, and the villagers' own report
/// (困难申报, no account).
const PUBLIC_FUNCTIONS: &[&str] = &["login", "logout", "current_user", "public_places", "submit_self_report"];

/// Every server function of the pages, called by an anonymous client with an empty form, asks to sign in
/// (its arguments are not even read).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_function_asks_an_anonymous_client_to_sign_in() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    let anonymous = app.browser();
    let mut failures = Vec::new();
    let mut called = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.trim_start_matches("/rpc/").trim_end_matches(char::is_numeric);
        if PUBLIC_FUNCTIONS.contains(&name) {
            continue;
        }
        called += 1;
        let response = anonymous
            .http
            .post(anonymous.url(path))
            .header("origin", anonymous.base.clone())
            .form(&[("", "")])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap_or_default();
        if status != 401 || !body.contains("Unauthenticated") {
            failures.push(format!("{path}: {status} {body}"));
        }
    }
    assert!(called >= 50, "the server functions were found ({called})");
    assert!(failures.is_empty(), "{} server functions:\n{}", failures.len(), failures.join("\n"));
}
