//! Policy sets: presets, inheritance down the tree, overrides, validation, scope and audit.

use app::permissions::Role;
use app::policy::api::{ApplyPreset, GetPolicy, SavePolicy};
use app::policy::presets::{Preset, preset};
use app::policy::{PolicyForm, PolicyShown};
use leptos::server_fn::ServerFn;

use tests::both_backends;
use tests::{Backend, COUNTY, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_B1, error_message};

/// The form fields of a policy, as the edit page sends them.
fn form_fields(form: &PolicyForm) -> Vec<(String, String)> {
    let mut fields = vec![
        ("form[name]", form.name.clone()),
        ("form[source]", form.source.clone()),
        ("form[monitoring_line_yuan]", form.monitoring_line_yuan.clone()),
        ("form[warning_line_yuan]", form.warning_line_yuan.clone()),
        ("form[red_alert_line_yuan]", form.red_alert_line_yuan.clone()),
        ("form[transfer_share_limit_pct]", form.transfer_share_limit_pct.clone()),
        ("form[labour_coefficient_limit]", form.labour_coefficient_limit.clone()),
        ("form[income_drop_pct]", form.income_drop_pct.clone()),
        ("form[weak_labour_units]", form.weak_labour_units.clone()),
        ("form[illness_out_of_pocket_yuan]", form.illness_out_of_pocket_yuan.clone()),
        ("form[working_ages]", form.working_ages.clone()),
        ("form[care_ages]", form.care_ages.clone()),
        ("form[dibao_standard_yuan]", form.dibao_standard_yuan.clone()),
        ("form[categories]", form.categories.clone()),
        ("form[initial_review_working_days]", form.initial_review_working_days.clone()),
        ("form[verification]", form.verification.clone()),
        ("form[public_notice_working_days]", form.public_notice_working_days.clone()),
        ("form[cross_check_villages_per_township]", form.cross_check_villages_per_township.clone()),
        ("form[cross_check_households_per_village]", form.cross_check_households_per_village.clone()),
        ("form[scale_control_pct]", form.scale_control_pct.clone()),
        ("form[dibao_taper_months]", form.dibao_taper_months.clone()),
    ];
    if form.deduct_large_expenditure.is_some() {
        fields.push(("form[deduct_large_expenditure]", "on".into()));
    }
    for (key, ticked) in [
        ("form[require_typical_feature]", &form.require_typical_feature),
        ("form[deduct_medical]", &form.deduct_medical),
        ("form[deduct_schooling]", &form.deduct_schooling),
        ("form[deduct_disaster]", &form.deduct_disaster),
        ("form[deduct_other]", &form.deduct_other),
    ] {
        if ticked.is_some() {
            fields.push((key, "on".into()));
        }
    }
    fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

async fn presets_inherit_down_the_tree_and_townships_override(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let office = app.signed_in("fupin", &pw).await;
    let cadre_pw = app.user("cadre", Role::VillageCadre, VILLAGE_A1).await;
    let cadre = app.signed_in("cadre", &cadre_pw).await;

    // Nothing set yet: a clear message, not a guess.
    let (status, message) = error_message(cadre.get(&format!("/api/policies/{VILLAGE_A1}/2026")).await).await;
    assert_eq!(status, 409);
    assert!(message.contains("2026 年尚未设置"), "{message}");

    let applied =
        office.server_fn::<ApplyPreset>(&[("org_code", COUNTY), ("year", "2026"), ("preset", "yihe_2022")]).await;
    assert_eq!(applied.status(), 200, "{}", applied.text().await.unwrap());
    let inherited: serde_json::Value =
        cadre.get(&format!("/api/policies/{VILLAGE_A1}/2026")).await.json().await.unwrap();
    assert_eq!(inherited["inherited"], true);
    assert_eq!(inherited["org_code"], COUNTY);
    assert_eq!(inherited["policy"]["monitoring_line_yuan"], 7000);
    assert_eq!(inherited["preset"], "yihe_2022");

    // Township A gets its own numbers; its villages follow it, township B's still follow the county.
    let mut own = preset(Preset::Yihe2022);
    own.name = "双江镇 2026".into();
    own.monitoring_line_yuan = 7500;
    let fields = form_fields(&PolicyForm::from_policy(&own));
    let mut form: Vec<(&str, &str)> = vec![("org_code", TOWNSHIP_A), ("year", "2026")];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let saved = office.server_fn::<SavePolicy>(&form).await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let a1: serde_json::Value = cadre.get(&format!("/api/policies/{VILLAGE_A1}/2026")).await.json().await.unwrap();
    assert_eq!(
        (a1["org_code"].as_str(), a1["policy"]["monitoring_line_yuan"].as_i64()),
        (Some(TOWNSHIP_A), Some(7500))
    );
    assert_eq!(a1["preset"], serde_json::Value::Null, "edited numbers no longer claim to be the preset");
    let b1: PolicyShown =
        office.server_fn::<GetPolicy>(&[("org_code", VILLAGE_B1), ("year", "2026")]).await.json().await.unwrap();
    assert_eq!(b1.policy.map(|v| v.policy.monitoring_line_yuan), Ok(7000));

    // Changes are audited with before and after.
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let saved = records.iter().filter(|r| r.action == "policy.saved").count();
    assert_eq!(saved, 2);
}
both_backends!(inheritance, presets_inherit_down_the_tree_and_townships_override);

/// The policy page never reads the browser's clock: the server names the unit and the year it shows.
async fn the_server_picks_the_unit_and_beijings_year(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    // 17:30 on New Year's Eve in UTC is already 2027 in Beijing.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 31, 17, 30, 0).unwrap());
    let pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let office = app.signed_in("fupin", &pw).await;
    let none: PolicyShown = office.server_fn::<GetPolicy>(&[]).await.json().await.unwrap();
    assert_eq!((none.org_code.as_str(), none.year), (COUNTY, 2027));
    assert!(none.policy.is_err_and(|why| why.starts_with("2027 年尚未设置")));

    office.server_fn::<ApplyPreset>(&[("org_code", COUNTY), ("year", "2027"), ("preset", "yihe_2022")]).await;
    let village: PolicyShown = office.server_fn::<GetPolicy>(&[("org_code", VILLAGE_B1)]).await.json().await.unwrap();
    assert_eq!((village.org_code.as_str(), village.year), (VILLAGE_B1, 2027));
    let view = village.policy.unwrap();
    assert_eq!((view.org_code.as_str(), view.inherited, view.year), (COUNTY, true, 2027));
}
both_backends!(default_year, the_server_picks_the_unit_and_beijings_year);

async fn bad_numbers_and_the_wrong_role_change_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let office = app.signed_in("fupin", &pw).await;
    office.server_fn::<ApplyPreset>(&[("org_code", COUNTY), ("year", "2026"), ("preset", "tongnan_2020")]).await;

    let mut bad = PolicyForm::from_policy(&preset(Preset::Tongnan2020));
    bad.red_alert_line_yuan = "6500".into();
    let fields = form_fields(&bad);
    let mut form: Vec<(&str, &str)> = vec![("org_code", COUNTY), ("year", "2026")];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let refused = office.server_fn::<SavePolicy>(&form).await.text().await.unwrap();
    assert!(
        refused.contains("red_alert_line_yuan") && refused.contains("红色预警线（6500 元）应低于监测线（6000 元）"),
        "{refused}"
    );

    let cadre_pw = app.user("cadre", Role::VillageCadre, VILLAGE_A1).await;
    let cadre = app.signed_in("cadre", &cadre_pw).await;
    let forbidden =
        cadre.server_fn::<ApplyPreset>(&[("org_code", VILLAGE_A1), ("year", "2026"), ("preset", "yihe_2022")]).await;
    assert!(forbidden.text().await.unwrap().contains("Forbidden"));
    // A role without the right to set policies answers alike for its own unit and one it cannot see.
    let hidden =
        cadre.server_fn::<ApplyPreset>(&[("org_code", COUNTY), ("year", "2026"), ("preset", "yihe_2022")]).await;
    assert!(hidden.text().await.unwrap().contains("Forbidden"));
    assert_eq!(
        cadre.get(&format!("/api/policies/{VILLAGE_B1}/2026")).await.status(),
        404,
        "scope holds on the new route"
    );

    let still: serde_json::Value = cadre.get(&format!("/api/policies/{VILLAGE_A1}/2026")).await.json().await.unwrap();
    assert_eq!(still["policy"]["red_alert_line_yuan"], 4800, "nothing changed");
}
both_backends!(validation, bad_numbers_and_the_wrong_role_change_nothing);

