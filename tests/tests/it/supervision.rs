//! 专项督查 through the app: a round planned by the county's discipline team, findings recorded in the
//! field, handed over as rectification cases, submitted by the village, re-checked by an independent member
//! and closed; the roles that may not, the round that cannot complete with open findings, the village that
//! sees only its own findings, and the work paper built from the record.

use app::permissions::Role;
use app::policy::presets::Preset;
use serde_json::{Value, json};

use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1};

mod evidence;
mod followup;

pub(super) async fn post(client: &Client, path: &str, body: Value) -> (u16, Value) {
    let response = client.http.post(client.url(path)).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub(super) async fn get(client: &Client, path: &str) -> (u16, Value) {
    let response = client.get(path).await;
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

pub(super) async fn case_step(client: &Client, id: i64, action: &str, note: &str) -> (u16, String) {
    let id = id.to_string();
    let response = client
        .server_fn::<app::cases::api::CaseStep>(&[
            ("id", id.as_str()),
            ("form[action]", action),
            ("form[note]", note),
            ("form[deadline]", ""),
        ])
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A round of the county's discipline team `lead` over 双江镇, planned and started; returns its id.
pub(super) async fn started_round(
    app: &TestApp,
    (lead, lead_name): (&Client, &str),
    title: &str,
    members: &[&str],
    starts_on: &str,
) -> i64 {
    let mut ids = Vec::new();
    for name in members {
        ids.push(app.user_id(name).await.to_string());
    }
    let lead_id = app.user_id(lead_name).await.to_string();
    let plan = json!({ "org_code": COUNTY, "title": title, "year": &starts_on[..4], "half": "h1", "units": [TOWNSHIP_A],
        "members": ids, "lead_user_id": lead_id, "starts_on": starts_on, "ends_on": starts_on });
    let (status, body) = post(lead, "/api/supervision/rounds", plan).await;
    assert_eq!(status, 201, "{body}");
    let round = body["id"].as_i64().unwrap();
    let (status, body) =
        post(lead, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "start" })).await;
    assert_eq!(status, 204, "{body}");
    round
}

pub(super) fn finding(unit: &str, household: &str, item: &str, on_spot: Option<&str>) -> Value {
    let mut form = json!({ "org_code": unit, "household": household, "item": item, "method": "ledger_check",
        "severity": "serious", "description": "3 月未按期召开村级研判会议", "found_on": "2026-03-02" });
    if let Some(action) = on_spot {
        form["on_spot"] = json!("on");
        form["on_spot_action"] = json!(action);
    }
    form
}

async fn a_round_from_plan_to_completion(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let home = app.household(VILLAGE_A1, 1, "张建国").await;
    let missed = app.household(VILLAGE_A1, 2, "刘志成").await;
    {
        // The rules found 刘志成's household a monitoring object; nobody identified it (应纳未纳).
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut row = app.household_row(&missed).await.into_active_model();
        (row.monitoring_status, row.monitoring_class, row.risk_monitored) = (Set("none".into()), Set(None), Set(true));
        row.update(app.db()).await.unwrap();
    }
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let jingfa = app.signed_in("jingfa", &app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await).await;
    let shuji_a2 = app.signed_in("shujia2", &app.user("shujia2", Role::VillageSecretary, VILLAGE_A2).await).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let far = app.signed_in("dafo", &app.user("dafo", Role::VillageSecretary, VILLAGE_B1).await).await;
    let id_of = |name: &'static str| {
        let app = &app;
        async move { app.user_id(name).await.to_string() }
    };
    let members = vec![id_of("fupin").await, id_of("jingfa").await, id_of("shujia2").await];
    let plan = json!({ "org_code": COUNTY, "title": "2026 年上半年防返贫监测帮扶专项督查", "year": "2026", "half": "h1",
        "units": [TOWNSHIP_A], "members": members, "lead_user_id": id_of("jiwei").await,
        "starts_on": "2026-03-02", "ends_on": "2026-03-20" });
    // A village Party secretary does not plan rounds.
    assert_eq!(post(&shuji, "/api/supervision/rounds", plan.clone()).await.0, 403);
    let (status, body) = post(&jiwei, "/api/supervision/rounds", plan).await;
    assert_eq!(status, 201, "{body}");
    let round = body["id"].as_i64().unwrap();
    let item = "研判会议召开并专人专本记录";

    // Findings are recorded while the round is under way, by its members only.
    let (status, body) =
        post(&jiwei, &format!("/api/supervision/rounds/{round}/findings"), finding(VILLAGE_A1, &home, item, None))
            .await;
    assert_eq!(status, 409, "not started: {body}");
    assert_eq!(
        post(&jiwei, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "complete" })).await.0,
        409
    );
    assert_eq!(
        post(&jiwei, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "start" })).await.0,
        204
    );
    assert_eq!(
        post(&shuji, &format!("/api/supervision/rounds/{round}/findings"), finding(VILLAGE_A1, &home, item, None))
            .await
            .0,
        403
    );
    let refused = post(
        &jiwei,
        &format!("/api/supervision/rounds/{round}/findings"),
        json!({ "org_code": VILLAGE_A1, "item": "不存在的事项" }),
    )
    .await;
    assert_eq!(refused.0, 422);
    assert_eq!(refused.1["field"], "item", "{}", refused.1);
    let outside =
        post(&jiwei, &format!("/api/supervision/rounds/{round}/findings"), finding(VILLAGE_B1, "", item, None)).await;
    assert_eq!(outside.0, 422, "{}", outside.1);
    let (_, first) =
        post(&jiwei, &format!("/api/supervision/rounds/{round}/findings"), finding(VILLAGE_A1, &home, item, None))
            .await;
    let (_, on_spot) = post(
        &fupin,
        &format!("/api/supervision/rounds/{round}/findings"),
        finding(VILLAGE_A1, "", "工作资料按目录归档", Some("当场补齐 2 月走访记录归档")),
    )
    .await;
    let (status, third) =
        post(&jiwei, &format!("/api/supervision/rounds/{round}/findings"), finding(VILLAGE_A2, "", item, None)).await;
    assert_eq!(status, 201, "{third}");
    let (first, third) = (first["id"].as_i64().unwrap(), third["id"].as_i64().unwrap());
    assert!(on_spot["id"].as_i64().is_some());

    // Handed over: a rectification case owned by the village's contact, due in the policy's 20 working days.
    let (status, body) = post(
        &jiwei,
        &format!("/api/supervision/findings/{first}/hand-over"),
        json!({ "owner_user_id": id_of("lianxi").await }),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let case_id = body["id"].as_i64().unwrap();
    let case: Value =
        lianxi.server_fn::<app::cases::api::GetCase>(&[("id", &case_id.to_string())]).await.json().await.unwrap();
    assert_eq!(case["summary"]["status"], "Rectifying", "{case}");
    assert_eq!(case["summary"]["deadline"], "2026-03-30");
    assert_eq!(case["summary"]["source_label"], "专项督查");
    assert!(case["summary"]["description"].as_str().unwrap().contains("研判会议召开并专人专本记录"));
    let (status, _) = post(
        &jiwei,
        &format!("/api/supervision/findings/{third}/hand-over"),
        json!({ "owner_user_id": id_of("jingfa").await }),
    )
    .await;
    assert_eq!(status, 201);

    // The village submits; it cannot close its own problem, and the township cannot accept it on the case page.
    assert_eq!(case_step(&lianxi, case_id, "submit", "3 月 10 日补开研判会议并专本记录").await.0, 200);
    assert_eq!(
        post(&lianxi, &format!("/api/supervision/findings/{first}/recheck"), json!({ "result": "pass" })).await.0,
        403
    );
    let (_, generic) = case_step(&jingfa, case_id, "accept", "").await;
    assert!(generic.contains("督查交办的问题由督查组成员"), "{generic}");
    // Another member re-checks: it fails, and goes back to rectification with the reason.
    let (status, body) = post(
        &fupin,
        &format!("/api/supervision/findings/{first}/recheck"),
        json!({ "result": "fail", "note": "专本记录未签字" }),
    )
    .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(case_step(&lianxi, case_id, "submit", "已补签").await.0, 200);
    assert_eq!(
        post(
            &jiwei,
            &format!("/api/supervision/findings/{first}/recheck"),
            json!({ "result": "pass", "note": "专本记录齐全" })
        )
        .await
        .0,
        204
    );
    let case: Value =
        lianxi.server_fn::<app::cases::api::GetCase>(&[("id", &case_id.to_string())]).await.json().await.unwrap();
    assert_eq!(case["summary"]["status"], "Closed");
    // The hand-over sheet, printed after rectification, shows the outcome; the village prints its own too.
    let sheet = |client: &Client| {
        let path = format!("/prints/supervision/{round}/units/{VILLAGE_A1}/handover.pdf");
        let request = client.http.get(client.url(&path));
        async move { request.send().await.unwrap() }
    };
    let response = sheet(&jiwei).await;
    assert_eq!(response.status(), 200);
    let pdf = tests::Pdf::from(response.bytes().await.unwrap().to_vec());
    pdf.qpdf_check();
    let text = pdf.text();
    let joined: String = text.lines().collect();
    assert!(joined.contains("已整改，复核合格销号：专本记录齐全") && joined.contains("2026-03-30"), "{text}");
    tests::assert_snapshot("supervision-handover", &text);
    assert_eq!(sheet(&shuji).await.status(), 200);
    assert_eq!(sheet(&far).await.status(), 404);

    // The A2 problem: its owner cannot re-check it, nor can a member from that village.
    let a2_case: i64 = {
        let (_, r) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
        r["findings"].as_array().unwrap().iter().find(|f| f["id"] == third).unwrap()["case_id"].as_i64().unwrap()
    };
    assert_eq!(case_step(&jingfa, a2_case, "submit", "已整改").await.0, 200);
    let (status, own) =
        post(&jingfa, &format!("/api/supervision/findings/{third}/recheck"), json!({ "result": "pass" })).await;
    assert_eq!(status, 409);
    assert!(own["message"].as_str().unwrap().contains("不能复核自己的整改"), "{own}");
    let (_, unit) =
        post(&shuji_a2, &format!("/api/supervision/findings/{third}/recheck"), json!({ "result": "pass" })).await;
    assert!(unit["message"].as_str().unwrap().contains("被督查单位的人员不能复核"), "{unit}");

    // The round completes only with nothing open: the A2 problem is carried over with its reason.
    assert_eq!(
        post(&jiwei, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "rectify" })).await.0,
        204
    );
    let (status, open) =
        post(&jiwei, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "complete" })).await;
    assert_eq!(status, 409);
    assert!(open["message"].as_str().unwrap().contains("还有 1 个问题未销号"), "{open}");
    assert_eq!(
        post(&jiwei, &format!("/api/supervision/findings/{third}/carry-over"), json!({ "reason": "待下半年督查复核" }))
            .await
            .0,
        204
    );
    assert_eq!(
        post(&jiwei, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "complete" })).await.0,
        204
    );

    // What each sees: the team all of it; 青龙村 its own two findings; another township's village nothing.
    let (_, whole) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    assert_eq!(whole["summary"]["status"], "Completed");
    assert_eq!(whole["findings"].as_array().unwrap().len(), 3);
    let statuses: Vec<&str> =
        whole["findings"].as_array().unwrap().iter().map(|f| f["status_label"].as_str().unwrap()).collect();
    assert!(
        statuses.contains(&"已销号") && statuses.contains(&"立行立改") && statuses.contains(&"已结转"),
        "{statuses:?}"
    );
    let (status, own) = get(&shuji, &format!("/api/supervision/rounds/{round}")).await;
    assert_eq!(status, 200);
    assert_eq!(own["whole"], false);
    let units: Vec<&str> =
        own["findings"].as_array().unwrap().iter().map(|f| f["org_code"].as_str().unwrap()).collect();
    assert_eq!(units, [VILLAGE_A1, VILLAGE_A1], "{own}");
    assert_eq!(get(&far, &format!("/api/supervision/rounds/{round}")).await.0, 404);
    let (_, listed) = get(&far, "/api/supervision/rounds").await;
    assert_eq!(listed, json!([]));

    // The work paper of 青龙村 lists exactly what the record holds: January and February without signed
    // minutes, the monitored household not visited in February, and the household that should be monitored.
    let (status, paper) = get(&jiwei, &format!("/api/supervision/rounds/{round}/units/{VILLAGE_A1}/workpaper")).await;
    assert_eq!(status, 200, "{paper}");
    let group = |title: &str| {
        paper["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["title"].as_str().unwrap().starts_with(title))
            .cloned()
            .unwrap()
    };
    let meetings = group("未按月召开");
    assert_eq!(meetings["total"], 2, "{meetings}");
    assert!(meetings["facts"][0]["text"].as_str().unwrap().contains("青龙村：2026-01"));
    let unvisited = group("监测户 2 月无走访记录");
    assert_eq!(unvisited["total"], 1, "{unvisited}");
    assert_eq!(unvisited["facts"][0]["link"], format!("/households/{home}"));
    let not_included = group("疑似应纳未纳");
    assert_eq!(not_included["total"], 1);
    assert_eq!(not_included["facts"][0]["link"], format!("/households/{missed}"));
    assert_eq!(group("风险案件逾期")["total"], 0);
    assert_eq!(get(&shuji, &format!("/api/supervision/rounds/{round}/units/{VILLAGE_A1}/workpaper")).await.0, 404);
    let page = jiwei.get(&format!("/supervision/{round}/units/{VILLAGE_A1}")).await.text().await.unwrap();
    assert!(page.contains("青龙村督查底稿") && page.contains("疑似应纳未纳"), "{page}");
    let page = jiwei.get(&format!("/supervision/{round}")).await.text().await.unwrap();
    assert!(page.contains("2026 年上半年防返贫监测帮扶专项督查") && page.contains("待下半年督查复核"), "{page}");

    // The summary per unit as a workbook: 双江镇 found 3, one on the spot, two handed over, one closed on time,
    // one carried over.
    let response = jiwei.get(&format!("/api/supervision/rounds/{round}/summary.xlsx")).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let row: Vec<String> = range.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(row[1..], ["双江镇", "3", "1", "2", "1", "1", "0", "1"], "{row:?}");

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!(
        (count("supervision.round_planned"), count("supervision.finding_recorded"), count("supervision.handed_over")),
        (1, 3, 2)
    );
    assert_eq!(
        (count("supervision.rechecked"), count("supervision.carried_over"), count("supervision.round_step")),
        (2, 1, 3)
    );
}
both_backends!(a_round, a_round_from_plan_to_completion);

