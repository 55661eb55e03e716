//! Identification through the app: each step by its entitled role, in order, with the notice period
//! counted in working days by the fixed clock, every step in the history and the audit log.

use app::permissions::Role;
use app::policy::presets::Preset;
use app::workflow::api::{ApplyIdentification, IdentificationStep};

use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_B1};

/// The class applied for: one of the Fujian preset's monitored categories.
const CLASS: (&str, &str) = ("form[class]", "突发严重困难户");

async fn step(client: &Client, code: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = vec![("code", code)];
    form.extend_from_slice(fields);
    let response = client.server_fn::<IdentificationStep>(&form).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn stage(client: &Client, code: &str) -> serde_json::Value {
    let detail: serde_json::Value = client.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    detail["identification"].clone()
}

async fn five_steps_by_the_entitled_roles_y_f(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let far = app.household(VILLAGE_B1, 2, "刘志成").await;
    let xinxi = app.signed_in("xinxi", &app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let jingfa_pw = app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    let fupin_pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let fupin = app.signed_in("fupin", &fupin_pw).await;

    // Without the commitment there is no application.
    let refused =
        xinxi.server_fn::<ApplyIdentification>(&[("code", &code), ("form[commitment_signed_on]", ""), CLASS]).await;
    assert!(refused.text().await.unwrap().contains("承诺书"));
    let applied = xinxi
        .server_fn::<ApplyIdentification>(&[("code", &code), ("form[commitment_signed_on]", "2026-03-01"), CLASS])
        .await;
    assert_eq!(applied.status(), 200, "{}", applied.text().await.unwrap());
    assert_eq!(stage(&xinxi, &code).await["stage"], "Applied");
    let twice = xinxi
        .server_fn::<ApplyIdentification>(&[("code", &code), ("form[commitment_signed_on]", "2026-03-01"), CLASS])
        .await;
    assert!(twice.text().await.unwrap().contains("已有正在办理的“识别纳入”程序"));

    // The information officer may not hold the democratic appraisal; the Party secretary may.
    let (_, wrong) = step(&xinxi, &code, &[("form[step]", "village_verify"), ("form[approve]", "yes")]).await;
    assert!(wrong.contains("应由村党支部书记或村干部办理"), "{wrong}");
    // Nor may a step be skipped.
    let (_, skipped) = step(&fupin, &code, &[("form[step]", "county_approve"), ("form[approve]", "yes")]).await;
    assert!(skipped.contains("不能跳过"), "{skipped}");
    let (status, body) = step(
        &shuji,
        &code,
        &[("form[step]", "village_verify"), ("form[approve]", "yes"), ("form[note]", "评议通过 9 票")],
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Notice posted Monday 2 March 2026: 5 working days end on Monday 9 March.
    let (status, body) = step(&xinxi, &code, &[("form[step]", "post_notice"), ("form[start]", "2026-03-02")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(stage(&xinxi, &code).await["notice_end"], "2026-03-09");
    let (_, early) = step(&jingfa, &code, &[("form[step]", "township_review"), ("form[approve]", "yes")]).await;
    assert!(early.contains("公示期满后方可复核"), "{early}");

    app.clock.advance(chrono::Duration::days(8)); // Tuesday 10 March; yesterday's sessions have timed out
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    let fupin = app.signed_in("fupin", &fupin_pw).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let (status, body) = step(&jingfa, &code, &[("form[step]", "township_review"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 200, "{body}");
    let (_, no_reason) = step(&fupin, &code, &[("form[step]", "county_approve"), ("form[approve]", "no")]).await;
    assert!(no_reason.contains("须写明理由"), "{no_reason}");
    let (status, body) = step(&fupin, &code, &[("form[step]", "county_approve"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 200, "{body}");

    let done = stage(&fupin, &code).await;
    assert_eq!(done["stage"], "Approved");
    let household: serde_json::Value = fupin.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(household["summary"]["monitoring_class"], "突发严重困难户", "the class applied for");
    assert_eq!(household["summary"]["status"], "Monitored");
    let steps: Vec<&str> =
        done["events"].as_array().unwrap().iter().map(|e| e["step_label"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["农户申请（已签承诺书）", "村级核实和民主评议", "村内公示", "乡镇复核", "县级审批"]);
    assert!(done["events"][1]["actor"].as_str().unwrap().contains("shuji"));

    // Scope: the other village's household is out of reach, through the API too.
    let (_, hidden) = step(&shuji, &far, &[("form[step]", "village_verify"), ("form[approve]", "yes")]).await;
    assert!(hidden.contains("NotFound"), "{hidden}");
    let api = shuji
        .http
        .post(shuji.url(&format!("/api/households/{far}/identification")))
        .json(&serde_json::json!({ "commitment_signed_on": "2026-03-01" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action.starts_with("identification.")).count(), 5);
}
both_backends!(five_steps, five_steps_by_the_entitled_roles_y_f);

async fn a_rejection_is_kept_and_a_new_application_may_follow(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    shuji
        .server_fn::<ApplyIdentification>(&[
            ("code", &code),
            ("form[commitment_signed_on]", "2026-03-01"),
            ("form[green_channel]", "on"),
            CLASS,
        ])
        .await;
    assert!(stage(&shuji, &code).await["assistance_note"].as_str().unwrap().contains("先行落实帮扶"));
    let (status, _) = step(
        &shuji,
        &code,
        &[("form[step]", "village_verify"), ("form[approve]", "no"), ("form[note]", "家庭有经营性货车一辆")],
    )
    .await;
    assert_eq!(status, 200);
    let rejected = stage(&shuji, &code).await;
    assert_eq!(rejected["stage"], "Rejected");
    assert_eq!(rejected["rejection"], "民主评议未通过：家庭有经营性货车一辆");
    let again = shuji
        .server_fn::<ApplyIdentification>(&[("code", &code), ("form[commitment_signed_on]", "2026-03-02"), CLASS])
        .await;
    assert_eq!(again.status(), 200, "a closed identification does not block a new one");
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(
        entities::identification::Entity::find().count(app.db()).await.unwrap(),
        2,
        "the rejected record is kept"
    );
}
both_backends!(rejection, a_rejection_is_kept_and_a_new_application_may_follow);

async fn a_loaded_2027_notice_lets_a_notice_run_into_the_new_year(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 28, 1, 0, 0).single().unwrap());
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    shuji
        .server_fn::<ApplyIdentification>(&[("code", &code), ("form[commitment_signed_on]", "2026-12-27"), CLASS])
        .await;
    step(&shuji, &code, &[("form[step]", "village_verify"), ("form[approve]", "yes")]).await;

    // Without 2027's notice the end of the notice period cannot be known: refused, not guessed.
    let (_, refused) = step(&shuji, &code, &[("form[step]", "post_notice"), ("form[start]", "2026-12-28")]).await;
    assert!(refused.contains("2027 年的法定节假日安排尚未录入"), "{refused}");

    // The operator loads a 2027 notice (here a test file: New Year 1–3 January).
    let tx = app::db::begin_write(app.db()).await.unwrap();
    let text = "# 测试用 2027 年节假日安排\nholiday 2027-01-01..2027-01-03 元旦\n";
    app::calendar::service::store(&tx, &app::audit::service::Actor::operator(), app.clock_now(), text).await.unwrap();
    tx.commit().await.unwrap();

    let (status, body) = step(&shuji, &code, &[("form[step]", "post_notice"), ("form[start]", "2026-12-28")]).await;
    assert_eq!(status, 200, "{body}");
    // 29, 30, 31 Dec, then 1–3 Jan off, Mon 4 and Tue 5 Jan: five working days.
    assert_eq!(stage(&shuji, &code).await["notice_end"], "2027-01-05");
    let bad = app::calendar::parse_notice("holiday 2027-02-30 春节").unwrap_err();
    assert!(bad.to_string().contains("第 1 行"));
}
both_backends!(new_year_notice, a_loaded_2027_notice_lets_a_notice_run_into_the_new_year);

async fn the_county_office_loads_a_new_years_notice_on_the_calendar_page(backend: tests::Backend) {
    use app::calendar::api::{ListCalendar, LoadCalendar};
    let app = TestApp::spawn(backend).await.with_county().await;
    let text = "# 测试用 2027 年节假日安排\nholiday 2027-01-01..2027-01-03 元旦\nworkday 2027-01-04 元旦调休上班\n";
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let refused = shuji.server_fn::<LoadCalendar>(&[("text", text)]).await;
    let refused = refused.text().await.unwrap();
    assert!(
        refused.contains("Forbidden") || refused.contains("NotFound"),
        "only those who set policy load notices: {refused}"
    );
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let bad = fupin.server_fn::<LoadCalendar>(&[("text", "holiday 2027-02-30 春节")]).await;
    assert!(bad.text().await.unwrap().contains("第 1 行"), "a bad line is named");
    let loaded = fupin.server_fn::<LoadCalendar>(&[("text", text)]).await;
    assert_eq!(loaded.text().await.unwrap(), "2027");
    let years: serde_json::Value = fupin.server_fn::<ListCalendar>(&[]).await.json().await.unwrap();
    assert_eq!(years[0]["year"], 2027);
    assert_eq!(years[0]["holidays"], 3);
    assert!(years[0]["loaded_by"].as_str().unwrap().contains("fupin"));
    assert_eq!(years[1]["year"], 2026);
    assert!(years[1]["loaded_by"].is_null(), "built in");
}
both_backends!(calendar_page, the_county_office_loads_a_new_years_notice_on_the_calendar_page);