/// A policy edit with two wrong numbers, as the edit page sends it.
fn refused_edit() -> Vec<(String, String)> {
    let mut bad = PolicyForm::from_policy(&preset(Preset::Tongnan2020));
    bad.monitoring_line_yuan = "六千".into();
    bad.verification = "三十".into();
    bad.name = "潼南区 2026（修订）".into();
    let mut form = vec![("org_code".to_string(), COUNTY.to_string()), ("year".to_string(), "2026".to_string())];
    form.extend(form_fields(&bad));
    form
}

async fn a_refused_edit_names_every_problem_and_a_plain_post_keeps_the_input(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let office = app.signed_in("fupin", &pw).await;
    office.server_fn::<ApplyPreset>(&[("org_code", COUNTY), ("year", "2026"), ("preset", "tongnan_2020")]).await;
    let form = refused_edit();
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    // The app in the browser: one refusal lists both problems, each with its field.
    let refused: app::error::AppError =
        serde_json::from_str(&office.server_fn::<SavePolicy>(&fields).await.text().await.unwrap()).unwrap();
    let problems: Vec<String> = refused.field_errors().into_iter().map(|e| e.field).collect();
    assert_eq!(problems, ["monitoring_line_yuan", "verification"], "{refused:?}");

    // A plain HTML form post (no script): back on the page, with the error and every typed value.
    let page = office.url(&format!("/settings?unit={COUNTY}&year=2026"));
    let post = || {
        office
            .http
            .post(office.url(SavePolicy::PATH))
            .header("origin", office.base.clone())
            .header("accept", "text/html")
            .header("referer", page.clone())
            .form(&fields)
    };
    let back = post().send().await.unwrap();
    assert_eq!(back.status(), 200);
    let address = back.url().to_string();
    assert!(address.contains("__form="), "{address}");
    let html = back.text().await.unwrap();
    for typed in ["value=\"六千\"", "value=\"三十\"", "value=\"潼南区 2026（修订）\"", "未能保存，请修改以下 2 处"]
    {
        assert!(html.contains(typed), "{typed} missing from the page");
    }
    assert!(html.contains("监测线应为整数"), "the field's message is shown");

    // Read once, and by that session only: the same address later shows the saved policy.
    let again = office.get(address.trim_start_matches(&office.base)).await.text().await.unwrap();
    assert!(!again.contains("value=\"六千\""));
    let other = app.signed_in("fupin", &pw).await;
    let second = post().send().await.unwrap().url().to_string();
    let foreign = other.get(second.trim_start_matches(&office.base)).await.text().await.unwrap();
    assert!(!foreign.contains("value=\"六千\""), "another session never sees it");
    let still: serde_json::Value = office.get(&format!("/api/policies/{COUNTY}/2026")).await.json().await.unwrap();
    assert_eq!(still["policy"]["monitoring_line_yuan"], 6000, "nothing changed");
}
both_backends!(plain_post_refill, a_refused_edit_names_every_problem_and_a_plain_post_keeps_the_input);

