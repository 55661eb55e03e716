//! Department screening: a GBK file from the page (taken in the background, with its report), the
//! same file and the same warning again, a file with bad rows, the JSON API with a department token,
//! the unmatched list verified by the township, the daily digest, wrong roles, and an import stopped
//! part-way that leaves nothing behind.

use app::permissions::Role;
use app::policy::presets::Preset;
use app::screening::api::{GetScreeningOverview, GetScreeningReport, ResolveWarning};
use entities::{household, household_member, import_batch, notification, risk_case, screening_row};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TOWNSHIP_B, TestApp, VILLAGE_A1};

/// The resident ID of a household's head.
async fn head_id(app: &TestApp, code: &str) -> String {
    let h = household::Entity::find().filter(household::Column::Code.eq(code)).one(app.db()).await.unwrap().unwrap();
    let members = household_member::Entity::find()
        .filter(household_member::Column::HouseholdId.eq(h.id))
        .all(app.db())
        .await
        .unwrap();
    members.into_iter().find(|m| m.relation == "户主").unwrap().resident_id
}

fn gbk_csv(rows: &[[&str; 7]]) -> Vec<u8> {
    let mut text = String::from("身份证号,姓名,预警类型,预警等级,预警内容,乡镇（街道）,村（社区）\r\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push_str("\r\n");
    }
    encoding_rs::GB18030.encode(&text).0.into_owned()
}

