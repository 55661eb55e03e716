//! Monthly judgment meetings: the agenda built from the month's facts (fixed clock, seeded cases and
//! visits), shaping it, attendance, decisions that update or open cases in the same transaction,
//! escalation from a village to its township, finalising, signing and locking, addenda, the missing
//! meetings, scope, and the minutes as a real PDF.

use app::cases::api::{CreateCase, GetCase};
use app::cases::{CaseDetail, RiskType, Source};
use app::households::api::Assess;
use app::meetings::api::{
    AddMeetingItem, AmendMeeting, DecideMeetingItem, DropMeetingItem, FinaliseMeeting, GetMeeting, ListMeetings,
    PrepareMeeting, RefreshMeetingAgenda, SaveMeetingHeader, SendBackMeeting, SignMeeting,
};
use app::meetings::{ItemKind, MeetingView};
use app::permissions::Role;
use app::policy::presets::Preset;
use app::visits::api::RecordVisit;
use entities::{case_event, risk_case};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};

use tests::both_backends;
use tests::{COUNTY, Client, GROUP_A1_1, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1};

/// Change the display name of `username`'s account, as an administrator would.
async fn rename(app: &TestApp, username: &str, name: &str) {
    let mut user = entities::app_user::Entity::find_by_id(app.user_id(username).await)
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    user.display_name = sea_orm::Set(name.into());
    user.update(app.db()).await.unwrap();
}

