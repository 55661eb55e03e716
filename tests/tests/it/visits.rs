//! Visits: recording one (checklist → assessments, finances → the income record, a problem → a case,
//! in one transaction), refusals that save nothing, addenda, scope, "my visits", unit coverage, the
//! sweep's ledgers, and the printed sheets (one recorded, a village's batch in route order).

use app::permissions::Role;
use app::policy::presets::Preset;
use app::visits::api::{AmendVisit, RecordVisit};
use chrono::{NaiveDate, TimeZone, Utc};
use entities::{household_income, risk_case, security_assessment, visit};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, PaginatorTrait, Set};

use tests::both_backends;
use tests::{COUNTY, GROUP_A1_1, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1};

/// Record a visit through the form's server function, as the page does; the new visit's id.
async fn recorded(client: &tests::Client, form: &[(&str, &str)]) -> i64 {
    let response = client.server_fn::<RecordVisit>(form).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// The body of a refused server function call (the form shows its message under the field).
async fn refusal(response: reqwest::Response) -> String {
    assert_ne!(response.status(), 200, "refused");
    response.text().await.unwrap()
}

/// Make `username` the household's monitoring contact, on the register since 2025.
async fn assign_contact(app: &TestApp, code: &str, username: &str) {
    let mut h = app.household_row(code).await.into_active_model();
    h.contact_user_id = Set(Some(app.user_id(username).await));
    h.created_at = Set(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap());
    h.update(app.db()).await.unwrap();
}

/// A visit recorded earlier (straight into the table, as an earlier month's work).
pub(super) async fn earlier_visit(
    app: &TestApp,
    code: &str,
    on: &str,
    visitor: &str,
    sweep: bool,
    ledger: Option<&str>,
) {
    let h = app.household_row(code).await;
    visit::ActiveModel {
        household_id: Set(h.id),
        org_code: Set(h.org_code.clone()),
        visited_on: Set(NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap()),
        mode: Set("in_person".into()),
        sweep: Set(sweep),
        visitor_user_id: Set(app.user_id(visitor).await),
        companions: Set(String::new()),
        checklist: Set("[]".into()),
        finance_note: Set(String::new()),
        income_year: Set(None),
        problems: Set("[]".into()),
        assistance: Set(String::new()),
        ledger_class: Set(ledger.map(str::to_string)),
        acknowledgement: Set("signed".into()),
        acknowledged_by: Set("户主".into()),
        created_at: Set(app.clock_now()),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
}

async fn a_visit_updates_the_household_and_opens_a_case(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let other = app.signed_in("dafo", &app.user("dafo", Role::MonitoringContact, VILLAGE_B1).await).await;
    assign_contact(&app, &code, "lianxi").await;

    // Before: the sweep is due this month, and February's monthly visit (边缘易致贫户 in Fujian) was missed.
    let mine: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    let duties = |part: &str| -> Vec<String> {
        mine[part].as_array().unwrap().iter().map(|d| d["duty"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(duties("due"), ["年度集中排查（3 月 31 日前）"], "{mine}");
    assert_eq!(duties("overdue"), ["边缘易致贫户（每月走访）"], "{mine}");
    assert_eq!(mine["overdue"][0]["standing"]["Overdue"]["missed_end"], "2026-02-28");

    // A problem without its note is refused in Chinese, and nothing is saved.
    let refused =
        refusal(lianxi.server_fn::<RecordVisit>(&tests::visit_form(&code, &[("form[housing]", "failed")])).await).await;
    assert!(
        refused.contains("housing_note") && refused.contains("“住房安全有保障”有风险或未达标，请说明具体情况。"),
        "{refused}"
    );
    assert_eq!(visit::Entity::find().count(app.db()).await.unwrap(), 0);
    assert_eq!(security_assessment::Entity::find().count(app.db()).await.unwrap(), 0);

    // The sweep visit: the roof leaks (a case, red alert), the wage figures replace 2025's record.
    let form = tests::visit_form(
        &code,
        &[
            ("form[sweep]", "on"),
            ("form[housing]", "failed"),
            ("form[housing_note]", "东侧房屋漏雨，墙体开裂"),
            ("form[finance_note]", "户主外出务工，月收入约 3000 元"),
            ("form[income][year]", "2025"),
            ("form[income][wage]", "36000"),
            ("form[income][transfer]", "1200"),
            ("form[problem1]", "房屋漏雨需维修"),
            ("form[problem1_type]", "housing"),
            ("form[problem1_case]", "on"),
            ("form[problem2]", "孙子上学路远"),
            ("form[problem2_type]", "education"),
            ("form[assistance]", "宣传危房改造政策"),
            ("form[ledger_class]", "边缘易致贫户"),
        ],
    );
    let id = recorded(&lianxi, &form).await;

    let saved = visit::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap();
    assert!(saved.sweep);
    assert_eq!(saved.ledger_class.as_deref(), Some("边缘易致贫户"));
    let assessments = security_assessment::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(assessments.len(), 6, "the whole checklist");
    assert!(assessments.iter().any(|a| a.item == "housing" && a.status == "failed" && a.note.contains("漏雨")));
    let income = household_income::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((income.year, income.wage_fen, income.transfer_fen), (2025, 3_600_000, 120_000));
    let case = risk_case::Entity::find().one(app.db()).await.unwrap().expect("one case");
    assert_eq!((case.source.as_str(), case.risk_type.as_str(), case.red_alert), ("visit", "housing", true));
    assert_eq!(case.owner_user_id, app.user_id("lianxi").await);
    assert_eq!(risk_case::Entity::find().count(app.db()).await.unwrap(), 1, "only the ticked problem opens a case");
    let problems: serde_json::Value = serde_json::from_str(&saved.problems).unwrap();
    assert_eq!(problems[0]["case_id"], case.id);
    assert!(problems[1]["case_id"].is_null());
    let household = app.household_row(&code).await;
    assert!(household.red_alert, "re-evaluated: a failed item is a red alert");

    // After: both duties done.
    let mine: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    assert!(mine["due"].as_array().unwrap().is_empty() && mine["overdue"].as_array().unwrap().is_empty(), "{mine}");
    assert_eq!(mine["done"].as_array().unwrap().len(), 2);

    // The record is amended only by an addendum, which keeps who and when.
    let amended =
        lianxi.server_fn::<AmendVisit>(&[("id", &id.to_string()), ("text", "户主补充：漏雨已临时遮盖")]).await;
    assert_eq!(amended.status(), 200);
    let view: serde_json::Value = lianxi.get(&format!("/api/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["addenda"][0]["text"], "户主补充：漏雨已临时遮盖");
    assert_eq!(view["checklist"][4]["note"], "东侧房屋漏雨，墙体开裂", "the record itself is unchanged");
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    for action in ["visit.recorded", "visit.amended", "household.income_saved", "case.created"] {
        assert!(audit.iter().any(|r| r.action == action), "{action} audited");
    }

    // A later visit whose form keeps the figures as pre-filled changes no record and names no income year.
    let again = tests::visit_form(
        &code,
        &[
            ("form[housing]", "failed"),
            ("form[housing_note]", "东侧房屋漏雨，墙体开裂"),
            ("form[income][year]", "2025"),
            ("form[income][wage]", "36000.00"),
            ("form[income][transfer]", "1200"),
        ],
    );
    let again = recorded(&lianxi, &again).await;
    assert_eq!(visit::Entity::find_by_id(again).one(app.db()).await.unwrap().unwrap().income_year, None);
    assert_eq!(saved.income_year, Some(2025), "the first visit changed the record");
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    assert_eq!(audit.iter().filter(|r| r.action == "household.income_saved").count(), 1);

    // A photo from the visit: kept with it (as evidence, withdrawn never deleted), audited, served in scope.
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([(x * 7) as u8, (y * 9) as u8, 90]))
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    let upload = |client: &tests::Client, bytes: Vec<u8>| {
        let form =
            reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(bytes).file_name("屋顶.jpg"));
        client
            .http
            .post(client.url(&format!("/api/visits/{id}/photos")))
            .header("origin", client.base.clone())
            .multipart(form)
            .send()
    };
    let uploaded = upload(&lianxi, jpeg.get_ref().clone()).await.unwrap();
    assert_eq!(uploaded.status(), 201, "{}", uploaded.text().await.unwrap());
    let view: serde_json::Value = lianxi.get(&format!("/api/visits/{id}")).await.json().await.unwrap();
    let photo = &view["photos"][0];
    assert_eq!((photo["file_name"].as_str(), photo["attached_to"].as_str()), (Some("屋顶.jpg"), Some("走访照片")));
    let photo_id = photo["id"].as_i64().unwrap();
    assert_eq!(lianxi.get(&format!("/evidence/{photo_id}/thumbnail")).await.status(), 200);
    assert_eq!(other.get(&format!("/evidence/{photo_id}")).await.status(), 404);
    assert_eq!(upload(&other, jpeg.get_ref().clone()).await.unwrap().status(), 404);
    let withdrawn = lianxi
        .server_fn::<app::evidence::api::WithdrawEvidence>(&[("id", &photo_id.to_string()), ("reason", "拍错了户")])
        .await;
    assert_eq!(withdrawn.status(), 200, "{}", withdrawn.text().await.unwrap());
    let view: serde_json::Value = lianxi.get(&format!("/api/visits/{id}")).await.json().await.unwrap();
    assert_eq!(view["photos"][0]["withdrawn"]["reason"], "拍错了户");
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    for action in ["visit.photo_uploaded", "visit.photo_withdrawn"] {
        assert!(audit.iter().any(|r| r.action == action), "{action} audited");
    }

    // Another village's contact neither sees nor amends it, nor records a visit of this household.
    assert_eq!(other.get(&format!("/api/visits/{id}")).await.status(), 404);
    assert!(
        refusal(other.server_fn::<AmendVisit>(&[("id", &id.to_string()), ("text", "x")]).await)
            .await
            .contains("NotFound")
    );
    assert!(refusal(other.server_fn::<RecordVisit>(&tests::visit_form(&code, &[])).await).await.contains("NotFound"));
    assert_eq!(visit::Entity::find().count(app.db()).await.unwrap(), 2, "the two visits of the contact");

    // The recorded sheet: what was found, the case, the addendum; IDs masked; a clean A4 PDF.
    let sheet = lianxi.get(&format!("/prints/visits/{id}/visit-sheet.pdf")).await;
    assert_eq!(sheet.status(), 200);
    let bytes = sheet.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("PRINT_SAMPLES") {
        std::fs::write(format!("{dir}/visit-sheet-recorded.pdf"), &bytes).unwrap();
    }
    let pdf = tests::Pdf::from(bytes);
    pdf.qpdf_check();
    assert!(pdf.page_size().contains("A4"));
    assert_eq!(pdf.pages(), 1, "the signature lines fit on the page with the record, so they stay there");
    let text = pdf.text();
    let flat = text.replace('\n', "");
    for expected in [
        "年度集中排查（列入边缘易致贫户台账）",
        "住房安全有保障 未达标",
        "东侧房屋漏雨",
        &format!("已立案 {} 号", case.id),
        "已更新 2025 年收支记录",
        "漏雨已临时遮盖",
        "张建国：已在走访记录表上签字",
    ] {
        assert!(flat.contains(expected), "{expected} in:\n{text}");
    }
    let head_id = app.resident_id_of(&code, "张建国").await;
    assert!(!text.contains(&head_id));
    tests::assert_snapshot("visit-sheet-recorded", &text.replace(&format!("已立案 {} 号", case.id), "已立案 N 号"));
    assert_eq!(other.get(&format!("/prints/visits/{id}/visit-sheet.pdf")).await.status(), 404);
}

both_backends!(visit_updates_household_and_opens_case, a_visit_updates_the_household_and_opens_a_case);

async fn coverage_overdue_and_the_sweep_ledgers(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let zhen = app.signed_in("zhen", &app.user("zhen", Role::TownshipStaff, tests::TOWNSHIP_A).await).await;
    let on_time = app.household(VILLAGE_A1, 1, "按期户").await;
    let late = app.household(GROUP_A1_1, 2, "补访户").await;
    let never = app.household(VILLAGE_A1, 3, "未访户").await;
    for code in [&on_time, &late, &never] {
        assign_contact(&app, code, "lianxi").await;
    }
    earlier_visit(&app, &on_time, "2026-02-10", "lianxi", true, Some("边缘易致贫户")).await;
    earlier_visit(&app, &late, "2026-03-01", "lianxi", true, None).await;

    // February: one on time, one made up in March, one never.
    let february: serde_json::Value =
        zhen.get(&format!("/api/visits/coverage?unit={VILLAGE_A1}&month=2026-02")).await.json().await.unwrap();
    let monthly = february["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["duty"] == "边缘易致贫户（每月走访）")
        .map(|r| r["counts"].clone())
        .fold((0, 0, 0), |(o, l, n), c| {
            (o + c["on_time"].as_u64().unwrap(), l + c["late"].as_u64().unwrap(), n + c["never"].as_u64().unwrap())
        });
    assert_eq!(monthly, (1, 1, 1), "{february}");
    let gaps: Vec<(&str, &str)> = february["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["duty"] == "边缘易致贫户（每月走访）")
        .map(|g| (g["head_name"].as_str().unwrap(), g["coverage"].as_object().map_or("Never", |_| "Late")))
        .collect();
    assert_eq!(gaps, [("未访户", "Never"), ("补访户", "Late")], "route order: the village's own, then its group");

    // "My visits" on 2 March: the household missed in February is overdue; the others are due or done.
    let mine: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    let names = |part: &str, duty: &str| -> Vec<String> {
        mine[part]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["duty"] == duty)
            .map(|d| d["head_name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names("overdue", "边缘易致贫户（每月走访）"), ["未访户"]);
    assert_eq!(names("done", "边缘易致贫户（每月走访）"), ["补访户"]);
    assert_eq!(names("due", "边缘易致贫户（每月走访）"), ["按期户"]);
    assert_eq!(names("due", "年度集中排查（3 月 31 日前）"), ["未访户"]);

    // The sweep so far: two of three swept, one placed in a ledger.
    let sweep: serde_json::Value =
        zhen.get(&format!("/api/visits/sweep?unit={VILLAGE_A1}")).await.json().await.unwrap();
    assert_eq!((sweep["households"].as_u64(), sweep["swept"].as_u64()), (Some(3), Some(2)), "{sweep}");
    let ledger = sweep["ledgers"].as_array().unwrap().iter().find(|l| l["class"] == "边缘易致贫户").unwrap();
    assert_eq!(ledger["entries"][0]["head_name"], "按期户");
    assert_eq!(sweep["ordinary"], 1);
    assert_eq!(sweep["not_swept"][0]["head_name"], "未访户");
    // The ledgers as a spreadsheet for filing: the household in its ledger, who swept it and when; audited.
    let file = zhen.get(&format!("/api/visits/sweep/ledgers.xlsx?unit={VILLAGE_A1}&year=2026")).await;
    assert_eq!(file.status(), 200);
    let bytes = file.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(rows[0][0].contains("2026年度集中排查台账"), "{rows:?}");
    assert_eq!(rows.len(), 3, "title, header and the one household in a ledger: {rows:?}");
    assert_eq!(rows[2][1..5], ["边缘易致贫户", "青龙村", on_time.as_str(), "按期户"], "{rows:?}");
    assert_eq!((rows[2][6].as_str(), rows[2][7].as_str()), ("2026-02-10", "测试lianxi"), "{rows:?}");
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 50).await.unwrap();
    assert!(audit.iter().any(|r| r.action == "export.downloaded" && r.entity_id == "sweep-ledgers"));
    assert_eq!(
        lianxi.get(&format!("/api/visits/sweep/ledgers.xlsx?unit={}", tests::TOWNSHIP_A)).await.status(),
        404,
        "a village contact cannot download the township's"
    );

    // A village contact cannot look at the township; nobody looks at the future.
    assert_eq!(
        lianxi.get(&format!("/api/visits/coverage?unit={}&month=2026-02", tests::TOWNSHIP_A)).await.status(),
        404
    );
    let (status, message) =
        tests::error_message(zhen.get(&format!("/api/visits/coverage?unit={VILLAGE_A1}&month=2026-05")).await).await;
    assert_eq!((status, message.as_str()), (422, "不能查看未来月份的走访情况。"));
}

both_backends!(coverage_and_ledgers, coverage_overdue_and_the_sweep_ledgers);

async fn a_villages_due_sheets_print_in_route_order(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let other = app.signed_in("dafo", &app.user("dafo", Role::VillageSecretary, VILLAGE_B1).await).await;
    // Created out of route order: the group's household comes after the village's own, by address.
    let wang = app.household(GROUP_A1_1, 3, "王五").await;
    let li = app.household(VILLAGE_A1, 2, "李四").await;
    let done = app.household(VILLAGE_A1, 1, "张三").await;
    // 张三 was swept and visited this month: nothing due, no sheet.
    earlier_visit(&app, &done, "2026-03-01", "shuji", true, None).await;

    let response = shuji.get(&format!("/prints/villages/{VILLAGE_A1}/visit-sheets.pdf?month=2026-03")).await;
    assert_eq!(response.status(), 200);
    let pdf = tests::Pdf::from(response.bytes().await.unwrap().to_vec());
    pdf.qpdf_check();
    assert_eq!(pdf.pages(), 2, "one sheet per household due");
    assert!(pdf.page_text(1).contains("李四") && pdf.page_text(2).contains("王五"), "route order");
    assert!(!pdf.text().contains("张三"));
    // Each household printed is on the audit log under its own code, and the batch under the village.
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let mut printed: Vec<&str> = audit
        .iter()
        .filter(|r| r.action == "print.household_form" && r.changes.contains("visit-sheets-due"))
        .map(|r| r.entity_id.as_str())
        .collect();
    printed.sort();
    let mut due = vec![li.as_str(), wang.as_str()];
    due.sort();
    assert_eq!(printed, due);
    assert!(audit.iter().any(|r| r.action == "print.visit_sheets" && r.entity_id == VILLAGE_A1));

    // Scope, a village with nobody due, and a township (batches go village by village).
    assert_eq!(other.get(&format!("/prints/villages/{VILLAGE_A1}/visit-sheets.pdf")).await.status(), 404);
    let zhen = app.signed_in("zhen", &app.user("zhen", Role::TownshipStaff, tests::TOWNSHIP_A).await).await;
    let (status, message) =
        tests::error_message(zhen.get(&format!("/prints/villages/{VILLAGE_A2}/visit-sheets.pdf")).await).await;
    assert_eq!(status, 409);
    assert!(message.contains("金龙村本月没有应访农户"), "{message}");
    let (status, message) =
        tests::error_message(zhen.get(&format!("/prints/villages/{}/visit-sheets.pdf", tests::TOWNSHIP_A)).await).await;
    assert_eq!(status, 422);
    assert!(message.contains("批量打印按村进行"), "{message}");
}

both_backends!(village_batch_print, a_villages_due_sheets_print_in_route_order);

/// A policy's counted modes: a phone call meets Huoshan's monthly contact [H] but never the sweep.
async fn remote_contact_counts_where_the_policy_says(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Huoshan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    assign_contact(&app, &code, "lianxi").await;
    let mut h = app.household_row(&code).await.into_active_model();
    h.monitoring_class = Set(Some("脱贫监测户".into()));
    h.update(app.db()).await.unwrap();

    let sweep_by_phone = tests::visit_form(
        &code,
        &[("form[mode]", "phone"), ("form[sweep]", "on"), ("form[acknowledgement]", "remote")],
    );
    let refused = refusal(lianxi.server_fn::<RecordVisit>(&sweep_by_phone).await).await;
    assert!(refused.contains("年度集中排查须入户，电话、微信或视频联系不能计为排查。"), "{refused}");
    let call = tests::visit_form(&code, &[("form[mode]", "phone"), ("form[acknowledgement]", "remote")]);
    assert_eq!(lianxi.server_fn::<RecordVisit>(&call).await.status(), 200);
    let mine: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    let duties = |part: &str| -> Vec<String> {
        mine[part].as_array().unwrap().iter().map(|d| d["duty"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(duties("done"), ["脱贫监测户（每月走访）"]);
    assert_eq!(duties("due"), ["年度集中排查（3 月 27 日前）"], "Huoshan's sweep ends 27 March [H]");
}

both_backends!(remote_contact, remote_contact_counts_where_the_policy_says);

/// Reminders: once for a period that passed unmet, once as a period with visits due nears its end.
async fn reminders_once_per_period(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    assign_contact(&app, &code, "lianxi").await;
    let lianxi = app.user_id("lianxi").await;
    let notices = || async {
        entities::notification::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .into_iter()
            .filter(|n| n.user_id == lianxi && n.category == "visits_due")
            .map(|n| n.title)
            .collect::<Vec<_>>()
    };

    // 2 March: February's monthly visit was missed; the sweep is due by 31 March, not yet near.
    assert_eq!(app::visits::service::due::remind(app.db(), app.clock_now()).await.unwrap(), 1);
    assert_eq!(app::visits::service::due::remind(app.db(), app.clock_now()).await.unwrap(), 0, "told once");
    assert_eq!(notices().await, ["走访逾期：1 户次应访未访"]);

    // Friday 27 March: 31 March is two working days away (the policy's reminder days).
    app.clock.advance(chrono::Duration::days(25));
    assert_eq!(app::visits::service::due::remind(app.db(), app.clock_now()).await.unwrap(), 1);
    assert_eq!(notices().await[1], "走访提醒：2026-03-31 前尚有 1 户次应访未访");
}

both_backends!(reminders, reminders_once_per_period);

/// Who owes a visit follows the policy: a warning household's quarterly visits fall to the village's
/// resident cadre and information officer (Yihe: "驻村干部和信息员"), counted from the day its sweep
/// placed it in the warning ledger; a paper sheet typed in by the information officer credits the cadre
/// who made the visit and keeps who typed it.
async fn the_policy_names_who_visits_and_who_made_the_visit(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Yihe2022).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let xinxi = app.signed_in("xinxi", &app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await).await;
    app.user("zhucun", Role::ResidentCadre, VILLAGE_A1).await;
    app.user("dafo", Role::VillageSecretary, VILLAGE_B1).await;
    assign_contact(&app, &code, "lianxi").await;
    let mut h = app.household_row(&code).await.into_active_model();
    h.monitoring_class = Set(None);
    h.monitoring_status = Set("none".into());
    h.update(app.db()).await.unwrap();
    // Last year's sweep placed it in the warning ledger in November.
    earlier_visit(&app, &code, "2025-11-10", "lianxi", true, Some("防贫预警户")).await;

    let duties = |mine: &serde_json::Value, part: &str| -> Vec<String> {
        mine[part].as_array().unwrap().iter().map(|d| d["duty"].as_str().unwrap().to_string()).collect()
    };
    // The quarter after the one it was placed in is due, and the part-quarter it was placed in never made it
    // overdue; the visits are the information officer's, not the contact's.
    let mine: serde_json::Value = xinxi.get("/api/visits/mine").await.json().await.unwrap();
    assert_eq!(duties(&mine, "due"), ["防贫预警户（每 3 个月走访）"], "{mine}");
    let contact: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    assert!(!format!("{contact}").contains("防贫预警户"), "{contact}");

    // The information officer types in the resident cadre's sheet: the visitor must be someone who may
    // visit the household; the cadre is credited, the typist kept, and the quarter is done.
    let outsider = app.user_id("dafo").await.to_string();
    let refused =
        refusal(xinxi.server_fn::<RecordVisit>(&tests::visit_form(&code, &[("form[visitor]", &outsider)])).await);
    assert!(refused.await.contains("走访人应为能走访该户的干部"));
    let zhucun = app.user_id("zhucun").await;
    let id = recorded(&xinxi, &tests::visit_form(&code, &[("form[visitor]", &zhucun.to_string())])).await;
    let row = visit::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((row.visitor_user_id, row.recorded_by), (zhucun, Some(app.user_id("xinxi").await)));
    let view: serde_json::Value = xinxi.get(&format!("/api/visits/{id}")).await.json().await.unwrap();
    assert_eq!((view["visitor"].as_str(), view["recorded_by"].as_str()), (Some("测试zhucun"), Some("测试xinxi")));
    let mine: serde_json::Value = xinxi.get("/api/visits/mine").await.json().await.unwrap();
    assert_eq!(duties(&mine, "done"), ["防贫预警户（每 3 个月走访）"], "{mine}");
    let sheet = tests::Pdf::from(
        xinxi.get(&format!("/prints/visits/{id}/visit-sheet.pdf")).await.bytes().await.unwrap().to_vec(),
    );
    assert!(sheet.text().replace('\n', "").contains("测试zhucun（测试xinxi代为录入）"), "{}", sheet.text());

    // A household with no contact: its sweep falls to the village staff, so it is somebody's to do.
    let orphan = app.household(VILLAGE_A1, 2, "李秀英").await;
    let owed_by = |mine: &serde_json::Value| -> Vec<String> {
        mine["due"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["household_code"] == orphan.as_str())
            .map(|d| d["duty"].as_str().unwrap().to_string())
            .collect()
    };
    let mine: serde_json::Value = xinxi.get("/api/visits/mine").await.json().await.unwrap();
    assert_eq!(owed_by(&mine), ["年度集中排查（3 月 31 日前）"], "{mine}");
    let contact: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    assert!(owed_by(&contact).is_empty(), "{contact}");
}

both_backends!(who_visits, the_policy_names_who_visits_and_who_made_the_visit);

async fn a_households_duties_stay_together_on_the_route(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let zhang = app.household(VILLAGE_A1, 1, "张建国").await;
    let li = app.household(VILLAGE_A1, 2, "李四").await;
    for code in [&zhang, &li] {
        assign_contact(&app, code, "lianxi").await;
        earlier_visit(&app, code, "2025-12-10", "lianxi", false, None).await;
    }
    // Mid-January: each household owes January's monthly visit and the sweep (by 31 March).
    app.clock.advance(chrono::Duration::days(-50));

    let mine: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    let due: Vec<(String, String)> = mine["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["head_name"].as_str().unwrap().to_string(), d["due_by"].as_str().unwrap().to_string()))
        .collect();
    let expected = [("张建国", "2026-01-31"), ("张建国", "2026-03-31"), ("李四", "2026-01-31"), ("李四", "2026-03-31")];
    assert_eq!(due, expected.map(|(n, d)| (n.to_string(), d.to_string())), "one household's cards together: {mine}");
}

both_backends!(duties_together, a_households_duties_stay_together_on_the_route);

/// Early in the morning in Beijing the UTC date is still yesterday's: "today" is Beijing's, so the form
/// starts from today's date, which saves, and the first of a month already owes that month's visit.
async fn today_is_the_beijing_date(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let password = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    assign_contact(&app, &code, "lianxi").await;
    // 2026-03-02 16:30 UTC is 00:30 on 3 March in Beijing.
    app.clock.advance(chrono::Duration::minutes(15 * 60 + 30));
    let lianxi = app.signed_in("lianxi", &password).await;
    let start = lianxi.server_fn::<app::visits::api::StartVisit>(&[("code", code.as_str())]).await;
    let start: serde_json::Value = start.json().await.unwrap();
    assert_eq!(start["form"]["visited_on"], "2026-03-03", "{start}");
    recorded(&lianxi, &tests::visit_form(&code, &[("form[visited_on]", "2026-03-03")])).await;
    let mine: serde_json::Value = lianxi.get("/api/visits/mine").await.json().await.unwrap();
    assert_eq!(mine["today"], "2026-03-03", "{mine}");
}

both_backends!(beijing_today, today_is_the_beijing_date);