/// Upload through the page's form; returns the redirect target.
async fn upload(client: &Client, department: &str, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .text("department", department.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let response = client
        .http
        .post(client.url("/screening/upload"))
        .header("origin", client.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    response.url().path().to_string() + &response.url().query().map(|q| format!("?{q}")).unwrap_or_default()
}

/// Wait for a batch to finish and return its report.
async fn finished(client: &Client, batch: &str) -> serde_json::Value {
    for _ in 0..300 {
        let report: serde_json::Value =
            client.server_fn::<GetScreeningReport>(&[("id", batch)]).await.json().await.unwrap();
        if report["outcome"] != "running" {
            return report;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("batch {batch} did not finish");
}

fn batch_of(path: &str) -> String {
    path.trim_start_matches("/screening/batches/").split('?').next().unwrap().to_string()
}

async fn a_department_file_becomes_cases(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let head = head_id(&app, &code).await;
    let yibao_pw = app.user("yibao", Role::DepartmentUser, COUNTY).await; // 区医保局
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let jingfa_pw = app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    let other_pw = app.user("guxi", Role::TownshipStaff, TOWNSHIP_B).await;
    let yibao = app.signed_in("yibao", &yibao_pw).await;

    // A GBK file: a red warning for a registered person, and one for a person nobody registered.
    let stranger = "11010519491231002X";
    let file = gbk_csv(&[
        [&head, "张建国", "", "红色", "住院自付医疗费 5.2 万元", "", ""],
        [stranger, "王小明", "医疗", "一般", "门诊慢特病自付 1.1 万元", "双江镇", "青龙村"],
    ]);
    let path = upload(&yibao, "medical_insurance", "3月医保预警.csv", file.clone()).await;
    assert!(path.starts_with("/screening/batches/"), "{path}");
    let batch = batch_of(&path);
    let report = finished(&yibao, &batch).await;
    assert_eq!(report["outcome"], "applied", "{report}");
    assert_eq!(report["encoding"], "GB18030");
    assert_eq!((report["cases_opened"].as_u64(), report["unmatched"].as_u64()), (Some(1), Some(1)));
    let lines: Vec<&str> = report["lines"].as_array().unwrap().iter().map(|l| l["message"].as_str().unwrap()).collect();
    assert!(lines[0].starts_with("第 2 行 张建国：已新建案件"), "{lines:?}");
    assert!(lines[1].contains("未匹配到辖区内的农户"), "{lines:?}");
    let page = yibao.get(&path).await.text().await.unwrap();
    assert!(page.contains("逐行结果") && page.contains("已导入"), "the report page renders");

    // The county office reads its county's batches; another county's office reads neither the list nor the report.
    let app = app.with_other_county().await;
    let fupin_pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let dazu_pw = app.user("dazu", Role::CountyOffice, tests::OTHER_COUNTY).await;
    let fupin = app.signed_in("fupin", &fupin_pw).await;
    let dazu = app.signed_in("dazu", &dazu_pw).await;
    assert_eq!(finished(&fupin, &batch).await["file_name"], report["file_name"]);
    let listed = |overview: serde_json::Value| -> Vec<String> {
        overview["recent"].as_array().unwrap().iter().map(|r| r["batch_id"].to_string()).collect()
    };
    let fupin_list =
        fupin.server_fn::<GetScreeningOverview>(&[("include_resolved", "false")]).await.json().await.unwrap();
    assert_eq!(listed(fupin_list), std::slice::from_ref(&batch));
    let dazu_list =
        dazu.server_fn::<GetScreeningOverview>(&[("include_resolved", "false")]).await.json().await.unwrap();
    assert!(listed(dazu_list).is_empty(), "another county's office lists none of this county's batches");
    let refused = dazu.server_fn::<GetScreeningReport>(&[("id", &batch)]).await.text().await.unwrap();
    assert!(refused.contains("NotFound") && !refused.contains("3月医保预警"), "{refused}");

    // The case: from the department, red, owned by the village's contact; review due 5 working days
    // after dispatch on the next working day (Tue 3 March → Tue 10 March).
    let case = risk_case::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((case.source.as_str(), case.risk_type.as_str(), case.red_alert), ("department", "medical", true));
    assert_eq!(case.owner_user_id, app.user_id("lianxi").await);
    assert_eq!(case.deadline.to_string(), "2026-03-10");
    assert!(case.description.starts_with("【医保部门预警】"));
    let told = notification::Entity::find()
        .filter(notification::Column::UserId.eq(case.owner_user_id))
        .all(app.db())
        .await
        .unwrap();
    assert!(told.iter().any(|n| n.title == "医保部门预警：新交办 1 件案件"), "{told:?}");

    // The same file again changes nothing; the same warning in a new file is not taken twice, and a
    // further warning of the same kind joins the open case.
    let again = upload(&yibao, "medical_insurance", "3月医保预警（重发）.csv", file).await;
    assert!(again.ends_with("?duplicate=1"), "{again}");
    let next = gbk_csv(&[
        [&head, "张建国", "", "红色", "住院自付医疗费 5.2 万元", "", ""],
        [&head, "张建国", "", "", "二次住院自付 0.8 万元", "", ""],
    ]);
    let report = finished(&yibao, &batch_of(&upload(&yibao, "medical_insurance", "补报.csv", next).await)).await;
    assert_eq!((report["repeated"].as_u64(), report["cases_updated"].as_u64()), (Some(1), Some(1)));
    assert_eq!(risk_case::Entity::find().count(app.db()).await.unwrap(), 1);

    // Bad rows: the whole file is refused with each row's reason.
    let rows_before = screening_row::Entity::find().count(app.db()).await.unwrap();
    let bad = gbk_csv(&[
        ["110105194912310021", "李四", "", "", "住院", "", ""],
        [&head, "张建国", "天灾", "", "房屋倒塌", "", ""],
        [&head, "张建国", "", "紫色", "住院", "", ""],
    ]);
    let report = finished(&yibao, &batch_of(&upload(&yibao, "medical_insurance", "有错.csv", bad).await)).await;
    assert_eq!(report["outcome"], "rejected");
    let rows: Vec<u64> = report["errors"].as_array().unwrap().iter().map(|e| e["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, vec![2, 3, 4]);
    assert_eq!(screening_row::Entity::find().count(app.db()).await.unwrap(), rows_before, "nothing taken");
    // A department may push only its own warnings; a contact none at all.
    let form = reqwest::multipart::Form::new()
        .text("department", "health")
        .part("file", reqwest::multipart::Part::bytes(gbk_csv(&[])).file_name("x.csv"));
    let refused = yibao
        .http
        .post(yibao.url("/screening/upload"))
        .header("origin", yibao.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    // The plain form goes back to its page with the reason, never to a JSON error page.
    assert!(refused.url().query().unwrap_or_default().contains("upload_error="), "{}", refused.url());
    assert!(refused.text().await.unwrap().contains("您没有权限执行此操作"));
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let body = serde_json::json!({ "department": "health", "warnings": [{ "resident_id": head, "name": "张建国", "description": "x" }] });
    let response = lianxi
        .http
        .post(lianxi.url("/api/screening/warnings"))
        .header("origin", lianxi.base.clone())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);

    // The township sees the unmatched row (full ID: it matches lists) and records its verification;
    // the other township sees nothing.
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    let overview: serde_json::Value = jingfa
        .server_fn::<app::screening::api::GetScreeningOverview>(&[("include_resolved", "false")])
        .await
        .json()
        .await
        .unwrap();
    let unmatched = overview["unmatched"].as_array().unwrap();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0]["resident_id"], stranger);
    assert_eq!(unmatched[0]["org_name"], "青龙村", "placed by the names in the row");
    let other = app.signed_in("guxi", &other_pw).await;
    let theirs: serde_json::Value = other
        .server_fn::<app::screening::api::GetScreeningOverview>(&[("include_resolved", "false")])
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs["unmatched"].as_array().unwrap().is_empty());
    let row = unmatched[0]["id"].to_string();
    let refused = other.server_fn::<ResolveWarning>(&[("id", &row), ("resolution", "不是我镇的")]).await;
    assert!(refused.text().await.unwrap().contains("NotFound"));
    let empty = jingfa.server_fn::<ResolveWarning>(&[("id", &row), ("resolution", "")]).await;
    assert!(empty.text().await.unwrap().contains("请写明核实结果"));
    let done = jingfa
        .server_fn::<ResolveWarning>(&[("id", &row), ("resolution", "已核实，系外出务工返乡人员，已登记为农户")])
        .await;
    assert_eq!(done.status(), 200);

    // 日汇总 the next working day (Tuesday 3 March): the township hears of the day's warnings, once.
    let tuesday = app.clock_now() + chrono::Duration::days(1);
    assert_eq!(app::screening::service::digest::digest(app.db(), tuesday).await.unwrap(), 1);
    assert_eq!(app::screening::service::digest::digest(app.db(), tuesday).await.unwrap(), 0, "once");
    let digest = notification::Entity::find()
        .filter(notification::Column::Category.eq("digest"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(digest.user_id, app.user_id("jingfa").await);
    assert!(digest.title.starts_with("部门预警日汇总（2026-03-02）：3 条"), "{}", digest.title);
    assert!(digest.body.contains("青龙村：新建案件 1，并入已有案件 1，未匹配 1"), "{}", digest.body);
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    assert_eq!(audit.iter().filter(|r| r.action == "screening.applied").count(), 2);
    assert_eq!(audit.iter().filter(|r| r.action == "screening.verified").count(), 1);
}

async fn the_api_and_a_stopped_import(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let head = head_id(&app, &code).await;
    app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let admin_pw = app.user("admin", Role::Admin, COUNTY).await;
    app.user("yibao", Role::DepartmentUser, COUNTY).await;
    let admin = app.signed_in("admin", &admin_pw).await;
    let created = admin
        .server_fn::<app::users::api::CreateToken>(&[
            ("user_id", &app.user_id("yibao").await.to_string()),
            ("name", "医保局数据推送"),
        ])
        .await;
    let token = created.json::<serde_json::Value>().await.unwrap()["secret"].as_str().unwrap().to_string();
    let machine = reqwest::Client::new();
    let push = |body: serde_json::Value| {
        machine.post(format!("{}/api/screening/warnings", app.base)).bearer_auth(&token).json(&body).send()
    };
    app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let yellow = serde_json::json!({ "department": "medical_insurance", "warnings": [
        { "resident_id": head, "name": "张建国", "risk_type": "医疗", "level": "黄色", "description": "门诊自付 4800 元" }
    ]});
    let report: serde_json::Value = push(yellow).await.unwrap().json().await.unwrap();
    assert_eq!((report["outcome"].as_str(), report["cases_opened"].as_u64()), (Some("applied"), Some(1)));
    let red_notices = || {
        entities::notification::Entity::find()
            .filter(entities::notification::Column::Category.eq("red_alert"))
            .count(app.db())
    };
    assert_eq!(red_notices().await.unwrap(), 0);
    // A red warning joins the open case, raises its red flag and tells the Party secretary.
    let body = serde_json::json!({ "department": "medical_insurance", "warnings": [
        { "resident_id": head, "name": "张建国", "risk_type": "医疗", "level": "红色", "description": "住院自付 3.4 万元" }
    ]});
    let response = push(body.clone()).await.unwrap();
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.unwrap();
    assert_eq!((report["outcome"].as_str(), report["cases_updated"].as_u64()), (Some("applied"), Some(1)));
    let case = risk_case::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert!(case.red_alert);
    assert_eq!(red_notices().await.unwrap(), 1);
    let again: serde_json::Value = push(body).await.unwrap().json().await.unwrap();
    assert_eq!(again["outcome"], "duplicate");
    let bad = serde_json::json!({ "department": "medical_insurance", "warnings": [{ "resident_id": "123", "name": "x", "description": "y" }] });
    let rejected: serde_json::Value = push(bad).await.unwrap().json().await.unwrap();
    assert_eq!(rejected["outcome"], "rejected");
    assert!(rejected["errors"][0]["message"].as_str().unwrap().starts_with("身份证号"));

    // An import stopped part-way (the server killed) takes nothing: its transaction never commits.
    let rows_before = screening_row::Entity::find().count(app.db()).await.unwrap();
    let events_before = entities::case_event::Entity::find().count(app.db()).await.unwrap();
    let warnings: Vec<app::screening::WarningInput> = (0..3000)
        .map(|i| app::screening::WarningInput {
            resident_id: head.clone(),
            name: "张建国".into(),
            description: format!("第 {i} 次门诊自付"),
            ..Default::default()
        })
        .collect();
    let prepared =
        app::screening::service::intake::from_api(&warnings, app::screening::Department::MedicalInsurance).unwrap();
    let caller =
        app::auth::session::load_caller(app.db(), app.user_id("yibao").await, app.clock_now()).await.unwrap().unwrap();
    let ctx = app::request::RequestContext { caller: Some(std::sync::Arc::new(caller)), ..Default::default() };
    let app::screening::service::taking::Begun::Run(job) =
        app::screening::service::taking::begin(app.db(), app.clock_now(), &ctx, prepared).await.unwrap()
    else {
        panic!("a clean batch runs");
    };
    let batch_id = job.batch_id;
    let progress = app.app_state.imports.clone();
    let (db, now, watch) = (app.db().clone(), app.clock_now(), progress.clone());
    let task = tokio::spawn(async move { app::screening::service::taking::run(&db, now, *job, &watch).await });
    while progress.get(batch_id).unwrap_or(0) < 400 {
        assert!(!task.is_finished(), "the import should still be running");
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
    assert_eq!(screening_row::Entity::find().count(app.db()).await.unwrap(), rows_before, "no row half-taken");
    assert_eq!(entities::case_event::Entity::find().count(app.db()).await.unwrap(), events_before);
    assert_eq!(app::screening::service::taking::mark_interrupted(app.db()).await.unwrap(), 1);
    let batch = import_batch::Entity::find_by_id(batch_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(batch.outcome, "interrupted");
}

both_backends!(a_department_file_becomes_cases, a_department_file_becomes_cases);
both_backends!(the_api_and_a_stopped_import, the_api_and_a_stopped_import);