async fn the_household_page_explains_its_risks(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    // Two people, 2025: 7000 yuan wages and 1600 yuan transfers = 4300 each, below Tongnan's red-alert line.
    let poor = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&poor, 2025, 7000, 1600, 0).await;
    let fine = app.household(VILLAGE_A1, 2, "王德福").await;
    app.income(&fine, 2025, 40000, 0, 0).await;
    let pw = app.user("cadre", Role::VillageCadre, VILLAGE_A1).await;
    let cadre = app.signed_in("cadre", &pw).await;

    let detail: serde_json::Value = cadre.get(&format!("/api/households/{poor}")).await.json().await.unwrap();
    let risk = &detail["risk"];
    assert_eq!(risk["policy_name"], "潼南区 2020");
    assert_eq!(risk["evaluation"]["red_alert"], true);
    let reasons: Vec<&str> =
        risk["evaluation"]["flags"].as_array().unwrap().iter().map(|f| f["reason"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"人均纯收入 4300 元，低于红色预警线 4800 元"), "{reasons:?}");
    let page = cadre.get(&format!("/households/{poor}")).await.text().await.unwrap();
    assert!(
        page.contains("红色预警") && page.contains("低于红色预警线 4800 元"),
        "the page shows the alert and its reason"
    );

    let detail: serde_json::Value = cadre.get(&format!("/api/households/{fine}")).await.json().await.unwrap();
    // Well above the lines; the only flag is Ganzhou's feature 9: its members are 60 and over and the
    // register names no supporter for them.
    let kinds: Vec<&serde_json::Value> =
        detail["risk"]["evaluation"]["flags"].as_array().unwrap().iter().map(|f| &f["kind"]).collect();
    assert_eq!(kinds, [&serde_json::json!({ "TypicalFeature": 9 })], "{detail}");

    // Change the policy and the verdict follows at once: Yihe's 7000 line, no red-alert line.
    app.policy(COUNTY, 2026, Preset::Yihe2022).await;
    let detail: serde_json::Value = cadre.get(&format!("/api/households/{poor}")).await.json().await.unwrap();
    assert_eq!(detail["risk"]["evaluation"]["red_alert"], false);
    assert_eq!(detail["risk"]["evaluation"]["monitoring_object"], true);

    // No policy for the year: said plainly.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2027, 3, 1, 1, 0, 0).single().unwrap());
    let cadre = app.signed_in("cadre", &pw).await;
    let detail: serde_json::Value = cadre.get(&format!("/api/households/{poor}")).await.json().await.unwrap();
    assert!(detail["risk"]["unavailable"].as_str().unwrap().contains("2027 年尚未设置"));
}
both_backends!(household_risk, the_household_page_explains_its_risks);

