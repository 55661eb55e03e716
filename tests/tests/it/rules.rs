//! The seeds' rules through the whole app: who a household's verdict counts (户在人不在), the candidates to
//! verify (待研判纳入), the special groups, the cadres' rank and experience and the warning households'
//! sub-types, on the pages and in the API.

use app::permissions::Role;
use app::policy::presets::Preset;

use tests::both_backends;
use tests::{Backend, COUNTY, Client, GROUP_A1_1, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_B1};

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

/// [F] 11 "安排…副科级以上干部进行挂钩帮扶…对突发严重困难户，安排经验丰富、责任心强的干部监测帮扶": the user
/// administrator records a cadre's rank and experience; assigning a 挂钩干部 without the rank, or a contact
/// without experience to a 突发严重困难户, is refused with the reason and saves nothing; a household whose
/// cadres fall short (its class changed since) says so on its page.
async fn cadres_by_rank_and_experience(backend: Backend) {
    use app::households::api::UpdateHousehold;
    use app::users::api::SetCadreProfile;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let admin = app.signed_in("guanli", &app.user("guanli", Role::Admin, COUNTY).await).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    app.user("guagou", Role::TownshipLeader, TOWNSHIP_A).await;
    app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let (guagou, lianxi) = (app.user_id("guagou").await.to_string(), app.user_id("lianxi").await.to_string());
    let assign = |contact: &str, liaison: &str| {
        let (http, base) = (shuji.http.clone(), shuji.base.clone());
        let fields = [
            ("code", code.clone()),
            ("form[org_code]", GROUP_A1_1.to_string()),
            ("form[address]", "石桥村一组 1 号".to_string()),
            ("form[house_type]", "砖混".to_string()),
            ("form[contact_user_id]", contact.to_string()),
            ("form[liaison_user_id]", liaison.to_string()),
        ];
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let response = Client { http, base }.server_fn::<UpdateHousehold>(&pairs).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let profile = |user: &str, rank: &'static str, experienced: bool| {
        let (http, base) = (admin.http.clone(), admin.base.clone());
        let user = user.to_string();
        async move {
            let mut form = vec![("user_id", user.as_str()), ("rank", rank)];
            if experienced {
                form.push(("experienced", "on"));
            }
            let response = Client { http, base }.server_fn::<SetCadreProfile>(&form).await;
            assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        }
    };

    // 边缘易致贫户: the 挂钩干部 must be 副科级 or above; no rank recorded is refused, nothing saved.
    let (status, body) = assign(&lianxi, &guagou).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("“边缘易致贫户”应由副科级以上干部挂钩帮扶") && body.contains("职级为“未登记”"), "{body}");
    assert_eq!(app.household_row(&code).await.liaison_user_id, None);
    profile(&guagou, "staff", false).await;
    assert!(assign(&lianxi, &guagou).await.1.contains("职级为“一般干部”"));
    profile(&guagou, "deputy_section", false).await;
    let (status, body) = assign(&lianxi, &guagou).await;
    assert_eq!(status, 200, "{body}");
    let user_page = admin.get(&format!("/admin/users/{guagou}")).await.text().await.unwrap();
    assert!(user_page.contains("副科级"), "{user_page}");

    // Identified since as 突发严重困难户: its contact is not marked experienced, which its page says.
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut row = app.household_row(&code).await.into_active_model();
        row.monitoring_class = Set(Some("突发严重困难户".into()));
        row.update(app.db()).await.unwrap();
    }
    let page = shuji.get(&format!("/households/{code}")).await.text().await.unwrap();
    assert!(page.contains("“突发严重困难户”应安排经验丰富、责任心强的干部监测帮扶"), "{page}");
    let (status, body) = assign(&lianxi, "").await;
    assert_eq!(status, 422, "{body}");
    profile(&lianxi, "", true).await;
    assert_eq!(assign(&lianxi, "").await.0, 200);
    let page = shuji.get(&format!("/households/{code}")).await.text().await.unwrap();
    assert!(!page.contains("应安排经验丰富"), "the warning is gone once the contact is marked");
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action == "user.cadre_profile_set").count(), 3);
}
both_backends!(cadres, cadres_by_rank_and_experience);

