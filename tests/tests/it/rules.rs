//! The seeds' rules through the whole app: who a household's verdict counts (户在人不在), the candidates to
//! verify (待研判纳入) and the special groups, on the pages and in the API.

use app::permissions::Role;
use app::policy::presets::Preset;

use tests::both_backends;
use tests::{Backend, COUNTY, TestApp, VILLAGE_A1, VILLAGE_B1};

/// [T] "对“户在人不在”…的情况，以实际共同生活为准": a son registered with the household but living and working
/// elsewhere, recorded so on the member form, is left out of the per-capita income and the verdict, which
/// says so; and a household whose income fell by the local share is listed as a candidate to verify
/// (待研判纳入), not identified.
async fn co_residence_and_candidates(backend: Backend) {
    use app::households::api::{SaveIncome, SaveMember};
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    // Not (yet) a monitored household: it is not in any procedure.
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut row = app.household_row(&code).await.into_active_model();
        row.monitoring_status = Set("none".into());
        row.monitoring_class = Set(None);
        row.update(app.db()).await.unwrap();
    }
    let pw = app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await;
    let officer = app.signed_in("xinxi", &pw).await;
    let first17 = "50015219960301013";
    let son_id = format!("{first17}{}", app::households::ResidentId::check_char(first17).unwrap());
    let saved = officer
        .server_fn::<SaveMember>(&[
            ("code", code.as_str()),
            ("form[name]", "张大伟"),
            ("form[resident_id]", &son_id),
            ("form[relation]", "子"),
            ("form[labour_capacity]", "普通劳动力"),
            ("form[health]", "健康"),
            ("form[schooling]", "非在校"),
            ("form[co_residence]", "户在人不在"),
            ("form[co_residence_note]", "在深圳务工并安家"),
            ("form[guardian]", ""),
        ])
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let income = |year: &'static str, wage: &'static str| {
        [("code", code.clone()), ("form[year]", year.into()), ("form[wage]", wage.into())]
    };
    for (year, wage) in [("2025", "16000"), ("2026", "11000")] {
        let fields = income(year, wage);
        let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = officer.server_fn::<SaveIncome>(&pairs).await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let detail: serde_json::Value = officer.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    let verdict = &detail["risk"]["evaluation"];
    // 11 000 yuan for the two at home: 5 500 each, under the 6 000 line and over the 4 800 red line; counted
    // in, the son would have made it 3 666 and a red alert.
    assert_eq!(detail["per_capita_income_yuan"], 5500, "{detail}");
    assert_eq!(verdict["per_capita_income_yuan"], 5500);
    assert_eq!(verdict["red_alert"], false);
    assert_eq!(
        (verdict["members_counted"].as_u64(), verdict["members_away"].clone()),
        (Some(2), serde_json::json!(["张大伟"]))
    );
    assert_eq!(verdict["candidate"], true, "below the line, and income fell by 31 %");
    let page = officer.get(&format!("/households/{code}")).await.text().await.unwrap();
    assert!(page.contains("按实际共同生活的 2 人计算；张大伟不在家中共同生活（户在人不在），未计入。"), "{page}");
    assert!(page.contains("户在人不在：在深圳务工并安家（不计入家庭人口）"));
    assert!(page.contains("家庭收入由 16000 元降至 11000 元，减少 31%（达到本地设定的 30%）"));
    assert!(page.contains("依据 潼扶组办〔2020〕21号 [T]"), "the flag names its document");

    // The list of candidates to verify holds it (not yet in a procedure), the county's other household not.
    let other = app.household(VILLAGE_B1, 2, "刘志成").await;
    let listed: serde_json::Value = officer.get("/api/households?candidate=true").await.json().await.unwrap();
    let codes: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap()).collect();
    assert_eq!(codes, [code.as_str()], "{listed}");
    assert_eq!(listed["items"][0]["candidate"], true);
    assert!(!codes.contains(&other.as_str()));
    let page = officer.get("/households?candidate=1").await.text().await.unwrap();
    assert!(page.contains("待研判纳入") && page.contains(&code), "{page}");

    // [F] The special groups come from the register: the wife recorded as severely disabled puts the
    // household on the list of 重度残疾人 households, and on no other.
    let detail: serde_json::Value = officer.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    let wife = detail["members"].as_array().unwrap().iter().find(|m| m["name"] == "李秀英").unwrap();
    let wife_id = wife["member_id"].as_i64().unwrap().to_string();
    let saved = officer
        .server_fn::<SaveMember>(&[
            ("code", code.as_str()),
            ("member_id", &wife_id),
            ("form[name]", "李秀英"),
            ("form[resident_id]", ""),
            ("form[relation]", "配偶"),
            ("form[labour_capacity]", "丧失劳动力"),
            ("form[health]", "重度残疾"),
            ("form[schooling]", "非在校"),
            ("form[co_residence]", "共同生活"),
        ])
        .await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let listed = |group: &'static str| {
        let officer = &officer;
        async move {
            let page: serde_json::Value =
                officer.get(&format!("/api/households?special_group={group}")).await.json().await.unwrap();
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["code"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(listed("severe_disability").await, vec![code.clone()]);
    assert!(listed("orphan").await.is_empty());
    let page = officer.get(&format!("/households/{code}")).await.text().await.unwrap();
    assert!(page.contains("重点关注的特殊群体：重度残疾人（李秀英）"), "{page}");
    let bad = officer.get("/api/households?special_group=rich").await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("特殊群体类别不正确"));
}
both_backends!(co_residence, co_residence_and_candidates);