async fn body(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

async fn meeting(client: &Client, id: &str) -> serde_json::Value {
    client.server_fn::<GetMeeting>(&[("id", id)]).await.json().await.unwrap()
}

/// A case registered on the household's page; returns its id.
async fn create_case(client: &Client, code: &str, source: &str, risk_type: &str, description: &str) -> i64 {
    let form = [
        ("form[household]", code),
        ("form[source]", source),
        ("form[risk_type]", risk_type),
        ("form[description]", description),
    ];
    let created = client.server_fn::<CreateCase>(&form).await;
    assert_eq!(created.status(), 200);
    created.json().await.unwrap()
}

/// A visit with one problem that opens no case.
async fn visit_with_finding(client: &Client, code: &str) {
    let response = client
        .server_fn::<RecordVisit>(&tests::visit_form(
            code,
            &[
                ("form[problem1]", "儿子外出务工失联，老人无人照料"),
                ("form[problem1_type]", "other"),
                ("form[acknowledged_by]", "李四"),
            ],
        ))
        .await;
    assert_eq!(response.status(), 200, "{}", body(response).await);
}

/// Date, place, guests and the recorder, with one member absent for `why` (none: everyone present).
async fn save_header(client: &Client, id: &str, recorder: &str, absent: Option<(&str, &str)>) -> reqwest::Response {
    let mut form = vec![
        ("id".to_string(), id.to_string()),
        ("form[held_on]".into(), "2026-03-02".into()),
        ("form[place]".into(), "村委会会议室".into()),
        ("form[guests]".into(), "镇经发办 王科员".into()),
        ("form[recorder]".into(), recorder.into()),
    ];
    if let Some((user, why)) = absent {
        form.push((format!("form[marks][{user}]"), "absent".into()));
        form.push((format!("form[reasons][{user}]"), why.into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.server_fn::<SaveMeetingHeader>(&form).await
}

/// How many items refreshing a meeting's agenda added.
async fn refresh(client: &Client, id: &str) -> u32 {
    let response = client.server_fn::<RefreshMeetingAgenda>(&[("id", id)]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn decide(client: &Client, id: &str, item: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("id", id), ("form[item_id]", item)];
    form.extend_from_slice(fields);
    client.server_fn::<DecideMeetingItem>(&form).await
}

async fn a_village_meeting_from_agenda_to_locked_minutes(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let roof = app.household(VILLAGE_A1, 1, "张三").await;
    let alone = app.household(VILLAGE_A1, 2, "李四").await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let ganbu = app.signed_in("ganbu", &app.user("ganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    app.user("zuzhang", Role::MonitoringContact, GROUP_A1_1).await;
    let other = app.signed_in("dafo", &app.user("dafo", Role::VillageSecretary, VILLAGE_B1).await).await;
    let case_id = create_case(&lianxi, &roof, "visit", "housing", "房屋漏雨，墙体开裂").await;
    visit_with_finding(&lianxi, &alone).await;

    // The secretary prepares March's meeting: the new case and the visit's finding are on the agenda.
    let prepared = shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await;
    assert_eq!(prepared.status(), 200, "{}", body(prepared).await);
    let id = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await).await;
    let m = meeting(&shuji, &id).await;
    assert_eq!(m["title"], "村级研判会议");
    let kinds: Vec<(&str, &str)> = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["title"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds, [("NewRisk", "张三户：住房安全"), ("VisitFinding", "李四户：其他")], "{m}");
    let roster: Vec<&str> = m["attendance"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(roster, ["测试shuji", "测试ganbu", "测试lianxi", "测试zuzhang"], "the group's contact attends too");
    assert_eq!(m["attendance"][3]["role"], "村民小组长");
    let items: Vec<String> = m["items"].as_array().unwrap().iter().map(|i| i["id"].to_string()).collect();

    // The JSON API shows it too; another village's secretary neither sees nor prepares it.
    let api: serde_json::Value = shuji.get(&format!("/api/meetings/{id}")).await.json().await.unwrap();
    assert_eq!(api["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(other.get(&format!("/api/meetings/{id}")).await.status(), 404);
    assert!(body(other.server_fn::<GetMeeting>(&[("id", &id)]).await).await.contains("NotFound"));
    assert!(
        body(other.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await)
            .await
            .contains("NotFound")
    );

    // Attendance: an absence needs its reason; the form is refused whole and nothing changes. The recorder
    // is one of the unit's staff present, not the chair, and not an absentee.
    let lianxi_id = app.user_id("lianxi").await.to_string();
    let (shuji_id, ganbu_id) = (app.user_id("shuji").await.to_string(), app.user_id("ganbu").await.to_string());
    let absent = Some((lianxi_id.as_str(), ""));
    assert!(body(save_header(&shuji, &id, &ganbu_id, absent).await).await.contains("请填写测试lianxi缺席的原因"));
    let absent = Some((lianxi_id.as_str(), "入户走访"));
    for wrong in [&shuji_id, &lianxi_id, &String::new()] {
        assert!(body(save_header(&shuji, &id, wrong, absent).await).await.contains("请从出席的本单位人员中指定记录人"));
    }
    assert_eq!(meeting(&shuji, &id).await["held_on"], serde_json::Value::Null, "nothing saved");
    assert_eq!(save_header(&shuji, &id, &ganbu_id, absent).await.status(), 200);

    // The chair adds an item, then drops it with a reason.
    assert_eq!(
        shuji.server_fn::<AddMeetingItem>(&[("id", &id), ("title", "村道安全隐患"), ("facts", "")]).await.status(),
        200
    );
    let m = meeting(&shuji, &id).await;
    let added = m["items"][2]["id"].to_string();
    assert!(
        body(shuji.server_fn::<DropMeetingItem>(&[("id", &id), ("item_id", &added), ("reason", "")]).await)
            .await
            .contains("请说明")
    );
    assert_eq!(
        shuji
            .server_fn::<DropMeetingItem>(&[("id", &id), ("item_id", &added), ("reason", "不属于防返贫监测")])
            .await
            .status(),
        200
    );

    // Finalising waits for every kept item's decision.
    assert!(body(ganbu.server_fn::<FinaliseMeeting>(&[("id", &id)]).await).await.contains("还有 2 个议题没有研判决定"));

    // The case: department, person and deadline decided, the owner changed; in the same transaction.
    let refused =
        decide(&shuji, &id, &items[0], &[("form[decision]", "危房改造"), ("form[action]", "update_case")]).await;
    assert!(body(refused).await.contains("请填写整改部门"));
    // A step the case's state does not allow refuses the whole decision: nothing of it is kept.
    let refused = decide(
        &shuji,
        &id,
        &items[0],
        &[
            ("form[decision]", "验收销号"),
            ("form[action]", "update_case"),
            ("form[department]", "镇住建办"),
            ("form[responsible_person]", "王强"),
            ("form[deadline]", "2026-04-30"),
            ("form[case_step]", "accept"),
        ],
    )
    .await;
    assert_ne!(refused.status(), 200);
    let untouched = risk_case::Entity::find_by_id(case_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((untouched.department.as_str(), untouched.status.as_str()), ("", "pending_verification"));
    assert_eq!(meeting(&shuji, &id).await["items"][0]["decided"], false);
    let decided = decide(
        &shuji,
        &id,
        &items[0],
        &[
            ("form[analysis]", "C 级危房，雨季前须完成维修"),
            ("form[decision]", "纳入危房改造，雨季前完工"),
            ("form[action]", "update_case"),
            ("form[department]", "镇住建办"),
            ("form[responsible_person]", "王强"),
            ("form[deadline]", "2026-04-30"),
            ("form[owner_user_id]", &lianxi_id),
            ("form[case_step]", "start_verification"),
        ],
    )
    .await;
    assert_eq!(decided.status(), 200, "{}", body(decided).await);
    let case = risk_case::Entity::find_by_id(case_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((case.department.as_str(), case.responsible_person.as_str()), ("镇住建办", "王强"));
    assert_eq!(case.deadline.to_string(), "2026-04-30");
    assert_eq!(case.status, "verifying", "the step decided in the meeting was taken");
    let step = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .filter(case_event::Column::Action.eq("meeting_decision"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the decision is a step of the case");
    assert!(step.note.contains("研判会议决定：纳入危房改造"), "{}", step.note);

    // The finding opens a case (source: the meeting).
    let opened = decide(
        &ganbu,
        &id,
        &items[1],
        &[
            ("form[decision]", "联系其子女，落实赡养责任"),
            ("form[action]", "open_case"),
            ("form[department]", "村委会"),
            ("form[responsible_person]", "测试ganbu"),
            ("form[deadline]", "2026-03-31"),
        ],
    )
    .await;
    assert_eq!(opened.status(), 200, "{}", body(opened).await);
    let new_case =
        risk_case::Entity::find().filter(risk_case::Column::Source.eq("meeting")).one(app.db()).await.unwrap().unwrap();
    assert_eq!((new_case.department.as_str(), new_case.deadline.to_string()), ("村委会", "2026-03-31".to_string()));

    // Only the named recorder finalises; the chair may send the minutes back with a reason, and signs.
    assert!(
        body(shuji.server_fn::<FinaliseMeeting>(&[("id", &id)]).await).await.contains("由指定的记录人定稿"),
        "the chair does not finalise"
    );
    assert_eq!(ganbu.server_fn::<FinaliseMeeting>(&[("id", &id)]).await.status(), 200);
    assert!(body(ganbu.server_fn::<SignMeeting>(&[("id", &id)]).await).await.contains("Forbidden"));
    assert!(
        body(ganbu.server_fn::<SendBackMeeting>(&[("id", &id), ("reason", "x")]).await).await.contains("Forbidden")
    );
    let no_reason = shuji.server_fn::<SendBackMeeting>(&[("id", &id), ("reason", " ")]).await;
    assert!(body(no_reason).await.contains("请写明退回修改的原因"));
    let sent_back = shuji.server_fn::<SendBackMeeting>(&[("id", &id), ("reason", "缺席原因写错了")]).await;
    assert_eq!(sent_back.status(), 200);
    let m = meeting(&shuji, &id).await;
    assert_eq!((m["status"].as_str(), m["sent_back_reason"].as_str()), (Some("Preparing"), Some("缺席原因写错了")));
    assert_eq!(ganbu.server_fn::<FinaliseMeeting>(&[("id", &id)]).await.status(), 200);
    // The recorder's name is corrected before signing: the signed minutes carry the corrected name.
    rename(&app, "ganbu", "钱正名").await;
    assert_eq!(shuji.server_fn::<SignMeeting>(&[("id", &id)]).await.status(), 200);
    let late = decide(&shuji, &id, &items[1], &[("form[decision]", "改"), ("form[action]", "note")]).await;
    assert!(body(late).await.contains("会议记录已定稿，不能再修改"));
    assert_eq!(
        shuji.server_fn::<AmendMeeting>(&[("id", &id), ("text", "3 月 5 日补充：王强已到户查看")]).await.status(),
        200
    );
    let m = meeting(&shuji, &id).await;
    assert_eq!(m["status"], "Signed");
    assert_eq!(m["addenda"][0]["text"], "3 月 5 日补充：王强已到户查看");
    // Signed minutes keep the names they were signed with, whatever accounts are renamed later.
    rename(&app, "shuji", "赵新名").await;
    let m = meeting(&shuji, &id).await;
    assert_eq!((m["chair"].as_str(), m["recorder"].as_str()), (Some("测试shuji"), Some("钱正名")));
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    for action in [
        "meeting.prepared",
        "meeting.header_saved",
        "meeting.item_dropped",
        "meeting.decided",
        "meeting.finalised",
        "meeting.sent_back",
        "meeting.signed",
        "meeting.amended",
        "case.meeting_decision",
    ] {
        assert!(audit.iter().any(|r| r.action == action), "{action} audited");
    }

    // The minutes: unit, date, place, people, each item with its decision, department, person, deadline.
    let pdf = shuji.get(&format!("/prints/meetings/{id}/minutes.pdf")).await;
    assert_eq!(pdf.status(), 200);
    let bytes = pdf.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("PRINT_SAMPLES") {
        std::fs::write(format!("{dir}/meeting-minutes.pdf"), &bytes).unwrap();
    }
    let pdf = tests::Pdf::from(bytes);
    pdf.qpdf_check();
    let text = pdf.text();
    let flat = text.replace('\n', "");
    for expected in [
        "青龙村村级研判会议记录",
        "2026年03月02日",
        "村委会会议室",
        "测试lianxi（入户走访）",
        "钱正名",
        "纳入危房改造",
        "镇住建办",
        "2026-04-30",
        "不属于防返贫监测",
        "王强已到户查看",
        "主持人签字",
    ] {
        assert!(flat.contains(expected), "{expected} in:\n{text}");
    }
    tests::assert_snapshot("meeting-minutes", &text.replace(&format!("已立案 {} 号", new_case.id), "已立案 N 号"));
    assert_eq!(other.get(&format!("/prints/meetings/{id}/minutes.pdf")).await.status(), 404);

    // The year's book: contents with the page each meeting starts on, then the minutes.
    let book = shuji.get(&format!("/prints/meetings/book.pdf?unit={VILLAGE_A1}&year=2026")).await;
    assert_eq!(book.status(), 200);
    let book = tests::Pdf::from(book.bytes().await.unwrap().to_vec());
    book.qpdf_check();
    let contents = book.page_text(1).replace('\n', " ");
    assert!(contents.contains("青龙村2026年村级研判会议记录专本") && contents.contains("目录"), "{contents}");
    assert!(contents.contains("2026-03 2026-03-02 2 已签发，补充说明 1 条 2"), "March starts on page 2: {contents}");
    assert!(contents.contains("2026-01、2026-02"), "the months without signed minutes: {contents}");
    assert!(book.page_text(2).contains("青龙村村级研判会议记录"));
    assert_eq!(book.pages(), 1 + pdf.pages());
    // Every footer counts the book's pages, so the contents' page numbers are the printed ones.
    let total = book.pages();
    assert!(contents.contains(&format!("第 1 页 共 {total} 页")), "{contents}");
    assert!(book.page_text(2).replace('\n', " ").contains(&format!("第 2 页 共 {total} 页")));
    assert_eq!(other.get(&format!("/prints/meetings/book.pdf?unit={VILLAGE_A1}&year=2026")).await.status(), 404);

    // April: the agenda starts with the decisions whose deadlines fell due, their cases still open.
    app.clock.advance(chrono::Duration::days(31));
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let april = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-04")]).await).await;
    let m = meeting(&shuji, &april).await;
    let follow_ups: Vec<&str> = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .take_while(|i| i["kind"] == "FollowUp")
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        follow_ups,
        [
            "李四户：上次研判决定“联系其子女，落实赡养责任”（村委会，测试ganbu，2026-03-31 前）",
            "张三户：上次研判决定“纳入危房改造，雨季前完工”（镇住建办，王强，2026-04-30 前）",
        ],
        "{m}"
    );
    assert_eq!(m["items"].as_array().unwrap().len(), 2, "each case once: {m}");
}

both_backends!(village_meeting, a_village_meeting_from_agenda_to_locked_minutes);

async fn escalation_and_missing_meetings(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张三").await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let lingdao_pw = app.user("lingdao", Role::TownshipLeader, TOWNSHIP_A).await;
    let lingdao = app.signed_in("lingdao", &lingdao_pw).await;
    let jingfa_pw = app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await;
    create_case(&shuji, &code, "self_report", "illness", "户主重病，自付医疗费 8 万元").await;

    // Near the month's end the chair is reminded, once (Friday 27 March: 31 March is two working days on).
    app.clock.advance(chrono::Duration::days(25));
    let shuji_id = app.user_id("shuji").await;
    assert_eq!(
        app::meetings::service::reminders::remind(app.db(), app.clock_now()).await.unwrap(),
        2,
        "the village's and the township's chairs"
    );
    assert_eq!(app::meetings::service::reminders::remind(app.db(), app.clock_now()).await.unwrap(), 0, "once");
    let told = entities::notification::Entity::find()
        .filter(entities::notification::Column::UserId.eq(shuji_id))
        .filter(entities::notification::Column::Category.eq("meeting_due"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the secretary is told");
    assert_eq!(told.title, "青龙村本月村级研判会议尚未召开或签发");
    app.clock.advance(chrono::Duration::days(-25));

    // The village escalates the case to the township's joint meeting.
    let id = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await).await;
    let item = meeting(&shuji, &id).await["items"][0]["id"].to_string();
    let escalated = decide(
        &shuji,
        &id,
        &item,
        &[
            ("form[analysis]", "村级无力解决医疗费用"),
            ("form[decision]", "提请镇街协调医保、民政救助"),
            ("form[action]", "escalate"),
        ],
    )
    .await;
    assert_eq!(escalated.status(), 200, "{}", body(escalated).await);

    // The township leader prepares the joint meeting: the escalated item is on it; a township cannot escalate.
    let township = body(lingdao.server_fn::<PrepareMeeting>(&[("unit", TOWNSHIP_A), ("month", "2026-03")]).await).await;
    let m = meeting(&lingdao, &township).await;
    assert_eq!(m["title"], "镇街联席研判会议");
    let escalated_item =
        m["items"].as_array().unwrap().iter().find(|i| i["kind"] == "Escalated").expect("escalated item");
    assert!(escalated_item["title"].as_str().unwrap().starts_with("青龙村提交："), "{escalated_item}");
    assert!(escalated_item["facts"].as_str().unwrap().contains("提请镇街协调医保"));
    // Taken up by the township, the village's escalation no longer changes.
    let changed = decide(&shuji, &id, &item, &[("form[decision]", "村里自行解决"), ("form[action]", "note")]).await;
    assert!(body(changed).await.contains("镇街联席研判会议已受理该议题"));
    let dropped = shuji.server_fn::<DropMeetingItem>(&[("id", &id), ("item_id", &item), ("reason", "撤回")]).await;
    assert!(body(dropped).await.contains("镇街联席研判会议已受理该议题"));
    let refused = decide(
        &lingdao,
        &township,
        &escalated_item["id"].to_string(),
        &[("form[decision]", "x"), ("form[action]", "escalate")],
    )
    .await;
    assert!(body(refused).await.contains("只有村级研判会议可以提交"));
    // The joint meeting decides: the medical insurance office takes it, by 15 April.
    let decided = decide(
        &lingdao,
        &township,
        &escalated_item["id"].to_string(),
        &[
            ("form[decision]", "医保办核定大病保险二次报销，民政办落实临时救助"),
            ("form[action]", "update_case"),
            ("form[department]", "镇医保办"),
            ("form[responsible_person]", "刘敏"),
            ("form[deadline]", "2026-04-15"),
        ],
    )
    .await;
    assert_eq!(decided.status(), 200, "{}", body(decided).await);
    // A township leader does not chair the village's own meeting.
    assert!(body(lingdao.server_fn::<SignMeeting>(&[("id", &id)]).await).await.contains("Forbidden"));

    // A village escalating after the joint meeting was prepared is not lost: refreshing the agenda
    // appends it, once.
    let other_code = app.household(VILLAGE_A2, 1, "王五").await;
    let shuji2_pw = app.user("shuji2", Role::VillageSecretary, VILLAGE_A2).await;
    let other_shuji = app.signed_in("shuji2", &shuji2_pw).await;
    create_case(&other_shuji, &other_code, "self_report", "disaster", "山洪冲毁承包地").await;
    let other_id =
        body(other_shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A2), ("month", "2026-03")]).await).await;
    let other_item = meeting(&other_shuji, &other_id).await["items"][0]["id"].to_string();
    let escalated = decide(
        &other_shuji,
        &other_id,
        &other_item,
        &[("form[decision]", "提请镇街协调农业保险理赔"), ("form[action]", "escalate")],
    )
    .await;
    assert_eq!(escalated.status(), 200);
    assert_eq!(refresh(&lingdao, &township).await, 1);
    assert_eq!(refresh(&lingdao, &township).await, 0, "nothing twice");
    let m = meeting(&lingdao, &township).await;
    let late = m["items"].as_array().unwrap().last().unwrap();
    assert_eq!(late["title"], "金龙村提交：王五户：因灾", "{m}");
    let noted = decide(
        &lingdao,
        &township,
        &late["id"].to_string(),
        &[("form[decision]", "农业农村办对接保险公司"), ("form[action]", "note")],
    )
    .await;
    assert_eq!(noted.status(), 200, "{}", body(noted).await);

    // In April, March's units without signed minutes show up as missing.
    let march: serde_json::Value =
        lingdao.server_fn::<ListMeetings>(&[("month", "2026-03")]).await.json().await.unwrap();
    assert_eq!(march["missing"], 0, "the month is not over yet");
    app.clock.advance(chrono::Duration::days(31));
    let lingdao = app.signed_in("lingdao", &lingdao_pw).await; // a month on, the session has expired
    let march: serde_json::Value =
        lingdao.server_fn::<ListMeetings>(&[("month", "2026-03")]).await.json().await.unwrap();
    let missing: Vec<&str> = march["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["missing"] == true)
        .map(|r| r["org_name"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["双江镇", "青龙村", "金龙村"], "held but unsigned counts as missing too");

    // The joint meeting is recorded by the township staff member and signed by the leader.
    let jingfa = app.signed_in("jingfa", &jingfa_pw).await;
    let jingfa_id = app.user_id("jingfa").await.to_string();
    assert_eq!(save_header(&lingdao, &township, &jingfa_id, None).await.status(), 200);
    assert_eq!(jingfa.server_fn::<FinaliseMeeting>(&[("id", &township)]).await.status(), 200);
    assert_eq!(lingdao.server_fn::<SignMeeting>(&[("id", &township)]).await.status(), 200);

    // April's village meeting starts with what the township handed down (the case not listed twice), and
    // a refresh does not hand it down again.
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let april = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-04")]).await).await;
    let m = meeting(&shuji, &april).await;
    let items = m["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{m}");
    assert_eq!(items[0]["kind"], "HandedDown");
    assert!(items[0]["facts"].as_str().unwrap().contains("镇医保办，刘敏，2026-04-15 前"), "{}", items[0]);
    assert_eq!(refresh(&shuji, &april).await, 0);

    // A decision on a case that has closed since is not handed down: 王五's case was settled meanwhile.
    let settled = risk_case::Entity::find().filter(risk_case::Column::Description.contains("山洪")).one(app.db());
    let mut settled = settled.await.unwrap().unwrap().into_active_model();
    settled.status = sea_orm::Set("closed".into());
    settled.update(app.db()).await.unwrap();
    let other_shuji = app.signed_in("shuji2", &shuji2_pw).await;
    let april =
        body(other_shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A2), ("month", "2026-04")]).await).await;
    assert_eq!(meeting(&other_shuji, &april).await["items"], serde_json::json!([]));
}

both_backends!(escalation_and_missing, escalation_and_missing_meetings);

/// A household waiting for its democratic appraisal is on the agenda; the result recorded in the
/// meeting is the village's verification step of its identification.
async fn the_appraisal_moves_the_identification(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张三").await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let applied = shuji
        .server_fn::<app::workflow::api::ApplyIdentification>(&[
            ("code", code.as_str()),
            ("form[commitment_signed_on]", "2026-03-01"),
            ("form[class]", "突发严重困难户"),
        ])
        .await;
    assert_eq!(applied.status(), 200, "{}", body(applied).await);
    let id = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await).await;
    let m = meeting(&shuji, &id).await;
    let item = &m["items"][0];
    assert_eq!(
        (item["kind"].as_str(), item["title"].as_str()),
        (Some("Appraisal"), Some("张三户：识别纳入待村级核实和民主评议"))
    );
    let decided = decide(
        &shuji,
        &id,
        &item["id"].to_string(),
        &[
            ("form[analysis]", "到会 9 人，同意 9 人"),
            ("form[decision]", "同意纳入，进入公示"),
            ("form[action]", "appraisal_passed"),
        ],
    )
    .await;
    assert_eq!(decided.status(), 200, "{}", body(decided).await);
    let procedure = entities::identification::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!(procedure.stage, "village_verified");
}

both_backends!(appraisal, the_appraisal_moves_the_identification);

/// Decisions are carried out once even when two people press "save" at the same moment, a saved decision
/// can be corrected (the case it opened follows), a closing step needs no deadline, and once a recorder is
/// named only they and the chair change the meeting. Signing and sending back at once: one of them wins.
async fn decisions_are_carried_out_once(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let flood = app.household(VILLAGE_A1, 1, "张三").await;
    let alone = app.household(VILLAGE_A1, 2, "李四").await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let ganbu = app.signed_in("ganbu", &app.user("ganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let xinxi = app.signed_in("xinxi", &app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let flood_case = create_case(&shuji, &flood, "self_report", "disaster", "暴雨冲毁部分承包地").await;
    visit_with_finding(&lianxi, &alone).await;
    let id = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await).await;
    let m = meeting(&shuji, &id).await;
    let item = |title: &str| {
        m["items"].as_array().unwrap().iter().find(|i| i["title"] == title).expect(title)["id"].to_string()
    };
    let (flood_item, finding) = (item("张三户：因灾"), item("李四户：其他"));

    // Until a recorder is named any of the village's staff may help prepare; then only the chair and the recorder.
    assert_eq!(meeting(&xinxi, &id).await["may_edit"], true);
    let ganbu_id = app.user_id("ganbu").await.to_string();
    assert_eq!(save_header(&shuji, &id, &ganbu_id, None).await.status(), 200);
    assert_eq!(meeting(&xinxi, &id).await["may_edit"], false);
    let refused = decide(&xinxi, &id, &finding, &[("form[decision]", "x"), ("form[action]", "note")]).await;
    assert!(body(refused).await.contains("Forbidden"));

    // The chair and the recorder save the same decision at once: one case, not two.
    let open = [
        ("form[decision]", "联系其子女，落实赡养责任"),
        ("form[action]", "open_case"),
        ("form[department]", "村委会"),
        ("form[responsible_person]", "测试ganbu"),
        ("form[deadline]", "2026-03-31"),
    ];
    let (a, b) = tokio::join!(decide(&shuji, &id, &finding, &open), decide(&ganbu, &id, &finding, &open));
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200), "the second saves the same decision again");
    let opened = || risk_case::Entity::find().filter(risk_case::Column::Source.eq("meeting")).all(app.db());
    assert_eq!(opened().await.unwrap().len(), 1, "one case for one decision");

    // Correcting the deadline corrects the case the decision opened.
    let mut corrected = open.to_vec();
    corrected.retain(|(k, _)| *k != "form[deadline]");
    corrected.push(("form[deadline]", "2026-04-15"));
    assert_eq!(decide(&ganbu, &id, &finding, &corrected).await.status(), 200);
    let cases = opened().await.unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0].deadline.to_string(), "2026-04-15");
    let m = meeting(&shuji, &id).await;
    let saved = m["items"].as_array().unwrap().iter().find(|i| i["id"].as_i64() == finding.parse().ok()).unwrap();
    assert_eq!(saved["result_case_id"], cases[0].id);
    // The case it opened is not put on the agenda a second time, and the item, having acted, stays on it.
    assert_eq!(refresh(&shuji, &id).await, 0);
    let dropped = shuji.server_fn::<DropMeetingItem>(&[("id", &id), ("item_id", &finding), ("reason", "重复")]).await;
    assert!(body(dropped).await.contains("研判决定已执行"));

    // The flood case: verified in the meeting, then (decision corrected) not included — closing needs no deadline.
    let verify = [
        ("form[decision]", "核实受灾面积"),
        ("form[action]", "update_case"),
        ("form[department]", "镇农业农村办"),
        ("form[responsible_person]", "陈明"),
        ("form[deadline]", "2026-03-20"),
        ("form[case_step]", "start_verification"),
    ];
    assert_eq!(decide(&shuji, &id, &flood_item, &verify).await.status(), 200);
    let dismiss = [
        ("form[analysis]", "经核实已获农业保险全额理赔，收入未受明显影响"),
        ("form[decision]", "不予纳入监测"),
        ("form[action]", "update_case"),
        ("form[case_step]", "dismiss"),
    ];
    let dismissed = decide(&shuji, &id, &flood_item, &dismiss).await;
    assert_eq!(dismissed.status(), 200, "{}", body(dismissed).await);
    let case = risk_case::Entity::find_by_id(flood_case).one(app.db()).await.unwrap().unwrap();
    assert_eq!(case.status, "dismissed");

    // Finalised: the chair's "sign" and "send back" at the same moment; exactly one takes effect.
    assert_eq!(ganbu.server_fn::<FinaliseMeeting>(&[("id", &id)]).await.status(), 200);
    let (sign, send_back) = ([("id", id.as_str())], [("id", id.as_str()), ("reason", "补充缺席人员")]);
    let (signed, sent_back) =
        tokio::join!(shuji.server_fn::<SignMeeting>(&sign), shuji.server_fn::<SendBackMeeting>(&send_back),);
    let statuses = [signed.status() == 200, sent_back.status() == 200];
    assert_eq!(statuses.iter().filter(|ok| **ok).count(), 1, "{statuses:?}");
    let status = meeting(&shuji, &id).await["status"].clone();
    assert_eq!(status, if statuses[0] { "Signed" } else { "Preparing" });
}

both_backends!(carried_out_once, decisions_are_carried_out_once);

/// The township's joint meeting weighs department warnings nobody matched, red-alert households with no
/// case and households waiting for its review; minutes signed after the month's end show as signed late (逾期补签).
async fn the_joint_meeting_weighs_warnings_and_reviews_and_late_minutes_show(backend: tests::Backend) {
    use sea_orm::Set;
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "赵六").await;
    // Rated a red alert, no case open: the meeting decides whether to open one.
    let alert = app.household(VILLAGE_A2, 1, "钱七").await;
    let mut row = app.household_row(&alert).await.into_active_model();
    row.red_alert = Set(true);
    row.update(app.db()).await.unwrap();
    let lingdao = app.signed_in("lingdao", &app.user("lingdao", Role::TownshipLeader, TOWNSHIP_A).await).await;
    let jingfa = app.signed_in("jingfa", &app.user("jingfa", Role::TownshipStaff, TOWNSHIP_A).await).await;
    let at = chrono::NaiveDate::from_ymd_opt(2026, 2, 10).unwrap();
    let when = at.and_hms_opt(2, 0, 0).unwrap().and_utc();
    let batch = entities::import_batch::ActiveModel {
        kind: Set("screening:medical_insurance".into()),
        file_name: Set("医保预警.xlsx".into()),
        file_hash: Set("0".repeat(64)),
        outcome: Set("applied".into()),
        report: Set("{}".into()),
        created_by: Set(app.user_id("jingfa").await),
        created_at: Set(when),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    entities::screening_row::ActiveModel {
        batch_id: Set(batch.id),
        department: Set("medical_insurance".into()),
        row_key: Set("1".repeat(64)),
        row_number: Set(2),
        resident_id: Set("350102199001011234".into()),
        name: Set("王小明".into()),
        risk_type: Set("medical".into()),
        red_alert: Set(false),
        description: Set("年度自付医疗费用 6.2 万元".into()),
        org_code: Set(TOWNSHIP_A.into()),
        household_id: Set(None),
        case_id: Set(None),
        outcome: Set("unmatched".into()),
        created_at: Set(when),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
    let household = app.household_row(&code).await;
    entities::identification::ActiveModel {
        household_id: Set(household.id),
        org_code: Set(household.org_code.clone()),
        stage: Set("notice_posted".into()),
        green_channel: Set(false),
        commitment_signed_on: Set(at),
        notice_start: Set(Some(at)),
        notice_end: Set(Some(chrono::NaiveDate::from_ymd_opt(2026, 2, 16).unwrap())),
        rejection: Set(None),
        created_at: Set(when),
        updated_at: Set(when),
        kind: Set("identification".into()),
        class: Set(Some("突发严重困难户".into())),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();

    // February's joint meeting, written up in early March.
    let id = body(lingdao.server_fn::<PrepareMeeting>(&[("unit", TOWNSHIP_A), ("month", "2026-02")]).await).await;
    let m = meeting(&lingdao, &id).await;
    let items: Vec<(&str, &str)> = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["title"].as_str().unwrap()))
        .collect();
    assert_eq!(
        items,
        [
            ("NewRisk", "部门预警待核实：王小明（医保）基本医疗"),
            ("RedAlert", "【红色预警】钱七户"),
            ("Review", "赵六户：识别纳入待镇街审核")
        ],
        "{m}"
    );
    assert!(m["items"][2]["facts"].as_str().unwrap().contains("公示 2026-02-10 至 2026-02-16"), "{m}");
    let jingfa_id = app.user_id("jingfa").await.to_string();
    let header = lingdao
        .server_fn::<SaveMeetingHeader>(&[
            ("id", id.as_str()),
            ("form[held_on]", "2026-02-27"),
            ("form[place]", "镇政府三楼会议室"),
            ("form[recorder]", jingfa_id.as_str()),
        ])
        .await;
    assert_eq!(header.status(), 200, "{}", body(header).await);
    for (item, decision) in [
        (&m["items"][0], "卫健办、医保办 3 日内核实"),
        (&m["items"][1], "村里入户核实收入"),
        (&m["items"][2], "公示无异议，同意报县审批"),
    ] {
        let decided =
            decide(&lingdao, &id, &item["id"].to_string(), &[("form[decision]", decision), ("form[action]", "note")])
                .await;
        assert_eq!(decided.status(), 200, "{}", body(decided).await);
    }
    assert_eq!(jingfa.server_fn::<FinaliseMeeting>(&[("id", &id)]).await.status(), 200);
    assert_eq!(lingdao.server_fn::<SignMeeting>(&[("id", &id)]).await.status(), 200);

    let february: serde_json::Value =
        lingdao.server_fn::<ListMeetings>(&[("month", "2026-02")]).await.json().await.unwrap();
    let row = february["rows"].as_array().unwrap().iter().find(|r| r["org_code"] == TOWNSHIP_A).unwrap();
    assert_eq!((row["missing"].as_bool(), row["signed_late"].as_str()), (Some(false), Some("2026-03-02")));
    assert_eq!(february["late"], 1);
    let page = lingdao.get("/meetings?month=2026-02").await.text().await.unwrap();
    assert!(page.contains("逾期补签，2026-03-02 签发"), "the row says so");
    assert!(page.contains("1 个单位的会议记录在当月结束后才签发"), "and the banner");

    // The joint meeting's decision on 钱七 is handed down to 金龙村, which does not get the red alert twice.
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A2).await).await;
    let village = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A2), ("month", "2026-03")]).await).await;
    let m = meeting(&shuji, &village).await;
    let items: Vec<(&str, &str)> = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["title"].as_str().unwrap()))
        .collect();
    assert_eq!(items, [("HandedDown", "镇街交办：【红色预警】钱七户")], "{m}");
}