async fn recording_income_updates_the_verdict_and_is_audited(backend: Backend) {
    use app::households::api::SaveIncome;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let far = app.household(VILLAGE_B1, 2, "刘志成").await;
    let pw = app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await;
    let officer = app.signed_in("xinxi", &pw).await;

    let before: serde_json::Value = officer.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    // No income yet, no income flags: only feature 9 (a couple of 60 and 61, no supporter named) [G].
    let kinds: Vec<&serde_json::Value> =
        before["risk"]["evaluation"]["flags"].as_array().unwrap().iter().map(|f| &f["kind"]).collect();
    assert_eq!(kinds, [&serde_json::json!({ "TypicalFeature": 9 })], "no income yet, no income flags: {before}");

    let saved = officer
        .server_fn::<SaveIncome>(&[
            ("code", &code),
            ("form[year]", "2025"),
            ("form[wage]", "6,000"),
            ("form[business]", ""),
            ("form[property]", "0"),
            ("form[transfer]", "2400.50"),
            ("form[medical]", "0"),
        ])
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let after: serde_json::Value = officer.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(after["per_capita_income_yuan"], 4200, "derived, never typed: (6000 + 2400.50) / 2");
    assert_eq!(after["risk"]["evaluation"]["red_alert"], true);

    // Bad input: a Chinese message for the field, and the saved record is untouched.
    let bad = officer
        .server_fn::<SaveIncome>(&[
            ("code", &code),
            ("form[year]", "2025"),
            ("form[wage]", "六千"),
            ("form[transfer]", "1"),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(bad.contains("工资性收入应为金额"), "{bad}");
    let still: serde_json::Value = officer.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(still["latest_income"]["wage_fen"], 600_000);

    // The JSON API does the same, and scope and role hold.
    let api = officer
        .http
        .post(officer.url(&format!("/api/households/{code}/incomes")))
        .json(&serde_json::json!({ "year": "2025", "wage": "20000", "business": "", "property": "", "transfer": "", "medical": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 204);
    let refused = officer
        .http
        .post(officer.url(&format!("/api/households/{far}/incomes")))
        .json(&serde_json::json!({ "year": "2025", "wage": "1", "business": "", "property": "", "transfer": "", "medical": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
    let leader_pw = app.user("leader", Role::TownshipLeader, TOWNSHIP_A).await;
    let leader = app.signed_in("leader", &leader_pw).await;
    let read_only =
        leader.server_fn::<SaveIncome>(&[("code", &code), ("form[year]", "2025"), ("form[wage]", "1")]).await;
    assert!(read_only.text().await.unwrap().contains("Forbidden"), "a township leader reads but does not enter data");

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let saves: Vec<_> = records.iter().filter(|r| r.action == "household.income_saved").collect();
    assert_eq!(saves.len(), 2);
    assert!(
        saves[0].changes.contains("\"wage_fen\":600000") && saves[0].changes.contains("\"wage_fen\":2000000"),
        "before and after"
    );
}
both_backends!(income, recording_income_updates_the_verdict_and_is_audited);

async fn a_failed_housing_assessment_raises_a_red_alert_and_history_is_kept_t_h(backend: Backend) {
    use app::households::api::Assess;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Huoshan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&code, 2025, 40000, 0, 0).await;
    let pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let contact = app.signed_in("lianxi", &pw).await;

    let failed = contact
        .server_fn::<Assess>(&[
            ("code", &code),
            ("form[item]", "housing"),
            ("form[status]", "failed"),
            ("form[note]", "房屋经鉴定为 C 级危房"),
            ("form[assessed_on]", "2026-03-01"),
        ])
        .await;
    assert_eq!(failed.status(), 200, "{}", failed.text().await.unwrap());
    let detail: serde_json::Value = contact.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(detail["risk"]["evaluation"]["red_alert"], true);
    assert!(detail["risk"]["evaluation"]["flags"].to_string().contains("“住房安全有保障”未达标"));
    assert_eq!(detail["assessments"][0]["note"], "房屋经鉴定为 C 级危房");

    // A later assessment supersedes it; the earlier one stays in the database.
    let fixed = contact
        .http
        .post(contact.url(&format!("/api/households/{code}/assessments")))
        .json(&serde_json::json!({ "item": "housing", "status": "ok", "note": "危房改造完成", "assessed_on": "2026-03-02" }))
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.status(), 204);
    let detail: serde_json::Value = contact.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(detail["risk"]["evaluation"]["red_alert"], false);
    assert_eq!(detail["assessments"][0]["status"], "Ok");
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(entities::security_assessment::Entity::find().count(app.db()).await.unwrap(), 2);

    // A problem without a note, or a date in the future, is refused in Chinese.
    let refused = contact
        .server_fn::<Assess>(&[
            ("code", &code),
            ("form[item]", "water"),
            ("form[status]", "at_risk"),
            ("form[note]", ""),
            ("form[assessed_on]", "2026-03-01"),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(refused.contains("请说明具体情况"), "{refused}");
    let future = contact
        .server_fn::<Assess>(&[
            ("code", &code),
            ("form[item]", "water"),
            ("form[status]", "ok"),
            ("form[assessed_on]", "2026-03-09"),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(future.contains("不能晚于今天"), "{future}");
}
both_backends!(assessments, a_failed_housing_assessment_raises_a_red_alert_and_history_is_kept_t_h);

async fn lists_show_red_alerts_and_follow_a_policy_change(backend: Backend) {
    use app::households::api::SaveIncome;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let poor = app.household(VILLAGE_A1, 1, "张建国").await;
    let fine = app.household(VILLAGE_A1, 2, "王德福").await;
    app.income(&fine, 2025, 40000, 0, 0).await;
    let officer = app.signed_in("xinxi", &app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await).await;
    let saved = officer
        .server_fn::<SaveIncome>(&[
            ("code", &poor),
            ("form[year]", "2025"),
            ("form[wage]", "7000"),
            ("form[transfer]", "1600"),
        ])
        .await;
    assert_eq!(saved.status(), 200);

    let red: serde_json::Value = officer.get("/api/households?red_alert=true").await.json().await.unwrap();
    assert_eq!(red["total"], 1, "saving the income stored the verdict");
    assert_eq!(red["items"][0]["code"], poor);
    assert_eq!(red["items"][0]["red_alert"], true);
    let page = officer.get("/households?red_alert=1").await.text().await.unwrap();
    assert!(page.contains("张建国") && page.contains("红色预警") && !page.contains("王德福"));

    // Yihe's policy has no red-alert line: after the change the list catches up by itself.
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    office.server_fn::<ApplyPreset>(&[("org_code", COUNTY), ("year", "2026"), ("preset", "yihe_2022")]).await;
    let mut total = serde_json::Value::Null;
    for _ in 0..100 {
        let now: serde_json::Value = officer.get("/api/households?red_alert=true").await.json().await.unwrap();
        total = now["total"].clone();
        if total == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(total, 0, "the re-evaluation after the policy change cleared the red alert");
}
both_backends!(red_alert_lists, lists_show_red_alerts_and_follow_a_policy_change);

async fn the_class_filter_offers_the_policys_categories(backend: Backend) {
    use app::policy::api::CurrentCategories;
    let app = TestApp::spawn(backend).await.with_county().await;
    let cadre = app.signed_in("cadre", &app.user("cadre", Role::VillageCadre, VILLAGE_A1).await).await;
    let none = cadre.server_fn::<CurrentCategories>(&[]).await.text().await.unwrap();
    assert_eq!(none, "[]", "no policy, no categories");
    app.policy(COUNTY, 2026, Preset::Yihe2022).await;
    let yihe = cadre.server_fn::<CurrentCategories>(&[]).await.text().await.unwrap();
    assert_eq!(yihe, r#"["防贫监测户","防贫预警户"]"#);
    let page = cadre.get("/households").await.text().await.unwrap();
    assert!(page.contains("防贫预警户") && !page.contains("脱贫不稳定户"), "the filter lists the policy's categories");
}
both_backends!(categories, the_class_filter_offers_the_policys_categories);

/// After a restart, verdicts older than this year's latest policy change (a background re-evaluation cut
/// short) or never computed are brought up to date; a second run finds nothing to do.
async fn stale_verdicts_are_brought_up_to_date(backend: Backend) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&code, 2025, 7_000, 1_600, 0).await; // 4300 each: below Tongnan's 4800 red-alert line
    let stored = || async {
        entities::household::Entity::find()
            .filter(entities::household::Column::Code.eq(&code))
            .one(app.db())
            .await
            .unwrap()
            .unwrap()
    };
    assert!(!stored().await.red_alert, "written behind the app's back: no verdict yet");
    let changed = app::households::service::evaluation::reevaluate_stale(app.db(), app.clock_now()).await.unwrap();
    assert_eq!(changed, 1);
    assert!(stored().await.red_alert);
    assert_eq!(app::households::service::evaluation::reevaluate_stale(app.db(), app.clock_now()).await.unwrap(), 0);

    // A later policy change whose background run never happened: the next start catches up.
    app.clock.advance(chrono::Duration::hours(1));
    app.policy(COUNTY, 2026, Preset::Yihe2022).await;
    let changed = app::households::service::evaluation::reevaluate_stale(app.db(), app.clock_now()).await.unwrap();
    assert_eq!(changed, 1, "Yihe has no red-alert line");
    assert!(!stored().await.red_alert);
}
both_backends!(stale_verdicts, stale_verdicts_are_brought_up_to_date);

/// The policy year turns at midnight in Beijing, eight hours before the UTC year: at 23:59 on 31 December
/// the verdicts and the class filter follow the old year's policy, at 00:01 on 1 January the new one's.
async fn the_policy_year_turns_at_midnight_in_beijing(backend: Backend) {
    use app::policy::api::CurrentCategories;
    use chrono::TimeZone;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    app.policy(COUNTY, 2027, Preset::Yihe2022).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&code, 2025, 7_000, 1_600, 0).await; // 4300 each: below Tongnan's 4800 red-alert line
    let red_alert = || async { app.household_row(&code).await.red_alert };
    let beijing = |h: u32, m: u32| {
        // Beijing's 31 December 2026 from 08:00 on, in UTC.
        chrono::Utc.with_ymd_and_hms(2026, 12, 31, h - 8, m, 0).unwrap()
    };
    let new_year = chrono::Utc.with_ymd_and_hms(2026, 12, 31, 16, 1, 0).unwrap(); // 00:01 on 1 January in Beijing

    app.clock.set(beijing(23, 30));
    assert_eq!(app::households::service::evaluation::reevaluate_stale(app.db(), app.clock_now()).await.unwrap(), 1);
    assert!(red_alert().await, "2026's policy (Tongnan) has a red-alert line");
    app.clock.set(beijing(23, 59));
    assert_eq!(app::households::service::evaluation::reevaluate_stale(app.db(), app.clock_now()).await.unwrap(), 0);
    let cadre = app.signed_in("cadre", &app.user("cadre", Role::VillageCadre, VILLAGE_A1).await).await;
    let old = cadre.server_fn::<CurrentCategories>(&[]).await.text().await.unwrap();
    assert_eq!(old, r#"["脱贫不稳定户","边缘易致贫户"]"#);

    app.clock.set(new_year);
    assert_eq!(
        app::households::service::evaluation::reevaluate_stale(app.db(), app.clock_now()).await.unwrap(),
        1,
        "a verdict of last year is stale in the new year"
    );
    assert!(!red_alert().await, "2027's policy (Yihe) has no red-alert line");
    let new = cadre.server_fn::<CurrentCategories>(&[]).await.text().await.unwrap();
    assert_eq!(new, r#"["防贫监测户","防贫预警户"]"#);
}
both_backends!(policy_new_year, the_policy_year_turns_at_midnight_in_beijing);
