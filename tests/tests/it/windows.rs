//! Time-window grants: a cross-checker holds no role over any village, yet reads exactly the households
//! (or units) a window lists, from its start to its end, and nothing one second later or after revoking.

use app::audit::service::Actor;
use app::authz::windows::{self, NewWindow};
use app::permissions::Action;
use app::permissions::Role;
use app::users::api::GetUser;
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use tests::both_backends;
use tests::{Backend, COUNTY, TOWNSHIP_B, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, error_message};

async fn grant(app: &TestApp, user_id: i64, codes: &[&str], minutes: i64) -> i64 {
    let now = app.clock_now();
    let tx = app::db::begin_write(app.db()).await.unwrap();
    let id = windows::grant(
        &tx,
        now,
        &Actor::operator(),
        user_id,
        &NewWindow {
            user_id,
            action: Action::ReadHousehold,
            purpose: "2026年交叉检查：第一检查组".into(),
            codes: codes.iter().map(|c| c.to_string()).collect(),
            starts_at: now + Duration::minutes(1),
            ends_at: now + Duration::minutes(minutes),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn a_window_opens_its_records_for_its_time_only(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let sampled = app.household(VILLAGE_A1, 1, "张建国").await;
    let beside = app.household(VILLAGE_A1, 2, "李秀英").await;
    let in_unit = app.household(VILLAGE_A2, 1, "刘志成").await;
    let elsewhere = app.household(VILLAGE_B1, 1, "王德福").await;
    // A cross-checker of township B, lent to check township A.
    let password = app.user("checker", Role::CrossChecker, TOWNSHIP_B).await;
    let checker_id = app.user_id("checker").await;
    let start = app.clock_now() + Duration::minutes(1);
    let id = grant(&app, checker_id, &[sampled.as_str(), VILLAGE_A2], 11).await;
    let end = start + Duration::minutes(10);
    let checker = app.signed_in("checker", &password).await;

    // Before the window: refused, exactly like a household that does not exist.
    let missing = error_message(checker.get("/api/households/50015210120199999").await).await;
    assert_eq!(missing.0, 403, "a cross-checker without a window reads no household: {missing:?}");
    assert_eq!(error_message(checker.get(&format!("/api/households/{sampled}")).await).await, missing);

    // From its start to its end inclusive: the listed household and the listed village's households.
    for at in [start, end] {
        app.clock.set(at);
        let shown: serde_json::Value = checker.get(&format!("/api/households/{sampled}")).await.json().await.unwrap();
        assert_eq!(shown["summary"]["head_name"], "张建国", "{shown}");
        let shown: serde_json::Value = checker.get(&format!("/api/households/{in_unit}")).await.json().await.unwrap();
        assert_eq!(shown["summary"]["head_name"], "刘志成", "{shown}");
        // Not its neighbour, not another village: answered like a missing household.
        for other in [&beside, &elsewhere] {
            assert_eq!(error_message(checker.get(&format!("/api/households/{other}")).await).await.0, 404);
        }
        // The list shows the listed village's households (lists cover units, not single households).
        let list: serde_json::Value = checker.get("/api/households").await.json().await.unwrap();
        let heads: Vec<&str> =
            list["items"].as_array().unwrap().iter().map(|h| h["head_name"].as_str().unwrap()).collect();
        assert_eq!(heads, ["刘志成"]);
    }

    // One second after the end: refused again.
    app.clock.set(end + Duration::seconds(1));
    assert_eq!(error_message(checker.get(&format!("/api/households/{sampled}")).await).await, missing);
    assert_eq!(error_message(checker.get(&format!("/api/households/{in_unit}")).await).await, missing);

    // The administrator sees the grant on the user's page, ended; the audit log has who granted what.
    let admin_password = app.user("admin", Role::Admin, COUNTY).await;
    let admin = app.signed_in("admin", &admin_password).await;
    let user: serde_json::Value =
        admin.server_fn::<GetUser>(&[("user_id", &checker_id.to_string())]).await.json().await.unwrap();
    assert_eq!(user["windows"][0]["purpose"], "2026年交叉检查：第一检查组", "{user}");
    assert_eq!(user["windows"][0]["records"], 2);
    assert_eq!(user["windows"][0]["state"], "已结束");
    let page = admin.get(&format!("/admin/users/{checker_id}")).await.text().await.unwrap();
    assert!(page.contains("时限授权") && page.contains("2026年交叉检查：第一检查组") && page.contains("已结束"));
    let audit = entities::audit_log::Entity::find()
        .filter(entities::audit_log::Column::Action.eq("window.granted"))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].changes.contains("2026年交叉检查：第一检查组"), "{}", audit[0].changes);

    // A revoked window closes at once, within its time.
    let second = grant(&app, checker_id, &[sampled.as_str()], 30).await;
    app.clock.set(app.clock_now() + Duration::minutes(2));
    assert_eq!(checker.get(&format!("/api/households/{sampled}")).await.status(), 200);
    let tx = app::db::begin_write(app.db()).await.unwrap();
    windows::revoke(&tx, app.clock_now(), &Actor::operator(), checker_id, second).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(error_message(checker.get(&format!("/api/households/{sampled}")).await).await, missing);
    assert_ne!(id, second);
}
both_backends!(a_window_opens_its_records_for_its_time_only, a_window_opens_its_records_for_its_time_only);
