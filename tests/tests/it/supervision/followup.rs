//! 举一反三 (a closed finding's item looked for in the county's other villages, from the record, and recorded there)
//! and 回头看 (a reproducible draw of earlier rounds' closed findings, checked against its stored frame, with
//! each drawn finding confirmed or found back).

use app::permissions::Role;
use app::policy::presets::Preset;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};

use super::{case_step, finding, get, post, started_round};
use tests::both_backends;
use tests::{COUNTY, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1};

const INCLUDED: &str = "应纳尽纳、规范退出";

async fn similar_and_followup(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    app.policy(COUNTY, 2025, Preset::Tongnan2020).await;
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let jingfa = app.signed_in("jingfa", &app.user("jingfa", Role::TownshipStaff, "500152101000").await).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A2).await).await;
    // 三合村 (another township) has a household the rules call a monitoring object that nobody identified.
    let missed = app.household(VILLAGE_B1, 1, "刘志成").await;
    let mut row = app.household_row(&missed).await.into_active_model();
    (row.monitoring_status, row.monitoring_class, row.risk_monitored) = (Set("none".into()), Set(None), Set(true));
    row.update(app.db()).await.unwrap();

    // Last year's round: one problem corrected on the spot, one rectified and closed; completed.
    let earlier = started_round(&app, (&jiwei, "jiwei"), "2025 年督查", &["fupin", "jingfa"], "2025-06-02").await;
    let findings = format!("/api/supervision/rounds/{earlier}/findings");
    let (_, on_spot) = post(&jiwei, &findings, finding(VILLAGE_A1, "", "工作资料按目录归档", Some("当场归档"))).await;
    let (_, rectified) = post(&jiwei, &findings, finding(VILLAGE_A2, "", "帮扶措施落实到位", None)).await;
    let (on_spot, rectified) = (on_spot["id"].as_i64().unwrap(), rectified["id"].as_i64().unwrap());
    let owner = json!({ "owner_user_id": app.user_id("lianxi").await.to_string() });
    let (_, case) = post(&jiwei, &format!("/api/supervision/findings/{rectified}/hand-over"), owner).await;
    assert_eq!(case_step(&lianxi, case["id"].as_i64().unwrap(), "submit", "已落实").await.0, 200);
    let pass = json!({ "result": "pass", "note": "已落实" });
    assert_eq!(post(&fupin, &format!("/api/supervision/findings/{rectified}/recheck"), pass).await.0, 204);
    for step in ["rectify", "complete"] {
        let (status, body) =
            post(&jiwei, &format!("/api/supervision/rounds/{earlier}/steps"), json!({ "step": step })).await;
        assert_eq!(status, 204, "{body}");
    }

    // This year's round over 双江镇: a problem of 应纳未纳 in 青龙村, corrected on the spot.
    let round = started_round(&app, (&jiwei, "jiwei"), "2026 年上半年督查", &["fupin", "jingfa"], "2026-03-02").await;
    let findings = format!("/api/supervision/rounds/{round}/findings");
    let (_, first) = post(&jiwei, &findings, finding(VILLAGE_A1, "", INCLUDED, Some("当场纳入监测"))).await;
    let first = first["id"].as_i64().unwrap();

    // 举一反三: the other villages of the county, 三合村 first with its one household from the record.
    let (status, similar) = get(&jiwei, &format!("/api/supervision/findings/{first}/similar")).await;
    assert_eq!(status, 200, "{similar}");
    assert_eq!(similar["facts_title"], "疑似应纳未纳的农户");
    let units: Vec<(&str, i64)> = similar["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["code"].as_str().unwrap(), u["facts"].as_i64().unwrap()))
        .collect();
    assert_eq!(units.first(), Some(&(VILLAGE_B1, 1)), "{similar}");
    assert!(units.contains(&(VILLAGE_A2, 0)) && !units.iter().any(|(c, _)| *c == VILLAGE_A1), "{units:?}");
    assert_eq!(get(&lianxi, &format!("/api/supervision/findings/{first}/similar")).await.0, 404);
    // 三合村 lies outside the round's townships: recorded there only as 举一反三 of a finding of the same item.
    let mut form = finding(VILLAGE_B1, &missed, INCLUDED, None);
    assert_eq!(post(&jiwei, &findings, form.clone()).await.0, 422);
    form["prompted_by_finding_id"] = json!(first.to_string());
    let mut other_item = form.clone();
    other_item["item"] = json!("信息采集准确");
    assert_eq!(post(&jiwei, &findings, other_item).await.0, 422);
    let (status, body) = post(&jiwei, &findings, form).await;
    assert_eq!(status, 201, "{body}");
    let prompted = body["id"].as_i64().unwrap();
    let (_, similar) = get(&jiwei, &format!("/api/supervision/findings/{first}/similar")).await;
    assert_eq!(similar["units"][0]["recorded"], prompted, "{similar}");

    // 回头看: last year's two closed problems are the frame; a township member may not draw.
    let (_, view) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    assert_eq!((view["followup"]["frame_size"].as_i64(), &view["followup"]["drawn"]), (Some(2), &json!(false)));
    let draw = |seed: &str, size: &str| json!({ "seed": seed, "size": size });
    let path = format!("/api/supervision/rounds/{round}/followup");
    assert_eq!(post(&jingfa, &path, draw("3-5-2", "2")).await.0, 403);
    assert_eq!(post(&jiwei, &path, draw("", "2")).await.1["field"], "seed");
    let (status, body) = post(&jiwei, &path, draw("3-5-2", "2")).await;
    assert_eq!((status, &body["drawn"]), (201, &json!(2)), "{body}");
    assert_eq!(post(&jiwei, &path, draw("9", "1")).await.0, 409, "a draw is never redrawn");
    // The stored draw is what the algorithm gives for the stored frame and the seed read out.
    let frame = vec![on_spot.to_string(), rectified.to_string()];
    let expected: Vec<i64> = app::sampling::draw("3-5-2", &frame, 2).drawn.iter().map(|c| c.parse().unwrap()).collect();
    let (_, view) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    let followup = &view["followup"];
    let drawn: Vec<i64> =
        followup["items"].as_array().unwrap().iter().map(|i| i["finding_id"].as_i64().unwrap()).collect();
    assert_eq!(drawn, expected, "{followup}");
    assert_eq!((&followup["seed"], &followup["mismatch"]), (&json!("3-5-2"), &Value::Null), "{followup}");
    assert_eq!(followup["frame_sha256"], app::sampling::frame_hash(&frame));
    // A frame changed afterwards no longer matches its hash, and the page says so.
    let stored = entities::supervision_followup::Entity::find().one(app.db()).await.unwrap().unwrap();
    let mut tampered = stored.clone().into_active_model();
    tampered.frame = Set(format!("[{rectified}]"));
    tampered.update(app.db()).await.unwrap();
    let (_, view) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    assert!(view["followup"]["mismatch"].as_str().unwrap().contains("抽样框已被改动"), "{view}");
    stored.into_active_model().reset_all().update(app.db()).await.unwrap();

    // One holds; the other is back and becomes a finding of this round, in its own village.
    let confirm = |id: i64| json!({ "finding_id": id, "note": "入户核实，措施仍在落实" });
    let confirmations = format!("/api/supervision/rounds/{round}/followup/confirmations");
    assert_eq!(post(&fupin, &confirmations, confirm(first)).await.0, 422, "not drawn");
    assert_eq!(post(&fupin, &confirmations, confirm(on_spot)).await.0, 204);
    assert_eq!(post(&fupin, &confirmations, confirm(on_spot)).await.0, 409);
    let mut relapse = finding(VILLAGE_A1, "", "帮扶措施落实到位", None);
    relapse["followup_of_finding_id"] = json!(rectified.to_string());
    assert_eq!(post(&jiwei, &findings, relapse.clone()).await.1["field"], "org_code");
    relapse["org_code"] = json!(VILLAGE_A2);
    let (status, body) = post(&jiwei, &findings, relapse).await;
    assert_eq!(status, 201, "{body}");
    let back = body["id"].as_i64().unwrap();
    let (_, view) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    let result = |id: i64| {
        view["followup"]["items"].as_array().unwrap().iter().find(|i| i["finding_id"] == id).cloned().unwrap()
    };
    assert_eq!((&result(on_spot)["result"], &result(on_spot)["new_finding_id"]), (&json!("Holds"), &Value::Null));
    assert_eq!(
        (&result(rectified)["result"], &result(rectified)["new_finding_id"]),
        (&json!("Relapsed"), &json!(back))
    );
    let new = view["findings"].as_array().unwrap().iter().find(|f| f["id"] == back).cloned().unwrap();
    assert_eq!(new["followup_of_finding_id"], rectified);

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 300).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!((count("supervision.followup_drawn"), count("supervision.followup_checked")), (1, 2));
    let checks = entities::supervision_followup_check::Entity::find()
        .filter(entities::supervision_followup_check::Column::Result.eq("relapsed"))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(checks.len(), 1);
}
both_backends!(similar_and_followup, similar_and_followup);
