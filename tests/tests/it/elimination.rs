//! Risk elimination (风险消除) through the app [F][G][H]: only a monitored household whose income is
//! stable and whose 两不愁三保障 are secured; never a household without labour capacity; the same
//! five steps as identification; the record kept.

use app::permissions::Role;
use app::policy::presets::Preset;
use app::workflow::api::{IdentificationStep, ProposeElimination};

use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1};

async fn propose(client: &Client, code: &str, since: &str) -> (u16, String) {
    let response = client
        .server_fn::<ProposeElimination>(&[
            ("code", code),
            ("form[stable_since]", since),
            ("form[basis]", "夫妻二人在县城务工，收入稳定"),
        ])
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn step(client: &Client, code: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = vec![("code", code)];
    form.extend_from_slice(fields);
    let response = client.server_fn::<IdentificationStep>(&form).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn set_labour(app: &TestApp, code: &str, labour: &str) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let h = entities::household::Entity::find()
        .filter(entities::household::Column::Code.eq(code))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    entities::household_member::Entity::update_many()
        .col_expr(entities::household_member::Column::LabourCapacity, Expr::value(labour))
        .filter(entities::household_member::Column::HouseholdId.eq(h.id))
        .exec(app.db())
        .await
        .unwrap();
}

async fn elimination_by_its_rules_f_g(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    // Stable: 30,000 yuan of wages for two people in 2025. Fragile: half of it is transfers, below the line.
    let stable = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&stable, 2025, 30_000, 0, 0).await;
    let fragile = app.household(VILLAGE_A1, 2, "王德明").await;
    app.income(&fragile, 2025, 5_000, 5_000, 0).await;
    let no_labour = app.household(VILLAGE_A1, 3, "李桂兰").await;
    app.income(&no_labour, 2025, 0, 30_000, 0).await;
    set_labour(&app, &no_labour, "丧失劳动力").await;

    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let jingfa_pw = app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    let fupin_pw = app.user("fupin", Role::CountyOffice, COUNTY).await;

    let (status, body) = propose(&shuji, &no_labour, "2025-06-01").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("无劳动能力") && body.contains("继续跟踪监测"), "{body}");
    let (status, body) = propose(&shuji, &fragile, "2025-06-01").await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("风险尚未稳定消除") && body.contains("低于监测线"), "{body}");
    let (status, body) = propose(&shuji, &stable, "2026-01-01").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("尚不满 6 个月"), "{body}");

    let (status, body) = propose(&shuji, &stable, "2025-06-01").await;
    assert_eq!(status, 200, "{body}");
    let h: serde_json::Value = shuji.get(&format!("/api/households/{stable}")).await.json().await.unwrap();
    assert_eq!(h["summary"]["status"], "Eliminating");
    assert_eq!(h["elimination"]["stage_label"], "已提出风险消除，待村级核实");

    let (status, body) = step(&shuji, &stable, &[("form[step]", "village_verify"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = step(&shuji, &stable, &[("form[step]", "post_notice"), ("form[start]", "2026-03-02")]).await;
    assert_eq!(status, 200, "{body}");
    app.clock.advance(chrono::Duration::days(8));
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    let (status, body) = step(&jingfa, &stable, &[("form[step]", "township_review"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 200, "{body}");
    let fupin = app.signed_in("fupin", &fupin_pw).await;
    let (status, body) = step(&fupin, &stable, &[("form[step]", "county_approve"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 200, "{body}");

    let h: serde_json::Value = fupin.get(&format!("/api/households/{stable}")).await.json().await.unwrap();
    assert_eq!(h["summary"]["status"], "Eliminated");
    assert_eq!(h["summary"]["monitoring_class"], "边缘易致贫户", "the record is kept");
    assert_eq!(h["elimination"]["stage_label"], "县级确认，已标注“风险消除”");
    assert_eq!(h["elimination"]["events"].as_array().unwrap().len(), 5);
    let listed: serde_json::Value = fupin.get("/api/households?status=eliminated").await.json().await.unwrap();
    let codes: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec![stable.as_str()]);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action.starts_with("elimination.")).count(), 5);
}
both_backends!(elimination_rules, elimination_by_its_rules_f_g);

async fn a_household_that_fell_back_is_not_confirmed(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&code, 2025, 30_000, 0, 0).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let jingfa_pw = app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    let fupin_pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    assert_eq!(propose(&shuji, &code, "2025-06-01").await.0, 200);
    step(&shuji, &code, &[("form[step]", "village_verify"), ("form[approve]", "yes")]).await;
    step(&shuji, &code, &[("form[step]", "post_notice"), ("form[start]", "2026-03-02")]).await;
    app.clock.advance(chrono::Duration::days(8));
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    step(&jingfa, &code, &[("form[step]", "township_review"), ("form[approve]", "yes")]).await;
    // Meanwhile the house is found unsafe: the county cannot confirm.
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let response = shuji
        .server_fn::<app::households::api::Assess>(&[
            ("code", &code),
            ("form[item]", "housing"),
            ("form[status]", "failed"),
            ("form[note]", "房屋鉴定为 D 级危房"),
            ("form[assessed_on]", "2026-03-10"),
        ])
        .await;
    assert_eq!(response.status(), 200);
    // The notice printed now says what it is for, never the risk found since.
    let notice = shuji.get(&format!("/prints/households/{code}/public-notice.pdf")).await;
    let text: String = tests::Pdf::from(notice.bytes().await.unwrap().to_vec())
        .text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(text.contains("对象风险消除") && text.contains("拟标注风险消除"), "{text}");
    assert!(!text.contains("危房") && !text.contains("住房安全"), "{text}");
    let fupin = app.signed_in("fupin", &fupin_pw).await;
    let (status, body) = step(&fupin, &code, &[("form[step]", "county_approve"), ("form[approve]", "yes")]).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("住房安全有保障"), "{body}");
    let (status, body) = step(
        &fupin,
        &code,
        &[("form[step]", "county_approve"), ("form[approve]", "no"), ("form[note]", "住房出现危险")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let h: serde_json::Value = fupin.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(h["summary"]["status"], "Monitored", "back to monitoring and assistance");
    assert_eq!(h["elimination"]["stage_label"], "暂不标注风险消除，继续帮扶");
}
both_backends!(fell_back, a_household_that_fell_back_is_not_confirmed);
