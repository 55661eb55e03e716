//! Keeping the register through the app: registering a household with its head, members, pinyin
//! search, the contact and 挂钩干部, the hand-recorded typical features, 低保's taper, and the history.

use app::households::ResidentId;
use app::households::api::{CreateHousehold, SaveMember, SetDibao, UpdateHousehold};
use app::permissions::Role;
use app::policy::presets::Preset;

use tests::both_backends;
use tests::{COUNTY, Client, GROUP_A1_1, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_B1};

/// A valid ID number born on `birth` (YYYYMMDD) with sequence `seq` (odd: male).
fn id(birth: &str, seq: u32) -> String {
    let first17 = format!("500152{birth}{seq:03}");
    format!("{first17}{}", ResidentId::check_char(&first17).unwrap())
}

async fn detail(client: &Client, code: &str) -> serde_json::Value {
    client.get(&format!("/api/households/{code}")).await.json().await.unwrap()
}

fn household_fields<'a>(unit: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("household[org_code]", unit),
        ("household[address]", "石桥村一组 8 号"),
        ("household[phone]", "13800001234"),
        ("household[house_type]", "砖混"),
    ];
    fields.extend_from_slice(extra);
    fields
}

async fn create(client: &Client, fields: &[(&str, &str)]) -> (u16, String) {
    let response = client.server_fn::<CreateHousehold>(fields).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn registering_a_household_with_its_head_and_members(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let cadre = app.signed_in("cunganbu", &app.user("cunganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let head_id = id("19700315", 11);

    // A wrong check digit is refused with its field named, and nothing is saved.
    let mut bad_id = head_id.clone();
    bad_id.replace_range(17.., if head_id.ends_with('1') { "2" } else { "1" });
    let mut fields = household_fields(GROUP_A1_1, &[]);
    fields.extend([
        ("head[name]", "张三丰"),
        ("head[resident_id]", bad_id.as_str()),
        ("head[relation]", "户主"),
        ("head[labour_capacity]", "普通劳动力"),
        ("head[health]", "健康"),
        ("head[schooling]", "非在校"),
    ]);
    let (status, body) = create(&cadre, &fields).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("校验位不正确"), "{body}");

    fields.retain(|(k, _)| *k != "head[resident_id]");
    fields.push(("head[resident_id]", head_id.as_str()));
    let (status, body) = create(&cadre, &fields).await;
    assert_eq!(status, 200, "{body}");
    let code: String = serde_json::from_str(&body).unwrap();
    assert!(code.starts_with(VILLAGE_A1) && code.len() == 17, "{code}");

    let h = detail(&cadre, &code).await;
    assert_eq!(h["summary"]["head_name"], "张三丰");
    assert_eq!(h["summary"]["status"], "None");
    assert_eq!(h["members"][0]["sex"], "M", "from the ID number's 17th digit");
    assert_eq!(h["members"][0]["birth_date"], "1970-03-15");
    assert_eq!(h["members"][0]["resident_id_masked"], format!("5001**********{}", &head_id[14..]));
    assert_eq!(h["history"][0]["action_label"], "新增农户");

    // The same person cannot be registered twice.
    let (status, body) = create(&cadre, &fields).await;
    assert_eq!(status, 422);
    assert!(body.contains("已登记在其他家庭成员中"), "{body}");

    // Members: a child; a second head is refused; a change with the ID left blank keeps the ID.
    let child_id = id("20100601", 22);
    let member = |name: &'static str, rid: &str, relation: &'static str, schooling: &'static str| {
        vec![
            ("code".to_string(), code.clone()),
            ("form[name]".to_string(), name.to_string()),
            ("form[resident_id]".to_string(), rid.to_string()),
            ("form[relation]".to_string(), relation.to_string()),
            ("form[labour_capacity]".to_string(), "无劳动力".to_string()),
            ("form[health]".to_string(), "健康".to_string()),
            ("form[schooling]".to_string(), schooling.to_string()),
            ("form[co_residence_note]".to_string(), "户在人不在：在县城读书".to_string()),
        ]
    };
    let send = |fields: Vec<(String, String)>| {
        let cadre = &cadre;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let response = cadre.server_fn::<SaveMember>(&pairs).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, body) = send(member("张小明", &child_id, "子", "初中")).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(member("张二", &id("19720101", 33), "户主", "非在校")).await;
    assert_eq!(status, 422);
    assert!(body.contains("已有户主"), "{body}");
    let h = detail(&cadre, &code).await;
    let child = h["members"][1]["member_id"].as_i64().unwrap().to_string();
    let mut change = member("张小明", "", "子", "高中");
    change.push(("member_id".into(), child));
    let (status, body) = send(change).await;
    assert_eq!(status, 200, "{body}");
    let h = detail(&cadre, &code).await;
    assert_eq!(h["members"][1]["schooling"], "高中");
    assert_eq!(h["members"][1]["co_residence_note"], "户在人不在：在县城读书");
    assert_eq!(h["members"][1]["resident_id_masked"], format!("5001**********{}", &child_id[14..]));
    assert!(
        h["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["changes"].as_str().unwrap().contains("在校情况：初中 → 高中"))
    );

    // Search by pinyin initials, by ID number and by name.
    for q in ["zsf", "zs", "ZXM", child_id.as_str(), "三丰"] {
        let page: serde_json::Value = cadre.get(&format!("/api/households?q={q}")).await.json().await.unwrap();
        assert!(page["items"].as_array().unwrap().iter().any(|i| i["code"] == code), "search {q}");
    }

    // Another village is out of reach.
    let mut far = household_fields(VILLAGE_B1, &[]);
    far.extend([
        ("head[name]", "刘志成"),
        ("head[resident_id]", "11010519491231002X"),
        ("head[labour_capacity]", "普通劳动力"),
        ("head[health]", "健康"),
        ("head[schooling]", "非在校"),
    ]);
    let (status, body) = create(&cadre, &far).await;
    assert!(matches!((status, body.as_str()), (404, "\"NotFound\"") | (403, "\"Forbidden\"")), "{status} {body}");
}
both_backends!(registering, registering_a_household_with_its_head_and_members);

async fn contacts_features_dibao_and_their_rules(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let code = app.household(GROUP_A1_1, 1, "张建国").await;
    app.income(&code, 2025, 40_000, 2_000, 0).await;
    let contact_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let contact = app.signed_in("lianxi", &contact_pw).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    // A township leader can be 挂钩干部; a contact from another village cannot serve here.
    app.user("guagou", Role::TownshipLeader, TOWNSHIP_A).await;
    app.user("waicun", Role::MonitoringContact, VILLAGE_B1).await;
    let ids = app::users::service::list_all(app.db()).await.unwrap();
    let user_id = |name: &str| ids.iter().find(|u| u.username == name).unwrap().id.to_string();

    let form = |contact_id: &str, liaison_id: &str, house: &str, disaster: &str| {
        vec![
            ("code".to_string(), code.clone()),
            ("form[org_code]".to_string(), GROUP_A1_1.to_string()),
            ("form[address]".to_string(), "石桥村一组 1 号".to_string()),
            ("form[phone]".to_string(), String::new()),
            ("form[house_type]".to_string(), house.to_string()),
            ("form[disaster_loss]".to_string(), disaster.to_string()),
            ("form[contact_user_id]".to_string(), contact_id.to_string()),
            ("form[liaison_user_id]".to_string(), liaison_id.to_string()),
        ]
    };
    let send = |client: &Client, fields: Vec<(String, String)>| {
        let client = client.http.clone();
        let base = contact.base.clone();
        async move {
            let c = Client { http: client, base };
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let response = c.server_fn::<UpdateHousehold>(&pairs).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };

    // A monitoring contact edits the register but does not assign cadres.
    let (status, body) = send(&contact, form(&user_id("lianxi"), "", "砖混", "")).await;
    assert_eq!((status, body.as_str()), (403, "\"Forbidden\""), "only the township or the Party secretary assigns");
    // Someone from another village cannot be the contact.
    let (status, body) = send(&shuji, form(&user_id("waicun"), "", "砖混", "")).await;
    assert_eq!(status, 422);
    assert!(body.contains("不能担任该户的监测联系人"), "{body}");
    let (status, body) = send(&shuji, form(&user_id("lianxi"), &user_id("guagou"), "砖混", "")).await;
    assert_eq!(status, 200, "{body}");
    let h = detail(&contact, &code).await;
    assert!(h["contact_name"].as_str().unwrap().contains("lianxi"));
    assert!(h["liaison_name"].as_str().unwrap().contains("guagou"));

    // [G] typical features 6 and 8 follow the recorded house type and disaster.
    let (status, body) =
        send(&contact, form(&user_id("lianxi"), &user_id("guagou"), "土坯房", "2026 年 2 月山体滑坡，户主腿部骨折"))
            .await;
    assert_eq!(status, 200, "{body}");
    let h = detail(&contact, &code).await;
    let reasons: Vec<String> = h["risk"]["evaluation"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(reasons.iter().any(|r| r == "唯一住房为土坯房"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("山体滑坡")), "{reasons:?}");

    // [F] 低保 taper: 12 months from the day income passed the line.
    let response = contact
        .server_fn::<SetDibao>(&[("code", &code), ("form[status]", "tapering"), ("form[exit_on]", "2026-02-01")])
        .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let h = detail(&contact, &code).await;
    assert_eq!(h["dibao"]["taper_until"], "2027-01-31");
    assert!(h["dibao"]["label"].as_str().unwrap().contains("低保渐退期至 2027-01-31（12 个月"));
    let labels: Vec<&str> =
        h["history"].as_array().unwrap().iter().map(|r| r["action_label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"变更低保状态") && labels.contains(&"修改农户信息"), "{labels:?}");
}
both_backends!(contacts_and_features, contacts_features_dibao_and_their_rules);
