//! 一键报贫: the public page without sign-in, a report that finds its household and one that does
//! not, checks in words, a village with nobody to take it, and the rate limit on a fixed clock.

use app::permissions::Role;
use app::policy::presets::Preset;
use app::self_report::api::{PublicPlaces, SubmitSelfReport};
use entities::{notification, risk_case};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use tests::both_backends;
use tests::{COUNTY, Client, TestApp, VILLAGE_A1, VILLAGE_A2};

async fn report(client: &Client, name: &str, phone: &str, village: &str) -> (u16, String) {
    let response = client
        .server_fn::<SubmitSelfReport>(&[
            ("form[name]", name),
            ("form[phone]", phone),
            ("form[village]", village),
            ("form[kind]", "illness"),
            ("form[what_happened]", "老伴住院做手术，自付六万多，孩子还在上学"),
            ("form[reporter]", "家属"),
        ])
        .await;
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn a_villager_reports_without_signing_in(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let public = app.browser();

    let page = public.get("/report").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("困难申报（一键报贫）"));
    let places: serde_json::Value = public.server_fn::<PublicPlaces>(&[]).await.json().await.unwrap();
    assert_eq!(places["townships"][0]["name"], "双江镇");
    assert_eq!(places["townships"][0]["villages"][0], serde_json::json!([VILLAGE_A1, "青龙村"]));
    assert_eq!(places["hotline"], "12317", "the preset's hotline");
    // The hotline is the county policy's, not a number in the program.
    let own =
        app::policy::Policy { notice_phone: "023-44551234".into(), ..app::policy::presets::preset(Preset::Fujian2021) };
    app.own_policy(COUNTY, 2026, None, &own).await;
    let places: serde_json::Value = public.server_fn::<PublicPlaces>(&[]).await.json().await.unwrap();
    assert_eq!(places["hotline"], "023-44551234");

    // The name is a member of one household in the village: the case is that household's.
    let (status, body) = report(&public, "张建国", "13800138000", VILLAGE_A1).await;
    assert_eq!(status, 200, "{body}");
    let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(receipt["village_name"], "青龙村");
    assert_eq!(receipt["verify_by"], "2026-03-09", "5 working days from Monday 2 March [F]");
    let case = risk_case::Entity::find_by_id(receipt["number"].as_i64().unwrap()).one(app.db()).await.unwrap().unwrap();
    let household = entities::household::Entity::find()
        .filter(entities::household::Column::Code.eq(&code))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.household_id, Some(household.id));
    assert_eq!((case.source.as_str(), case.found_by_unit), ("self_report", true));
    assert_eq!(case.owner_user_id, app.user_id("lianxi").await);
    assert!(case.description.contains("家属申报，电话 13800138000"), "{}", case.description);
    let told = notification::Entity::find()
        .filter(notification::Column::UserId.eq(case.owner_user_id))
        .all(app.db())
        .await
        .unwrap();
    assert!(told[0].title.starts_with("新案件交您办理：张建国户"), "{}", told[0].title);
    let audit = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 50).await.unwrap();
    let created = audit.iter().find(|r| r.action == "case.created").unwrap();
    assert!(created.actor.starts_with("农户主动申报（张建国 138****8000）"), "{}", created.actor);

    // A name nobody registered: a case of the village, for the contact to find the family.
    let (_, body) = report(&public, "王小明", "13900139000", VILLAGE_A1).await;
    let number = serde_json::from_str::<serde_json::Value>(&body).unwrap()["number"].as_i64().unwrap();
    let case = risk_case::Entity::find_by_id(number).one(app.db()).await.unwrap().unwrap();
    assert_eq!((case.household_id, case.org_code.as_str()), (None, VILLAGE_A1));

    // Checks in words; a township is not a village; a village with nobody to take the report.
    let (_, bad_phone) = report(&public, "李四", "12345", VILLAGE_A1).await;
    assert!(bad_phone.contains("电话"), "{bad_phone}");
    let (_, township) = report(&public, "李四", "13700137000", "500152101000").await;
    assert!(township.contains("请选择所在的村"), "{township}");
    let (_, nobody) = report(&public, "李四", "13700137001", VILLAGE_A2).await;
    assert!(nobody.contains("该村暂未设置受理人员"), "{nobody}");

    // Five reports an hour from one address; the sixth waits.
    assert_eq!(report(&public, "赵五", "13600136000", VILLAGE_A1).await.0, 200);
    let (status, limited) = report(&public, "赵六", "13600136001", VILLAGE_A1).await;
    assert_ne!(status, 200);
    assert!(limited.contains("RateLimited"), "{limited}");
    assert!(app::error::AppError::RateLimited.to_string().starts_with("提交过于频繁"));
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(report(&public, "赵六", "13600136001", VILLAGE_A1).await.0, 200);
}

both_backends!(a_villager_reports_without_signing_in, a_villager_reports_without_signing_in);
