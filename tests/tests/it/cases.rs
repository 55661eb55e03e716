//! Cases through the app: registering with the policy's working-day deadline, every step by the right
//! and the wrong role, overdue lists with a fixed clock, scope, and the audit trail.

use app::cases::api::{CaseStep, CreateCase, GetCase};
use app::permissions::Role;
use app::policy::presets::Preset;

use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_B1};

async fn step(client: &Client, id: &str, action: &str, note: &str, deadline: &str) -> (u16, String) {
    let response = client
        .server_fn::<CaseStep>(&[
            ("id", id),
            ("form[action]", action),
            ("form[note]", note),
            ("form[deadline]", deadline),
        ])
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn case(client: &Client, id: &str) -> serde_json::Value {
    client.server_fn::<GetCase>(&[("id", id)]).await.json().await.unwrap()
}

async fn list(client: &Client, view: &str) -> Vec<i64> {
    let response = client
        .server_fn::<app::cases::api::ListCases>(&[("filter[view]", view), ("page", "0")])
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    response["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect()
}

async fn a_case_from_registration_to_closure(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let jingfa_pw = app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;

    // Registered on Monday 2 March 2026: initial review within 5 working days, by Monday 9 March [F].
    let created = lianxi
        .server_fn::<CreateCase>(&[
            ("form[household]", code.as_str()),
            ("form[source]", "visit"),
            ("form[risk_type]", "illness"),
            ("form[description]", "户主突发脑梗住院，自付医疗费约 6 万元"),
            ("form[red_alert]", "on"),
        ])
        .await;
    assert_eq!(created.status(), 200);
    let id = created.text().await.unwrap();
    let c = case(&lianxi, &id).await;
    assert_eq!(c["summary"]["deadline"], "2026-03-09");
    assert_eq!(c["summary"]["status"], "PendingVerification");
    assert!(c["summary"]["owner_name"].as_str().unwrap().contains("lianxi"), "the one registering owns it");
    assert_eq!(c["found_by_unit"], true, "found on a cadre's visit");
    assert_eq!(c["next_actions"], serde_json::json!(["start_verification"]), "the owner may start verifying");

    let (status, _) = step(&lianxi, &id, "start_verification", "", "").await;
    assert_eq!(status, 200);
    assert_eq!(
        case(&lianxi, &id).await["summary"]["deadline"],
        "2026-04-02",
        "verification within a calendar month of registration on 2 March [F]"
    );
    // The contact may not decide; the Party secretary may.
    let (_, refused) = step(&lianxi, &id, "include", "", "2026-04-30").await;
    assert!(refused.contains("应由村党支部书记、镇街经发办工作人员或镇街分管领导办理"), "{refused}");
    let (status, body) = step(&shuji, &id, "include", "纳入监测，落实医疗救助", "2026-04-30").await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = step(&lianxi, &id, "start_rectification", "", "").await;
    assert_eq!(status, 200);
    let (_, no_note) = step(&lianxi, &id, "submit", " ", "").await;
    assert!(no_note.contains("请写明整改完成情况"), "{no_note}");
    assert_eq!(step(&lianxi, &id, "submit", "医疗救助 2.1 万元已到账", "").await.0, 200);
    // Skipping back is refused; the township accepts.
    let (_, skipped) = step(&shuji, &id, "start_verification", "", "").await;
    assert!(skipped.contains("案件当前为“待验收”"), "{skipped}");
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    assert_eq!(step(&jingfa, &id, "accept", "凭证齐全", "").await.0, 200);
    let c = case(&jingfa, &id).await;
    assert_eq!(c["summary"]["status"], "Closed");
    let steps: Vec<&str> =
        c["events"].as_array().unwrap().iter().map(|e| e["action_label"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["登记", "开始核实", "核实后纳入帮扶", "开始整改", "整改完成，提请验收", "验收通过，销号"]);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action.starts_with("case.")).count(), 6);
}
both_backends!(lifecycle, a_case_from_registration_to_closure);

async fn overdue_cases_show_up_and_scope_holds(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let far = app.household(VILLAGE_B1, 2, "刘志成").await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let register = |household: String, deadline: &'static str| {
        let http = lianxi.http.clone();
        let base = lianxi.base.clone();
        async move {
            let client = Client { http, base };
            client
                .server_fn::<CreateCase>(&[
                    ("form[household]", household.as_str()),
                    ("form[source]", "group_leader"),
                    ("form[risk_type]", "housing"),
                    ("form[description]", "房屋墙体开裂"),
                    ("form[deadline]", deadline),
                ])
                .await
        }
    };
    let soon: i64 = register(code.clone(), "2026-03-04").await.text().await.unwrap().parse().unwrap();
    let later: i64 = register(code.clone(), "2026-03-20").await.text().await.unwrap().parse().unwrap();
    let refused = register(far.clone(), "").await.text().await.unwrap();
    assert!(refused.contains("NotFound"), "another village's household: {refused}");

    assert_eq!(list(&lianxi, "mine").await, vec![soon, later], "nearest deadline first");
    assert_eq!(list(&lianxi, "due_week").await, vec![soon]);
    assert!(list(&lianxi, "overdue").await.is_empty());
    app.clock.advance(chrono::Duration::days(3)); // Thursday 5 March
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    assert_eq!(list(&lianxi, "overdue").await, vec![soon]);
    assert_eq!(case(&lianxi, &soon.to_string()).await["summary"]["overdue"], true);
    // The township sees the village's overdue case; another village does not.
    let jingfa = app.signed_in("jingfa", &app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await).await;
    assert_eq!(list(&jingfa, "overdue").await, vec![soon]);
    // The same list as a spreadsheet.
    let xlsx = jingfa.get("/api/cases/export.xlsx?view=overdue").await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 3, "title, header, the one overdue case");
    assert_eq!(rows[2][1], soon.to_string());
    assert!(rows[2][10].ends_with("（已逾期）"), "{:?}", rows[2]);
    let other = app.signed_in("other", &app.user("other", Role::VillageSecretary, VILLAGE_B1).await).await;
    assert!(list(&other, "all").await.is_empty());
    let hidden = other.server_fn::<GetCase>(&[("id", &soon.to_string())]).await.text().await.unwrap();
    assert!(hidden.contains("NotFound"), "{hidden}");
    let (_, moved) = step(&other, &soon.to_string(), "start_verification", "", "").await;
    assert!(moved.contains("NotFound"), "{moved}");
}
both_backends!(overdue, overdue_cases_show_up_and_scope_holds);

