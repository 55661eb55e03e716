//! 年度考核与一票否决 through the API, with a fixed clock (2026-03-02): the county office computes the 2026 assessment
//! from seeded facts — a village with a month of unsigned minutes, a monitored household unvisited one month, a case
//! resolved a day late, a supervision finding and a decided accountability record scores exactly what the policy's
//! weights give, a village with a clean record full marks —, every component lists the facts behind it; a veto
//! without a decided record as basis cannot be saved, one with it is upheld by the county's discipline team and
//! approved by the county, after which the village has no place and its secretary is barred; and a published
//! assessment is not recomputed.

use app::assessment::{AssessmentTable, UnitAssessmentView, VetoView};
use app::permissions::Role;
use chrono::{NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;

use super::crosscheck::post;
use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_A2};

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn at(text: &str) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day(text).and_hms_opt(4, 0, 0).unwrap())
}

async fn signed_meeting(app: &TestApp, unit: &str, month: &str) {
    entities::meeting::ActiveModel {
        org_code: Set(unit.into()),
        month: Set(month.into()),
        status: Set("signed".into()),
        held_on: Set(Some(day(&format!("{month}-25")))),
        place: Set("村委会".into()),
        chair_user_id: Set(None),
        recorder_user_id: Set(None),
        attendance: Set("[]".into()),
        guests: Set(String::new()),
        created_by: Set(app.user_id("fupin").await),
        created_at: Set(at(&format!("{month}-25"))),
        finalised_at: Set(None),
        signed_at: Set(Some(at(&format!("{month}-25")))),
        sent_back_reason: Set(String::new()),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap();
}

async fn visit(app: &TestApp, code: &str, on: &str) {
    super::visits::earlier_visit(app, code, on, "shuji", false, None).await;
}

/// A case of the household found on a visit, registered `created`, due `deadline`, closed `closed`; a red alert
/// if `red`.
async fn case(app: &TestApp, code: &str, created: &str, deadline: &str, closed: Option<&str>, red: bool) -> i64 {
    let id = super::accountability::case(app, code, "visit", created, deadline, closed).await;
    let mut row = entities::risk_case::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().into_active_model();
    row.red_alert = Set(red);
    row.update(app.db()).await.unwrap();
    id
}

async fn monitoring(app: &TestApp, code: &str, status: &str) {
    let mut h = app.household_row(code).await.into_active_model();
    h.monitoring_status = Set(status.into());
    // Monitored since last year: every month of this year is due.
    h.class_since = Set(Some(day("2025-06-01")));
    h.update(app.db()).await.unwrap();
}

/// A decided accountability record about the village's secretary (or `status`), opened on 2026-02-01.
async fn record(app: &TestApp, status: &str) -> i64 {
    entities::accountability_record::ActiveModel {
        org_code: Set(VILLAGE_A1.into()),
        subject_user_id: Set(Some(app.user_id("shuji").await)),
        kind: Set("outside_finding".into()),
        candidate_key: Set(None),
        title: Set(format!("石桥村：督查发现的问题（{status}）")),
        basis: Set("[]".into()),
        status: Set(status.into()),
        measure: Set(Some("admonition".into())),
        measure_in_force: Set(Some("admonition".into())),
        statement_due: Set(day("2026-02-06")),
        statement: Set(None),
        talk_on: Set(None),
        talk_participants: Set(None),
        talk_content: Set(None),
        talk_follow_up: Set(None),
        created_by: Set(app.user_id("jiwei").await),
        created_at: Set(at("2026-02-01")),
        updated_at: Set(at("2026-02-10")),
        ..Default::default()
    }
    .insert(app.db())
    .await
    .unwrap()
    .id
}

async fn table(client: &Client) -> AssessmentTable {
    let response = client.get(&format!("/api/assessments/2026?township={TOWNSHIP_A}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn veto_step(client: &Client, id: i64, step: &str, note: &str) -> u16 {
    post(client, &format!("/api/vetoes/{id}/steps"), json!({ "step": step, "note": note })).await.0
}

async fn the_assessment_and_a_veto_from_the_record(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, app::policy::presets::Preset::Tongnan2020).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let jiwei_a = app.signed_in("jiwei_a", &app.user("jiwei_a", Role::DisciplineTeam, TOWNSHIP_A).await).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let other = app.signed_in("shuji2", &app.user("shuji2", Role::VillageSecretary, VILLAGE_A2).await).await;
    // 石桥村 (A1): minutes signed for January only; its monitored household visited in January only; of two cases
    // due, one resolved a day late; a supervision finding; a decided record.
    signed_meeting(&app, VILLAGE_A1, "2026-01").await;
    for month in ["2026-01", "2026-02"] {
        signed_meeting(&app, VILLAGE_A2, month).await;
    }
    let watched = app.household(VILLAGE_A1, 1, "监测户").await;
    monitoring(&app, &watched, "monitored").await;
    visit(&app, &watched, "2026-01-15").await;
    let late = case(&app, &watched, "2026-01-05", "2026-01-20", Some("2026-01-21"), false).await;
    case(&app, &watched, "2026-01-05", "2026-01-31", Some("2026-01-30"), false).await;
    let round = super::accountability::round(&app).await;
    let found = app.household(VILLAGE_A1, 2, "外查户").await;
    monitoring(&app, &found, "none").await;
    super::accountability::finding(&app, round, &found, "2026-02-10").await;
    let decided = record(&app, "decided").await;
    let pending = record(&app, "awaiting_statement").await;

    // Only the county office computes.
    assert_eq!(post(&jiwei, "/api/assessments/2026/computation", json!({})).await.0, 403);
    assert_eq!(post(&office, "/api/assessments/2027/computation", json!({})).await.1["field"], "year");
    let (status, body) = post(&office, "/api/assessments/2026/computation", json!({})).await;
    assert_eq!(status, 201, "{body}");
    let t = table(&jiwei).await;
    assert_eq!(t.weights.iter().map(|w| w.weight).collect::<Vec<_>>(), [20, 25, 25, 20, 10]);
    let row = |t: &AssessmentTable, code: &str| t.villages.iter().find(|r| r.unit.code == code).cloned().unwrap();
    let a1 = row(&t, VILLAGE_A1);
    let points: Vec<u32> = a1.components.iter().map(|c| c.points_tenths).collect();
    // 20 × 1/2, 25 × 1/2, 25 × 1/2, 20 − 2 for the problem, 10 − 5 for the decision.
    assert_eq!(points, [100, 125, 125, 180, 50], "{a1:?}");
    assert_eq!(a1.score_tenths, 580);
    let a2 = row(&t, VILLAGE_A2);
    assert_eq!((a2.score_tenths, a2.rank, a1.rank), (1000, Some(1), Some(3)), "B1 has no minutes signed: 2nd");
    assert!(t.townships.iter().any(|r| r.unit.code == TOWNSHIP_A));

    // Every number opens its facts.
    let response = shuji.get(&format!("/api/assessments/2026/units/{VILLAGE_A1}")).await;
    assert_eq!(response.status(), 200);
    let unit: UnitAssessmentView = response.json().await.unwrap();
    let facts =
        |i: usize| unit.components[i].facts.iter().map(|f| (f.text.clone(), f.link.clone())).collect::<Vec<_>>();
    assert_eq!(facts(0), [("2026-02 无已签发的研判会议记录".to_string(), format!("/meetings?unit={VILLAGE_A1}"))]);
    assert_eq!(facts(1)[0].0, "2026-02：1 户监测户无走访记录（共 1 户）");
    assert_eq!(
        facts(2),
        [(format!("案件 {late}：期限 2026-01-20，2026-01-21 办结，逾期 1 天"), format!("/cases/{late}"))]
    );
    assert!(facts(3)[0].0.contains("外查户") && facts(3)[0].1.starts_with("/supervision/"), "{:?}", facts(3));
    assert_eq!(facts(4)[0].1, format!("/accountability/records/{decided}"));
    assert!(unit.veto_grounds.is_empty() && unit.records.is_empty(), "the village does not propose vetoes");
    assert_eq!(other.get(&format!("/api/assessments/2026/units/{VILLAGE_A1}")).await.status(), 404);

    // A veto needs a ground of the policy's and a decided record of the unit as its basis.
    let unit: UnitAssessmentView =
        jiwei.get(&format!("/api/assessments/2026/units/{VILLAGE_A1}")).await.json().await.unwrap();
    assert_eq!(unit.records.iter().map(|r| r.id).collect::<Vec<_>>(), [decided], "decided records only");
    let ground = unit.veto_grounds[0].clone();
    let shuji_id = app.user_id("shuji").await;
    let form = |records: Vec<i64>| {
        json!({ "year": "2026", "unit": VILLAGE_A1, "ground": ground, "record_ids": records.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "person_ids": [shuji_id.to_string()], "note": "监测户长期未走访，住房安全问题未解决导致返贫风险" })
    };
    let (status, refused) = post(&jiwei, "/api/vetoes", form(vec![])).await;
    assert_eq!((status, refused["field"].as_str()), (422, Some("record_ids")), "{refused}");
    assert_eq!(post(&jiwei, "/api/vetoes", form(vec![pending])).await.1["field"], "record_ids");
    assert_eq!(post(&shuji, "/api/vetoes", form(vec![decided])).await.0, 403);
    // The township's team over the village proposes.
    let (status, created) = post(&jiwei_a, "/api/vetoes", form(vec![decided])).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    assert_eq!(post(&jiwei, "/api/vetoes", form(vec![decided])).await.0, 409, "one at a time");
    // Upheld by the county's discipline team, approved by the county office; nobody else.
    assert_eq!(veto_step(&office, id, "uphold", "属实").await, 403);
    assert_eq!(veto_step(&jiwei_a, id, "uphold", "属实").await, 403);
    assert_eq!(veto_step(&jiwei, id, "approve", "").await, 403);
    assert_eq!(veto_step(&jiwei, id, "uphold", "").await, 422);
    assert_eq!(veto_step(&jiwei, id, "uphold", "事实清楚，依据充分").await, 204);
    assert_eq!(veto_step(&office, id, "approve", "同意").await, 204);
    let v: VetoView = shuji.get(&format!("/api/vetoes/{id}")).await.json().await.unwrap();
    assert_eq!(v.summary.status.as_str(), "in_effect");
    assert_eq!(v.summary.persons, ["测试shuji"]);
    assert!(v.effect.iter().any(|e| e.contains("不得提拔重用")), "{:?}", v.effect);
    assert_eq!(v.basis.iter().map(|r| r.id).collect::<Vec<_>>(), [decided]);
    // In effect: the village keeps its score but has no place; the others move up.
    let t = table(&jiwei).await;
    let (a1, a2) = (row(&t, VILLAGE_A1), row(&t, VILLAGE_A2));
    assert_eq!((a1.rank, a1.veto.map(|v| v.id)), (None, Some(id)));
    assert_eq!(a2.rank, Some(1));
    let listed: serde_json::Value = jiwei.get("/api/assessments/2026/vetoes").await.json().await.unwrap();
    assert_eq!(listed["vetoes"][0]["persons"][0], "测试shuji");
    assert_eq!(other.get(&format!("/api/vetoes/{id}")).await.status(), 404);
    // The decision prints with its basis and effect; the table as PDF and workbook.
    let response = jiwei.get(&format!("/prints/assessments/vetoes/{id}/decision.pdf")).await;
    assert_eq!(response.status(), 200);
    let text = tests::Pdf::from(response.bytes().await.unwrap().to_vec()).text();
    for expected in ["一票否决", &ground[..], "不得提拔重用", "石桥村：督查发现的问题", "县级审批同意"]
    {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let response = office.get(&format!("/prints/assessments/2026/table.pdf?county={COUNTY}")).await;
    let text = tests::Pdf::from(response.bytes().await.unwrap().to_vec()).text();
    assert!(text.contains("考核结果") && text.contains("58.0") && text.contains("一票否决（已生效）"), "{text}");
    let response = office.get("/api/assessments/2026/table.xlsx").await;
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.contains(&"100.0".to_string()) && cells.contains(&"58.0".to_string()), "{cells:?}");
    // Revoked by its own step: the village is ranked again.
    assert_eq!(veto_step(&jiwei, id, "revoke", "复查认定依据不足").await, 204);
    assert!(row(&table(&jiwei).await, VILLAGE_A1).rank.is_some());
    // Who proposes does not also uphold.
    let (status, again) = post(&jiwei, "/api/vetoes", form(vec![decided])).await;
    assert_eq!(status, 201, "{again}");
    let again = again["id"].as_i64().unwrap();
    assert_eq!(veto_step(&jiwei, again, "uphold", "属实").await, 409);

    // A year is published once it is over, and is fixed from then on.
    let (status, body) = post(&office, "/api/assessments/2026/publication", json!({})).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["message"].as_str().unwrap().contains("年度结束后"), "{body}");
    app.policy(COUNTY, 2025, app::policy::presets::Preset::Tongnan2020).await;
    let (status, body) = post(&office, "/api/assessments/2025/computation", json!({})).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(post(&office, "/api/assessments/2025/publication", json!({})).await.0, 204);
    assert_eq!(post(&office, "/api/assessments/2025/computation", json!({})).await.0, 409);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!(
        (
            count("assessment.computed"),
            count("assessment.veto_proposed"),
            count("assessment.veto_step"),
            count("assessment.published")
        ),
        (2, 2, 3, 1)
    );
}
both_backends!(the_assessment_and_a_veto, the_assessment_and_a_veto_from_the_record);

/// 返贫致贫: a red alert of a monitored household unvisited in the policy's 31 days before counts; one visited does not.
async fn a_red_alert_after_missed_visits_is_a_candidate(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, app::policy::presets::Preset::Tongnan2020).await;
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;
    app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let neglected = app.household(VILLAGE_A1, 1, "失访户").await;
    let visited = app.household(VILLAGE_A1, 2, "常访户").await;
    for code in [&neglected, &visited] {
        monitoring(&app, code, "monitored").await;
    }
    visit(&app, &neglected, "2025-12-01").await;
    visit(&app, &visited, "2026-01-20").await;
    let red = case(&app, &neglected, "2026-02-10", "2026-03-10", None, true).await;
    case(&app, &visited, "2026-02-10", "2026-03-10", None, true).await;
    let path = format!("/api/accountability/candidates?area={COUNTY}&from=2026-01&to=2026-03");
    let view: app::accountability::CandidatesView = jiwei.get(&path).await.json().await.unwrap();
    let relapse = view.candidates.iter().find(|c| c.kind.as_str() == "relapse").expect("a relapse candidate");
    assert_eq!((relapse.unit.code.as_str(), relapse.counted, relapse.exempt), (VILLAGE_A1, 1, 1));
    let fact = &relapse.facts[0];
    assert_eq!(fact.link, format!("/cases/{red}"));
    assert!(fact.text.contains("失访户"), "{}", fact.text);
    let reason = &fact.verdict.as_ref().unwrap().reason;
    assert!(reason.contains("上次走访为 2025-12-01，预警前已 71 天未走访"), "{reason}");
    assert!(relapse.facts[1].verdict.as_ref().unwrap().reason.contains("2026-01-20 已走访"));
}
both_backends!(a_red_alert_after_missed_visits, a_red_alert_after_missed_visits_is_a_candidate);