both_backends!(joint_meeting_sources, the_joint_meeting_weighs_warnings_and_reviews_and_late_minutes_show);

/// A decision with a deadline comes back as a follow-up next month; the earlier meeting, still unsigned,
/// can be corrected all the same (only a village's escalation the township took up is frozen).
async fn an_unsigned_meeting_stays_correctable_after_its_follow_up(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let february = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-02")]).await).await;
    let added = shuji.server_fn::<AddMeetingItem>(&[("id", &february), ("title", "村道塌方隐患"), ("facts", "")]).await;
    assert_eq!(added.status(), 200);
    let item = meeting(&shuji, &february).await["items"][0]["id"].to_string();
    let note =
        [("form[decision]", "3 月 10 日前设置警示牌"), ("form[action]", "note"), ("form[deadline]", "2026-03-10")];
    assert_eq!(decide(&shuji, &february, &item, &note).await.status(), 200);

    let march = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await).await;
    let m = meeting(&shuji, &march).await;
    assert_eq!(m["items"][0]["title"], "到期复核：村道塌方隐患", "{m}");
    let corrected = [("form[decision]", "3 月 8 日前设置警示牌并上报镇交通办"), ("form[action]", "note")];
    let response = decide(&shuji, &february, &item, &corrected).await;
    assert_eq!(response.status(), 200, "{}", body(response).await);
    // The corrected decision is what February's minutes now hold, without the old deadline.
    let m = meeting(&shuji, &february).await;
    let saved = &m["items"][0];
    assert_eq!(saved["decision"], "3 月 8 日前设置警示牌并上报镇交通办", "{saved}");
    assert!(saved["deadline"].is_null(), "{saved}");
}