/// [Y] "防贫预警户…包括：享受低保或特困有合规大额支出户、大病重病大额医疗支出户…": the policy's sub-types are
/// recorded on the household (page and API; an unknown one refused), listed on the sweep ledger with the
/// plan's size, and a warning household without a plan is told to make one.
async fn warning_kinds_on_the_ledger(backend: Backend) {
    use app::households::api::SetWarningKinds;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Yihe2022).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut row = app.household_row(&code).await.into_active_model();
        (row.monitoring_status, row.monitoring_class) = (Set("none".into()), Set(None));
        row.update(app.db()).await.unwrap();
    }
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let put = |kinds: serde_json::Value| {
        let request = shuji.http.put(shuji.url(&format!("/api/households/{code}/warning-kinds")));
        async move { request.json(&serde_json::json!({ "kinds": kinds })).send().await.unwrap() }
    };
    let refused = put(serde_json::json!(["留守老人户"])).await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("“留守老人户”不是政策列出的防贫预警户类型"));
    assert_eq!(put(serde_json::json!(["子女外出生活不稳定老人户"])).await.status(), 204);
    // The page's checkboxes post the ticked ones by their place in the list.
    let ticked = shuji
        .server_fn::<SetWarningKinds>(&[
            ("code", code.as_str()),
            ("form[kinds][1]", "大病重病大额医疗支出户"),
            ("form[kinds][3]", "子女外出生活不稳定老人户"),
        ])
        .await;
    assert_eq!(ticked.status(), 200, "{}", ticked.text().await.unwrap());
    assert_eq!(app.household_row(&code).await.warning_kinds, ",大病重病大额医疗支出户,子女外出生活不稳定老人户,");
    let page = shuji.get(&format!("/households/{code}")).await.text().await.unwrap();
    assert!(page.contains("大病重病大额医疗支出户、子女外出生活不稳定老人户"), "{page}");
    assert!(page.contains("防贫预警户（大病重病大额医疗支出户、子女外出生活不稳定老人户）也应制定帮扶方案"), "{page}");

    // Swept onto the warning ledger: the ledger lists the kinds and that no plan is made yet.
    let h = app.household_row(&code).await;
    let shuji_id = app.user_id("shuji").await;
    {
        use sea_orm::{ActiveModelTrait, Set};
        entities::visit::ActiveModel {
            household_id: Set(h.id),
            org_code: Set(h.org_code.clone()),
            visited_on: Set(chrono::NaiveDate::from_ymd_opt(2026, 2, 10).unwrap()),
            mode: Set("in_person".into()),
            sweep: Set(true),
            visitor_user_id: Set(shuji_id),
            companions: Set(String::new()),
            checklist: Set("[]".into()),
            finance_note: Set(String::new()),
            problems: Set("[]".into()),
            assistance: Set(String::new()),
            ledger_class: Set(Some("防贫预警户".into())),
            acknowledgement: Set("signed".into()),
            acknowledged_by: Set("张建国".into()),
            created_at: Set(app.clock_now()),
            ..Default::default()
        }
        .insert(app.db())
        .await
        .unwrap();
    }
    let ledger = shuji.get(&format!("/visits/sweep?unit={VILLAGE_A1}&year=2026")).await.text().await.unwrap();
    assert!(ledger.contains("防贫预警户台账（1 户）") && ledger.contains("未制定"), "{ledger}");
    assert!(ledger.contains("大病重病大额医疗支出户、子女外出生活不稳定老人户"), "{ledger}");
    let workbook = shuji.get(&format!("/api/visits/sweep/ledgers.xlsx?unit={VILLAGE_A1}&year=2026")).await;
    assert_eq!(workbook.status(), 200);
    let bytes = workbook.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let header: Vec<String> = range.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
    let row: Vec<String> = range.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(row[column("预警户类型")], "大病重病大额医疗支出户、子女外出生活不稳定老人户", "{row:?}");
    assert_eq!(row[column("帮扶措施（项）")], "0");
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 50).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action == "household.warning_kinds_set").count(), 2);
}
both_backends!(warning_kinds, warning_kinds_on_the_ledger);
