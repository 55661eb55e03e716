//! 问责 through the app, with a fixed clock: the candidates the record gives (months without signed minutes, a case
//! resolved late, problems found by supervision) with the exemption rule's verdict on each — a problem the village
//! found itself and solved on time is not counted, a day late it is, found after the supervision it is —; dismissing
//! one with a reason; a record opened from one, the village's statement, the review, the decision, the county's
//! approval of a referral, a correction and a revocation, each by the right people only; and who sees a record.

use app::accountability::{CandidatesView, RecordView};
use app::permissions::Role;
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{Value, json};

use super::crosscheck::{get, post};
use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_A2};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A case of the household registered on `created` (Beijing noon), due `deadline`, closed on `closed`.
pub(super) async fn case(
    app: &TestApp,
    code: &str,
    source: &str,
    created: &str,
    deadline: &str,
    closed: Option<&str>,
) -> i64 {
    let household = app.household_row(code).await;
    let at = |d: &str| Utc.from_utc_datetime(&day(d).and_hms_opt(4, 0, 0).unwrap());
    let row = entities::risk_case::ActiveModel {
        household_id: Set(Some(household.id)),
        org_code: Set(household.org_code.clone()),
        source: Set(source.into()),
        risk_type: Set("housing".into()),
        red_alert: Set(false),
        description: Set("住房漏雨".into()),
        owner_user_id: Set(app.user_id("shuji").await),
        department: Set(String::new()),
        responsible_person: Set(String::new()),
        deadline: Set(day(deadline)),
        status: Set(if closed.is_some() { "closed" } else { "rectifying" }.into()),
        found_by_unit: Set(app::cases::Source::parse(source).unwrap().found_by_unit()),
        created_by: Set(app.user_id("shuji").await),
        created_at: Set(at(created)),
        updated_at: Set(at(created)),
        closed_at: Set(closed.map(at)),
        ..Default::default()
    };
    row.insert(app.db()).await.unwrap().id
}

