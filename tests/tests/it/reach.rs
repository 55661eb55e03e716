//! Every JSON API route, read from the OpenAPI document, called by those who must not reach the first county's
//! records: anonymous (asked to sign in), the Party secretary of another village and the county office of
//! another county. For each route with an id, a real record answers exactly like a missing one; lists name
//! none of its households; and nothing changes.

use app::permissions::Role;
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

/// The first county's records a server function may be asked about, and ids nobody has.
struct Records {
    household: String,
    member: i64,
    case: i64,
    meeting: i64,
    item: i64,
    visit: i64,
    user: i64,
    grant: i64,
}

impl Records {
    /// A form that fills every argument name the server functions use, with the real records (or missing
    /// ones): each function reads the fields it declares and ignores the rest.
    fn form(&self, function: &str, real: bool) -> Vec<(String, String)> {
        let missing = |n: i64| if real { n.to_string() } else { "987654".to_string() };
        let id = if function.contains("meeting") {
            self.meeting
        } else if function.contains("visit") {
            self.visit
        } else {
            self.case
        };
        let household = if real { self.household.clone() } else { "50015210120199999".to_string() };
        let unit = if real { VILLAGE_A1 } else { "500152101209" }.to_string();
        let mut form: Vec<(String, String)> = [
            ("code", household.clone()),
            ("id", missing(id)),
            ("case_id", missing(self.case)),
            ("member_id", missing(self.member)),
            ("item_id", missing(self.item)),
            ("user_id", missing(self.user)),
            ("grant_id", missing(self.grant)),
            ("token_id", missing(self.grant)),
            ("batch_id", missing(self.case)),
            ("unit", unit.clone()),
            ("org_code", unit.clone()),
            ("parent_code", unit.clone()),
            ("filter[within]", unit),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        for (key, value) in [
            ("month", "2026-03"),
            ("year", "2026"),
            ("page", "0"),
            ("text", "补充说明"),
            ("reason", "核实理由"),
            ("title", "议题"),
            ("facts", "情况"),
            ("name", "一个名称"),
            ("direction", "up"),
            ("active", "false"),
            ("resolution", "dismissed"),
            ("include_resolved", "false"),
            ("preset", "fujian2021"),
            ("form[note]", "情况说明"),
            ("form[action]", "start_verification"),
            ("form[source]", "visit"),
            ("form[risk_type]", "medical"),
            ("form[description]", "住院费用较高"),
        ] {
            form.push((key.to_string(), value.to_string()));
        }
        // The visit form (its household field names the household too).
        form.extend(tests::visit_form(&household, &[]).into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
        form
    }

    /// The values that differ between the real and the missing form, so an answer that repeats what it was
    /// sent can be compared.
    fn values(&self) -> Vec<String> {
        let mut values: Vec<String> =
            [self.member, self.case, self.meeting, self.item, self.visit, self.user, self.grant]
                .iter()
                .map(i64::to_string)
                .collect();
        values.extend([self.household.clone(), VILLAGE_A1.into(), "987654".into(), "50015210120199999".into()]);
        values.extend(["500152101209".into()]);
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values
    }
}

async fn call_function(client: &Client, path: &str, form: &[(String, String)]) -> (u16, String) {
    let response = client
        .http
        .post(client.url(path))
        .header("origin", client.base.clone())
        .form(form)
        .send()
        .await
        .expect("an answer");
    (response.status().as_u16(), response.text().await.unwrap_or_default())
}

/// Every server function of the pages, called by the Party secretary of another village and by the county
/// office of another county with every argument naming the first county's records, answers exactly as it
/// does for records nobody has; none shows the household, and nothing changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_server_function_reaches_another_units_records() {
    use app::meetings::api::PrepareMeeting;
    use app::visits::api::RecordVisit;
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await.with_other_county().await;
    app.policy(tests::COUNTY, 2026, app::policy::presets::Preset::Fujian2021).await;
    let household = app.household(VILLAGE_A1, 1, "张建国").await;
    let secretary = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let records = {
        let pairs = tests::visit_form(&household, &[("form[problems]", "住院费用较高")]);
        let visit = secretary.server_fn::<RecordVisit>(&pairs).await;
        assert_eq!(visit.status(), 200);
        let visit: i64 = visit.json().await.unwrap();
        let case = entities::risk_case::Entity::find().all(app.db()).await.unwrap();
        let case = case.first().map(|c| c.id).unwrap_or(visit);
        let meeting = secretary.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await;
        assert_eq!(meeting.status(), 200);
        let meeting: i64 = meeting.json().await.unwrap();
        let item = entities::meeting_item::Entity::find().all(app.db()).await.unwrap();
        Records {
            household: household.clone(),
            member: entities::household_member::Entity::find().all(app.db()).await.unwrap()[0].id,
            case,
            meeting,
            item: item.first().map_or(1, |i| i.id),
            visit,
            user: app.user_id("shuji").await,
            grant: entities::user_role::Entity::find().all(app.db()).await.unwrap()[0].id,
        }
    };
    let other_village = app.signed_in("far", &app.user("far", Role::VillageSecretary, VILLAGE_B1).await).await;
    let other_county = app.signed_in("dazu", &app.user("dazu", Role::CountyOffice, OTHER_COUNTY).await).await;

    let before = counts(&app).await;
    let values = records.values();
    let normalise = |body: &str| values.iter().fold(body.to_string(), |b, v| b.replace(v.as_str(), "…"));
    let mut failures = Vec::new();
    let mut called = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.trim_start_matches("/rpc/").trim_end_matches(char::is_numeric);
        if PUBLIC_FUNCTIONS.contains(&name) || name == "change_password" {
            continue;
        }
        called += 1;
        for (who, client) in [("another village", &other_village), ("another county", &other_county)] {
            let (status, body) = call_function(client, path, &records.form(name, true)).await;
            if body.contains("张建国") || body.contains(&records.household) {
                failures.push(format!("{who}: {name} shows the household: {body}"));
            }
            let absent = call_function(client, path, &records.form(name, false)).await;
            if (status, normalise(&body)) != (absent.0, normalise(&absent.1)) {
                failures.push(format!("{who}: {name} answers {status} {body}, for missing records {absent:?}"));
            }
        }
    }
    assert!(called >= 50, "the server functions were found ({called})");
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(counts(&app).await, before, "nothing changed");
}