async fn a_contact_leaves_and_their_cases_move_with_the_history(backend: tests::Backend) {
    use app::cases::api::ReassignCases;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let old_pw = app.user("old", Role::MonitoringContact, VILLAGE_A1).await;
    app.user("new", Role::MonitoringContact, VILLAGE_A1).await;
    app.user("far", Role::MonitoringContact, VILLAGE_B1).await;
    let old = app.signed_in("old", &old_pw).await;
    let users = app::users::service::list_all(app.db()).await.unwrap();
    let id_of = |name: &str| users.iter().find(|u| u.username == name).unwrap().id.to_string();

    // Two cases through the JSON API, one of them already being verified.
    let mut ids = Vec::new();
    for description in ["因病支出大", "住房漏雨"] {
        let response = old
            .http
            .post(old.url("/api/cases"))
            .json(&serde_json::json!({ "household": code, "source": "visit", "risk_type": "other", "description": description }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        ids.push(body["value"].as_i64().unwrap());
    }
    let stepped = old
        .http
        .post(old.url(&format!("/api/cases/{}/steps", ids[0])))
        .json(&serde_json::json!({ "action": "start_verification" }))
        .send()
        .await
        .unwrap();
    assert_eq!(stepped.status(), 204);

    // The contact may not hand over cases; the Party secretary may, but only to someone of the village.
    let refused = old
        .server_fn::<ReassignCases>(&[
            ("form[from_user_id]", &id_of("old")),
            ("form[to_user_id]", &id_of("new")),
            ("form[reason]", "调离"),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(refused.contains("Forbidden"), "{refused}");
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let wrong = shuji
        .server_fn::<ReassignCases>(&[
            ("form[from_user_id]", &id_of("old")),
            ("form[to_user_id]", &id_of("far")),
            ("form[reason]", "调离"),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong.contains("新责任人不能负责"), "{wrong}");
    let moved = shuji
        .server_fn::<ReassignCases>(&[
            ("form[from_user_id]", &id_of("old")),
            ("form[to_user_id]", &id_of("new")),
            ("form[reason]", "原监测联系人调离"),
        ])
        .await;
    assert_eq!(moved.text().await.unwrap(), "2");
    let c = case(&shuji, &ids[0].to_string()).await;
    assert!(c["summary"]["owner_name"].as_str().unwrap().contains("new"));
    let last = c["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action_label"], "更换责任人");
    assert!(last["note"].as_str().unwrap().contains("原监测联系人调离"));
    assert_eq!(c["events"].as_array().unwrap().len(), 3, "registration, verification and the handover are all kept");
    assert_eq!(c["summary"]["status"], "Verifying", "a handover does not move the case");
}
both_backends!(reassign, a_contact_leaves_and_their_cases_move_with_the_history);

async fn the_start_page_counts_what_needs_doing(backend: tests::Backend) {
    use app::cases::api::CaseCounts;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let lianxi = app.signed_in("lianxi", &pw).await;
    for deadline in ["2026-03-03", "2026-03-06", "2026-04-30"] {
        lianxi
            .server_fn::<CreateCase>(&[
                ("form[household]", code.as_str()),
                ("form[source]", "visit"),
                ("form[risk_type]", "water"),
                ("form[description]", "水源季节性断流"),
                ("form[deadline]", deadline),
            ])
            .await;
    }
    app.clock.advance(chrono::Duration::days(2)); // Wednesday 4 March: the first is overdue
    let lianxi = app.signed_in("lianxi", &pw).await;
    let counts: serde_json::Value = lianxi.server_fn::<CaseCounts>(&[]).await.json().await.unwrap();
    assert_eq!(counts, serde_json::json!({ "mine_open": 3, "mine_overdue": 1, "due_week": 1, "overdue": 1 }));
    let page = lianxi.get("/").await.text().await.unwrap();
    assert!(page.contains("我的已逾期案件"), "the start page shows the counts");
}
both_backends!(counts, the_start_page_counts_what_needs_doing);

/// [F] 8: the household's planned measures through democratic appraisal (the Party secretary), a notice
/// posted on Monday 2 February and over, the township's review and the county's confirmation; the household
/// page and the public notice say what is on notice, never the measures themselves.
async fn appraise_measures(app: &TestApp, code: &str, shuji: &Client) {
    let jingfa = app.signed_in("jingfa", &app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await).await;
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let proposed =
        shuji.http.post(shuji.url(&format!("/api/households/{code}/measures-appraisal"))).send().await.unwrap();
    assert_eq!(proposed.status(), 204, "{}", proposed.text().await.unwrap());
    let take = |client: &Client, fields: Vec<(&'static str, &'static str)>| {
        let (http, base) = (client.http.clone(), client.base.clone());
        let code = code.to_string();
        async move {
            let mut form = vec![("code", code.as_str())];
            form.extend(fields);
            let response = Client { http, base }.server_fn::<app::workflow::api::IdentificationStep>(&form).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let verify = vec![("form[step]", "village_verify"), ("form[approve]", "yes"), ("form[note]", "评议通过")];
    assert_eq!(take(shuji, verify).await.0, 200);
    assert_eq!(take(shuji, vec![("form[step]", "post_notice"), ("form[start]", "2026-02-02")]).await.0, 200);
    let page = shuji.get(&format!("/households/{code}")).await.text().await.unwrap();
    assert!(page.contains("帮扶措施民主评议和公示") && page.contains("公示中"), "{page}");
    let notice = shuji.get(&format!("/prints/households/{code}/public-notice.pdf")).await;
    assert_eq!(notice.status(), 200);
    let text = tests::Pdf::from(notice.bytes().await.unwrap().to_vec()).text();
    assert!(text.contains("拟落实帮扶措施") && !text.contains("物流园"), "{text}");
    assert_eq!(take(&jingfa, vec![("form[step]", "township_review"), ("form[approve]", "yes")]).await.0, 200);
    let (status, body) = take(&fupin, vec![("form[step]", "county_approve"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 200, "{body}");
    let file: serde_json::Value = shuji.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(file["measures_appraisal"]["stage_label"], "县级确认，帮扶措施可以落实", "{file}");
}

async fn measures_make_the_households_plan(backend: tests::Backend) {
    use app::cases::api::SaveMeasure;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let id = lianxi
        .server_fn::<CreateCase>(&[
            ("form[household]", code.as_str()),
            ("form[source]", "self_report"),
            ("form[risk_type]", "employment"),
            ("form[description]", "户主失业返乡"),
        ])
        .await
        .text()
        .await
        .unwrap();
    let measure = |status: &str, measure_id: &str| {
        vec![
            ("case_id", id.clone()),
            ("form[measure_id]", measure_id.to_string()),
            ("form[category]", "employment".to_string()),
            ("form[description]", "推荐至县城物流园务工".to_string()),
            ("form[responsible_person]", "李四（镇人社所）".to_string()),
            ("form[start_on]", "2026-03-02".to_string()),
            ("form[end_on]", "".to_string()),
            ("form[status]", status.to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let http = lianxi.http.clone();
        let base = lianxi.base.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Client { http, base }.server_fn::<SaveMeasure>(&pairs).await.text().await.unwrap()
        }
    };
    let early = send(measure("planned", "")).await;
    assert!(early.contains("案件当前为“待核实”"), "measures come after inclusion: {early}");
    step(&lianxi, &id, "start_verification", "", "").await;
    assert_eq!(step(&shuji, &id, "include", "纳入就业帮扶", "2026-04-30").await.0, 200);
    assert_eq!(send(measure("planned", "")).await, "null");
    let c = case(&lianxi, &id).await;
    let measure_id = c["measures"][0]["id"].as_i64().unwrap().to_string();
    // [F] 8: under Fujian's policy a measure goes into effect only after democratic appraisal, public notice
    // and the county's confirmation; a new one cannot start as 落实中.
    let early = send(measure("done", &measure_id)).await;
    assert!(early.contains("该措施尚未经民主评议和公示"), "{early}");
    let straight = send(measure("in_progress", "")).await;
    assert!(straight.contains("请先登记为“计划中”"), "{straight}");
    appraise_measures(&app, &code, &shuji).await;
    assert_eq!(send(measure("done", &measure_id)).await, "null");
    let detail: serde_json::Value = lianxi.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(detail["plan"][0]["status_label"], "已落实", "the household's plan shows its cases' measures");
    let c = case(&lianxi, &id).await;
    let notes: Vec<&str> = c["events"].as_array().unwrap().iter().map(|e| e["note"].as_str().unwrap()).collect();
    assert!(
        notes.iter().any(|n| n.contains("新增措施")) && notes.iter().any(|n| n.contains("计划中 → 已落实")),
        "{notes:?}"
    );

    // [H] Under Huoshan's policy a 不享受政策的脱贫户 gets no subsidy for a job loss; the refusal says why.
    app.policy(COUNTY, 2026, Preset::Huoshan2020).await;
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut row = app.household_row(&code).await.into_active_model();
        row.monitoring_class = Set(Some("不享受政策的脱贫户".into()));
        row.update(app.db()).await.unwrap();
    }
    let refused = send(measure("planned", "")).await;
    assert!(refused.contains("该户为“不享受政策的脱贫户”，原则上不再享受财政扶贫资金补贴补助类政策"), "{refused}");
    assert_eq!(case(&lianxi, &id).await["measures"].as_array().unwrap().len(), 1, "nothing saved");
    // Temporary relief is not a subsidy of the poverty funds.
    let mut relief = measure("planned", "");
    relief[2].1 = "temporary_relief".into();
    assert_eq!(send(relief).await, "null");
    // [G] 防贫保险 names what it pays out for (back under Fujian's policy, where the class is not on that roster).
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let mut insurance = measure("planned", "");
    insurance[2].1 = "insurance".into();
    let refused = send(insurance.clone()).await;
    assert!(refused.contains("防贫保险请选择理赔原因"), "{refused}");
    insurance.push(("form[insurance_cause]", "illness".into()));
    assert_eq!(send(insurance).await, "null");
    let c = case(&lianxi, &id).await;
    assert_eq!(c["measures"][2]["insurance_cause"], "Illness", "{c}");
}
both_backends!(measures, measures_make_the_households_plan);