/// Waits until the page's text contains `text` (at most ten seconds) and says so if it never does.
async fn wait_for_text(client: &fantoccini::Client, text: &str) {
    for _ in 0..100 {
        if tests::browser::text_of(client, "body").await.contains(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page never showed “{text}”: {}", tests::browser::text_of(client, "body").await);
}

/// On a phone, with the release bundle: a team member records a finding on the round's page, photographs it
/// and hands it over; the village submits its rectification; another member re-checks it on the page and it is
/// closed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finding_recorded_handed_over_and_closed_on_a_phone() {
    use fantoccini::Locator;
    use tests::browser::{ChromeDriver, browser, click, save_screenshot, sign_in, wait_for_hydration};
    let app = TestApp::spawn(tests::Backend::Sqlite).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let jiwei_pw = app.user("jiwei", Role::DisciplineTeam, COUNTY).await;
    let fupin_pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let jiwei = app.signed_in("jiwei", &jiwei_pw).await;
    let plan = json!({ "org_code": COUNTY, "title": "2026 年上半年专项督查", "year": "2026", "half": "h1",
        "units": [TOWNSHIP_A], "members": [app.user_id("fupin").await.to_string()],
        "lead_user_id": app.user_id("jiwei").await.to_string(), "starts_on": "2026-03-02", "ends_on": "2026-03-20" });
    let (_, body) = post(&jiwei, "/api/supervision/rounds", plan).await;
    let round = body["id"].as_i64().unwrap();
    assert_eq!(
        post(&jiwei, &format!("/api/supervision/rounds/{round}/steps"), json!({ "step": "start" })).await.0,
        204
    );

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    sign_in(&client, &app.base, "jiwei", &jiwei_pw).await;
    client.goto(&format!("{}/supervision/{round}", app.base)).await.unwrap();
    wait_for_hydration(&client).await;
    client.execute(&format!("document.getElementById('f_unit').value = '{VILLAGE_A1}';"), vec![]).await.unwrap();
    client.find(Locator::Css("#f_household")).await.unwrap().send_keys(&code).await.unwrap();
    client.find(Locator::Css("#f_description")).await.unwrap().send_keys("户主患病住院，走访记录未反映").await.unwrap();
    click(&client, Locator::XPath("//button[contains(., '记录问题')]")).await;
    wait_for_text(&client, "户主患病住院，走访记录未反映").await;
    assert!(tests::browser::text_of(&client, "body").await.contains("张建国户"));
    // The camera button of the finding's evidence: its date starts as the day found; choosing the picture sends it.
    let (_, r) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    let finding_id = r["findings"][0]["id"].as_i64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("现场.jpg");
    std::fs::write(&photo, evidence::photo()).unwrap();
    client
        .find(Locator::Css(&format!("#finding-{finding_id}-evidence_camera")))
        .await
        .unwrap()
        .send_keys(&photo.display().to_string())
        .await
        .unwrap();
    wait_for_text(&client, "已上传 1 个文件").await;
    wait_for_hydration(&client).await;
    assert!(client.find(Locator::Css("ul.evidence img")).await.is_ok(), "the thumbnail is shown");
    assert!(tests::browser::text_of(&client, "body").await.contains("资料日期 2026-03-02"));
    save_screenshot(&client, "phone-supervision-finding").await;
    click(&client, Locator::XPath("//button[contains(., '交办整改')]")).await;
    wait_for_text(&client, "整改案件 #").await;
    client.close().await.unwrap();

    // The village submits its rectification on the case.
    let (_, r) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    let case_id = r["findings"][0]["case_id"].as_i64().unwrap();
    assert_eq!(case_step(&lianxi, case_id, "submit", "已补录 2 月走访记录").await.0, 200);

    // Another member re-checks it on the page: 合格, 销号.
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    sign_in(&client, &app.base, "fupin", &fupin_pw).await;
    client.goto(&format!("{}/supervision/{round}", app.base)).await.unwrap();
    wait_for_hydration(&client).await;
    wait_for_text(&client, "待复核").await;
    click(&client, Locator::XPath("//button[contains(., '提交复核')]")).await;
    wait_for_text(&client, "已销号").await;
    save_screenshot(&client, "phone-supervision-closed").await;
    client.close().await.unwrap();
    let case: Value =
        lianxi.server_fn::<app::cases::api::GetCase>(&[("id", &case_id.to_string())]).await.json().await.unwrap();
    assert_eq!(case["summary"]["status"], "Closed");
}