both_backends!(unsigned_meeting_correctable, an_unsigned_meeting_stays_correctable_after_its_follow_up);

/// A red-alert household with no case comes up at the village meeting; the decision to open a case opens
/// it with the red alert and the risk type behind it, and the item then reads 已立案 with that case.
async fn a_red_alert_item_opens_a_red_alert_case(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "孙八").await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let failed = shuji
        .server_fn::<Assess>(&[
            ("code", code.as_str()),
            ("form[item]", "food"),
            ("form[status]", "failed"),
            ("form[note]", "口粮已断"),
            ("form[assessed_on]", "2026-03-01"),
        ])
        .await;
    assert_eq!(failed.status(), 200, "{}", body(failed).await);

    let id = body(shuji.server_fn::<PrepareMeeting>(&[("unit", VILLAGE_A1), ("month", "2026-03")]).await).await;
    let m: MeetingView = shuji.server_fn::<GetMeeting>(&[("id", id.as_str())]).await.json().await.unwrap();
    let item = m.items.iter().find(|i| i.kind == ItemKind::RedAlert).expect("the red alert is on the agenda");
    assert_eq!((item.title.as_str(), item.state_label()), ("【红色预警】孙八户", "待研判"));
    let fields = [
        ("form[decision]", "立案跟踪，镇民政办送粮"),
        ("form[action]", "open_case"),
        ("form[department]", "镇民政办"),
        ("form[responsible_person]", "王主任"),
        ("form[deadline]", "2026-03-20"),
    ];
    let decided = decide(&shuji, &id, &item.id.to_string(), &fields).await;
    assert_eq!(decided.status(), 200, "{}", body(decided).await);

    let m: MeetingView = shuji.server_fn::<GetMeeting>(&[("id", id.as_str())]).await.json().await.unwrap();
    let item = m.items.iter().find(|i| i.kind == ItemKind::RedAlert).unwrap();
    assert_eq!(item.state_label(), "已立案");
    let case_id = item.result_case_id.expect("the item names the case it opened");
    let case: CaseDetail =
        shuji.server_fn::<GetCase>(&[("id", case_id.to_string().as_str())]).await.json().await.unwrap();
    assert!(case.summary.red_alert, "{case:?}");
    let (risk_type, source) = (RiskType::Food.label(), Source::Meeting.label());
    assert_eq!((case.summary.risk_type_label.as_str(), case.summary.source_label.as_str()), (risk_type, source));
}

both_backends!(red_alert_item_opens_red_alert_case, a_red_alert_item_opens_a_red_alert_case);