/// A finding of the county's supervision round about the household, found on `found`.
pub(super) async fn finding(app: &TestApp, round: i64, code: &str, found: &str) {
    let household = app.household_row(code).await;
    entities::supervision_finding::ActiveModel {
        round_id: Set(round),
        org_code: Set(VILLAGE_A1.into()),
        household_id: Set(Some(household.id)),
        person_user_id: Set(None),
        item: Set("“两不愁三保障”".into()),
        basis: Set(String::new()),
        method: Set("home_check".into()),
        severity: Set("serious".into()),
        description: Set(format!("{}户住房漏雨", household.head_name)),
        found_on: Set(day(found)),
        on_spot_action: Set(None),
        self_found_case_id: Set(None),
        status: Set("recorded".into()),
        case_id: Set(None),
        carried_over_reason: Set(None),
        prompted_by_finding_id: Set(None),
        followup_of_finding_id: Set(None),
        recorded_by: Set(app.user_id("jiwei").await),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
}

pub(super) async fn round(app: &TestApp) -> i64 {
    entities::supervision_round::ActiveModel {
        org_code: Set(COUNTY.into()),
        title: Set("2026 年上半年专项督查".into()),
        year: Set(2026),
        half: Set("h1".into()),
        units: Set(json!([TOWNSHIP_A]).to_string()),
        topics: Set(String::new()),
        checklist: Set("[]".into()),
        lead_user_id: Set(app.user_id("jiwei").await),
        starts_on: Set(day("2026-01-20")),
        ends_on: Set(day("2026-02-20")),
        status: Set("active".into()),
        created_by: Set(app.user_id("jiwei").await),
        created_at: Set(Utc::now()),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap()
    .id
}

async fn step(client: &Client, id: i64, step: &str, text: &str, measure: &str) -> (u16, Value) {
    let body = json!({ "step": step, "text": text, "measure": measure, "talk_on": "2026-03-02",
        "talk_participants": "县纪委朱明、村党支部书记" });
    post(client, &format!("/api/accountability/records/{id}/steps"), body).await
}

async fn record(client: &Client, id: i64) -> RecordView {
    let response = client.get(&format!("/api/accountability/records/{id}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn candidates_and_a_record_from_them(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, app::policy::presets::Preset::Tongnan2020).await;
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let jiwei_a = app.signed_in("jiwei_a", &app.user("jiwei_a", Role::DisciplineTeam, TOWNSHIP_A).await).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let other = app.signed_in("shuji2", &app.user("shuji2", Role::VillageSecretary, VILLAGE_A2).await).await;
    let department = app.signed_in("yibao", &app.user("yibao", Role::DepartmentUser, COUNTY).await).await;
    let on_time = app.household(VILLAGE_A1, 1, "按期户").await;
    let late = app.household(VILLAGE_A1, 2, "逾期户").await;
    let after = app.household(VILLAGE_A1, 3, "后报户").await;
    // 按期户: found by the village's own visit on 01-05, solved on its deadline 01-20; the supervision saw it 01-25.
    case(&app, &on_time, "visit", "2026-01-05", "2026-01-20", Some("2026-01-20")).await;
    // 逾期户: the same, solved a day late.
    case(&app, &late, "visit", "2026-01-05", "2026-01-20", Some("2026-01-21")).await;
    // 后报户: the supervision found it on 01-10; the village registered it on 01-12.
    case(&app, &after, "visit", "2026-01-12", "2026-02-28", Some("2026-02-01")).await;
    let round = round(&app).await;
    for (code, found) in [(&on_time, "2026-01-25"), (&late, "2026-01-25"), (&after, "2026-01-10")] {
        finding(&app, round, code, found).await;
    }

    // The county's discipline team looks at January to March (the clock stands at 2026-03-02).
    let path = format!("/api/accountability/candidates?area={COUNTY}&from=2026-01&to=2026-03");
    let response = jiwei.get(&path).await;
    assert_eq!(response.status(), 200);
    let view: CandidatesView = response.json().await.unwrap();
    let of = |kind: &str, unit: &str| {
        view.candidates.iter().find(|c| c.kind.as_str() == kind && c.unit.code == unit).cloned()
    };
    // Meetings: no minutes signed for January and February (March is not over).
    let meetings = of("missed_meeting", VILLAGE_A1).expect("months without minutes");
    let months: Vec<&str> = meetings.facts.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(months, ["2026-01 无已签发的研判会议记录", "2026-02 无已签发的研判会议记录"]);
    // Supervision findings: 按期户 is not counted, 逾期户 and 后报户 are, each with its dates.
    let outside = of("outside_finding", VILLAGE_A1).expect("the supervision's findings");
    assert_eq!((outside.counted, outside.exempt), (2, 1), "{outside:?}");
    let verdict =
        |head: &str| outside.facts.iter().find(|f| f.text.contains(head)).and_then(|f| f.verdict.clone()).unwrap();
    assert!(!verdict("按期户").counted);
    assert!(verdict("按期户").reason.contains("按期解决"), "{}", verdict("按期户").reason);
    assert!(verdict("逾期户").reason.contains("超过期限 2026-01-20 共 1 天"), "{}", verdict("逾期户").reason);
    assert!(verdict("后报户").reason.contains("2026-01-10 已由专项督查发现"), "{}", verdict("后报户").reason);
    // The late case is also a case resolved past its deadline.
    let overdue = of("overdue_case", VILLAGE_A1).expect("the late case");
    assert_eq!(overdue.counted, 1);
    assert!(overdue.facts[0].verdict.as_ref().unwrap().reason.contains("共 1 天"));
    // Only the discipline team asks; a township's team only for its township.
    assert_eq!(shuji.get(&path).await.status(), 403);
    assert_eq!(jiwei_a.get(&path).await.status(), 404);

    // The meetings candidate is dismissed with a reason; the findings become a record.
    let dismiss = json!({ "candidate_key": meetings.key, "reason": "" });
    assert_eq!(post(&jiwei, "/api/accountability/dismissals", dismiss).await.1["field"], "reason");
    let dismiss = json!({ "candidate_key": meetings.key, "reason": "1—2 月村两委换届，县里统一安排补开" });
    assert_eq!(post(&jiwei, "/api/accountability/dismissals", dismiss.clone()).await.0, 204);
    assert_eq!(post(&jiwei, "/api/accountability/dismissals", dismiss).await.0, 409);
    // The same months under another period are the same candidate: already dismissed.
    let february = format!("missed_meeting:{VILLAGE_A1}:2026-02:2026-02");
    let (status, body) = post(&jiwei, "/api/accountability/records", json!({ "candidate_key": february })).await;
    assert_eq!(status, 409, "{body}");
    // A key the record does not make a candidate is refused.
    let made_up = json!({ "candidate_key": format!("relapse:{VILLAGE_A1}:2026-01:2026-02"), "reason": "无" });
    assert_eq!(post(&jiwei, "/api/accountability/dismissals", made_up).await.0, 409);
    // The subject is a person of the village, chosen from its people.
    let people: Vec<Value> =
        jiwei.get(&format!("/api/accountability/subjects?unit={VILLAGE_A1}")).await.json().await.unwrap();
    let shuji_id = app.user_id("shuji").await;
    assert!(people.iter().any(|p| p["user_id"] == shuji_id), "{people:?}");
    assert_eq!(shuji.get(&format!("/api/accountability/subjects?unit={VILLAGE_A1}")).await.status(), 403);
    let stranger = json!({ "candidate_key": outside.key, "subject_user_id": app.user_id("shuji2").await.to_string() });
    assert_eq!(post(&jiwei, "/api/accountability/records", stranger).await.1["field"], "subject_user_id");
    let form = json!({ "candidate_key": outside.key, "subject_user_id": shuji_id.to_string() });
    let (status, opened) = post(&jiwei, "/api/accountability/records", form).await;
    assert_eq!(status, 201, "{opened}");
    let id = opened["id"].as_i64().unwrap();
    assert_eq!(post(&jiwei, "/api/accountability/records", json!({ "candidate_key": outside.key })).await.0, 409);
    let r = record(&jiwei, id).await;
    assert_eq!(r.basis.len(), 2, "the counted facts only");
    assert!(r.basis.iter().all(|f| f.link.starts_with("/supervision/")));
    assert_eq!((r.status.as_str(), r.statement_due), ("awaiting_statement", day("2026-03-07")));
    assert_eq!(r.subject.as_deref(), Some("测试shuji"));

    // The village states its case; the other village sees nothing of it.
    assert_eq!(get(&other, &format!("/api/accountability/records/{id}")).await.0, 404);
    assert_eq!(get(&department, &format!("/api/accountability/records/{id}")).await.0, 404, "not a department's");
    assert_eq!(department.get(&format!("/prints/accountability/{id}/decision.pdf")).await.status(), 404);
    assert_eq!(step(&other, id, "state", "不服", "").await.0, 404);
    assert_eq!(step(&jiwei, id, "state", "代为申辩", "").await.0, 403);
    assert_eq!(step(&shuji, id, "decide", "", "talk").await.0, 403);
    assert_eq!(step(&shuji, id, "state", "", "").await.1["field"], "text");
    assert_eq!(step(&shuji, id, "state", "逾期户 1 月 21 日已修缮完毕，系材料延误", "").await.0, 204);
    assert!(record(&shuji, id).await.statement.unwrap().contains("材料延误"));
    // Review, then the decision: a township's team reviews, only the county's decides.
    assert_eq!(step(&jiwei, id, "decide", "情况属实", "talk").await.0, 409, "not before the review");
    assert_eq!(step(&jiwei_a, id, "review", "事实清楚，申辩理由部分成立", "").await.0, 204);
    assert_eq!(step(&jiwei_a, id, "decide", "约谈村支书", "talk").await.0, 403);
    assert_eq!(step(&jiwei, id, "decide", "移送", "referral").await.0, 204);
    let r = record(&jiwei, id).await;
    assert_eq!((r.status.as_str(), r.measure.map(|m| m.as_str())), ("awaiting_approval", Some("referral")));
    // A referral takes effect once the county approves; the county sends it back instead.
    assert_eq!(step(&jiwei, id, "approve", "", "").await.0, 403);
    assert_eq!(step(&office, id, "reject", "情节较轻，不宜移送", "").await.0, 204);
    assert_eq!(step(&jiwei, id, "decide", "约谈村党支部书记", "talk").await.0, 204);
    let r = record(&shuji, id).await;
    assert_eq!((r.status.as_str(), r.measure.map(|m| m.as_str())), ("decided", Some("talk")));
    assert!(r.steps.is_empty(), "the village has nothing more to do: {:?}", r.steps);
    // The talk as held, recorded once by the team; it prints as 约谈记录.
    assert_eq!(step(&shuji, id, "talk", "指出走访不到位", "").await.0, 403);
    assert_eq!(step(&jiwei, id, "talk", "", "").await.1["field"], "text");
    assert_eq!(step(&jiwei, id, "talk", "指出走访不到位，要求每月入户", "").await.0, 204);
    assert_eq!(step(&jiwei, id, "talk", "再记一次", "").await.0, 409);
    let talk = record(&shuji, id).await.talk.expect("the talk");
    assert_eq!((talk.on, talk.participants.as_str()), (day("2026-03-02"), "县纪委朱明、村党支部书记"));
    let response = shuji.get(&format!("/prints/accountability/{id}/decision.pdf")).await;
    assert_eq!(response.status(), 200);
    let text = tests::Pdf::from(response.bytes().await.unwrap().to_vec()).text();
    for expected in ["约谈记录", "指出走访不到位，要求每月入户", "县纪委朱明", "已修缮完毕"]
    {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    // Decided, it changes only by a correction or a revocation with its reason, each recorded.
    assert_eq!(step(&jiwei, id, "review", "再审", "").await.0, 409);
    assert_eq!(step(&jiwei, id, "correct", "", "notice").await.1["field"], "reason");
    assert_eq!(step(&jiwei, id, "correct", "原决定漏列通报", "notice").await.0, 204);
    // A correction to a measure the county must approve, sent back: the decision in force stands.
    assert_eq!(step(&jiwei, id, "correct", "情节较重，改为组织处理", "organisational").await.0, 204);
    assert_eq!(step(&office, id, "reject", "依据不足", "").await.0, 204);
    let r = record(&jiwei, id).await;
    assert_eq!((r.status.as_str(), r.measure.map(|m| m.as_str())), ("decided", Some("notice")));
    assert_eq!(step(&jiwei, id, "revoke", "复查认定系材料延误，撤销", "").await.0, 204);
    let r = record(&jiwei, id).await;
    assert_eq!(r.status.as_str(), "revoked");
    let steps: Vec<&str> = r.events.iter().map(|e| e.step_label.as_str()).collect();
    assert_eq!(
        steps,
        [
            "立问责记录",
            "提交申辩",
            "审查",
            "作出决定",
            "县级审批退回",
            "作出决定",
            "记录约谈",
            "更正决定",
            "更正决定",
            "县级审批退回",
            "撤销决定"
        ]
    );
    // The lists: the village sees its record; the other village none.
    let mine: Vec<Value> = shuji.get("/api/accountability/records").await.json().await.unwrap();
    assert_eq!(mine.len(), 1);
    let theirs: Vec<Value> = other.get("/api/accountability/records").await.json().await.unwrap();
    assert!(theirs.is_empty());
    // The decisions apart from those in progress.
    let decided: Vec<Value> = jiwei.get("/api/accountability/records?status=decided").await.json().await.unwrap();
    let open: Vec<Value> = jiwei.get("/api/accountability/records?status=open").await.json().await.unwrap();
    assert_eq!((decided.len(), open.len(), decided[0]["status"].as_str()), (1, 0, Some("Revoked")));
    assert_eq!(jiwei.get("/api/accountability/records?status=closed").await.status(), 422);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!(
        (count("accountability.dismissed"), count("accountability.opened"), count("accountability.step")),
        (1, 1, 10)
    );
}
both_backends!(candidates_and_a_record, candidates_and_a_record_from_them);
