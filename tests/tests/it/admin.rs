//! Administration through the same server functions the admin pages use: users, roles, org units.

use app::org::api::{CreateOrgUnit, RenameOrgUnit};
use app::permissions::Role;
use app::users::api::{AddRole, CreateUser, ResetPassword};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use tests::both_backends;
use tests::{Backend, COUNTY, TOWNSHIP_A, TOWNSHIP_B, TestApp, VILLAGE_A1, VILLAGE_B1};

async fn user_id(app: &TestApp, username: &str) -> i64 {
    entities::app_user::Entity::find()
        .filter(entities::app_user::Column::Username.eq(username))
        .one(app.db())
        .await
        .unwrap()
        .expect("user exists")
        .id
}

async fn an_administrator_creates_a_user_who_then_signs_in(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let admin_pw = app.user("admin", Role::Admin, COUNTY).await;
    let admin = app.signed_in("admin", &admin_pw).await;

    let created = admin
        .server_fn::<CreateUser>(&[
            ("input[username]", "Zhang.San"),
            ("input[display_name]", "张三"),
            ("input[role]", "monitoring_contact"),
            ("input[org_code]", VILLAGE_A1),
            ("input[department]", ""),
            ("input[phone]", "13800138000"),
            ("input[email]", ""),
        ])
        .await;
    assert_eq!(created.status(), 200);
    let secret: serde_json::Value = created.json().await.unwrap();
    assert_eq!(secret["username"], "zhang.san");
    let one_time = secret["secret"].as_str().unwrap().to_string();

    let user = app.signed_in("zhang.san", &one_time).await;
    let me: serde_json::Value = user.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["display_name"], "张三");
    assert_eq!(me["must_change_password"], true);
    assert_eq!(me["roles"][0]["role_label"], "监测联系人");

    // Bad input: a Chinese message naming the field, and nothing is created.
    let bad = admin
        .server_fn::<CreateUser>(&[
            ("input[username]", "李四"),
            ("input[display_name]", "李四"),
            ("input[role]", "village_secretary"),
            ("input[org_code]", TOWNSHIP_A),
        ])
        .await;
    let body = bad.text().await.unwrap();
    assert!(body.contains("username") && body.contains("用户名须为"), "{body}");
    let wrong_level = admin
        .server_fn::<CreateUser>(&[
            ("input[username]", "lisi"),
            ("input[display_name]", "李四"),
            ("input[role]", "village_secretary"),
            ("input[org_code]", TOWNSHIP_A),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong_level.contains("只能设在村/社区一级"), "{wrong_level}");
    let count = entities::app_user::Entity::find().all(app.db()).await.unwrap().len();
    assert_eq!(count, 2, "no half-created users");
    let garbled = admin
        .server_fn::<app::users::api::SetUserActive>(&[("user_id", "x"), ("active", "maybe")])
        .await
        .text()
        .await
        .unwrap();
    assert!(garbled.contains("提交的内容不完整或格式不正确"), "a malformed form gets a Chinese sentence: {garbled}");

    // Another role, then a password reset that ends the user's sessions.
    let id = user_id(&app, "zhang.san").await.to_string();
    let added =
        admin.server_fn::<AddRole>(&[("user_id", &id), ("role", "info_officer"), ("org_code", VILLAGE_A1)]).await;
    assert_eq!(added.status(), 200);
    let me: serde_json::Value = user.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["roles"].as_array().unwrap().len(), 2);
    let reset = admin.server_fn::<ResetPassword>(&[("user_id", &id)]).await;
    assert_eq!(reset.status(), 200);
    assert_eq!(user.get("/api/me").await.status(), 401);
}
both_backends!(create_user, an_administrator_creates_a_user_who_then_signs_in);

async fn a_township_administrator_stays_in_the_township(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("admin.a", Role::Admin, TOWNSHIP_A).await;
    let admin = app.signed_in("admin.a", &pw).await;
    let outside = admin
        .server_fn::<CreateUser>(&[
            ("input[username]", "wangwu"),
            ("input[display_name]", "王五"),
            ("input[role]", "village_cadre"),
            ("input[org_code]", VILLAGE_B1),
        ])
        .await
        .text()
        .await
        .unwrap();
    assert!(outside.contains("NotFound"), "{outside}");
    app.user("far.cadre", Role::VillageCadre, VILLAGE_B1).await;
    let far = user_id(&app, "far.cadre").await.to_string();
    let reset = admin.server_fn::<ResetPassword>(&[("user_id", &far)]).await.text().await.unwrap();
    assert!(reset.contains("NotFound"), "{reset}");
    let rename =
        admin.server_fn::<RenameOrgUnit>(&[("code", TOWNSHIP_B), ("name", "改名镇")]).await.text().await.unwrap();
    assert!(rename.contains("NotFound"), "{rename}");
}
both_backends!(township_admin, a_township_administrator_stays_in_the_township);

async fn org_units_are_added_and_renamed_with_checks(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("admin", Role::Admin, COUNTY).await;
    let admin = app.signed_in("admin", &pw).await;

    let added = admin
        .server_fn::<CreateOrgUnit>(&[("parent_code", TOWNSHIP_A), ("code", "500152101203"), ("name", "玉泉村")])
        .await;
    assert_eq!(added.status(), 200);
    let unit: serde_json::Value = added.json().await.unwrap();
    assert_eq!(unit["level"], "Village");

    let wrong_parent = admin
        .server_fn::<CreateOrgUnit>(&[("parent_code", TOWNSHIP_A), ("code", "500152102209"), ("name", "错村")])
        .await;
    assert!(wrong_parent.text().await.unwrap().contains("不是双江镇"));
    let taken = admin
        .server_fn::<CreateOrgUnit>(&[("parent_code", TOWNSHIP_A), ("code", "500152101203"), ("name", "重复村")])
        .await;
    assert!(taken.text().await.unwrap().contains("已被使用"));
    let bad =
        admin.server_fn::<CreateOrgUnit>(&[("parent_code", TOWNSHIP_A), ("code", "5001521"), ("name", "短码村")]).await;
    assert!(bad.text().await.unwrap().contains("12 位数字"));

    let renamed = admin.server_fn::<RenameOrgUnit>(&[("code", "500152101203"), ("name", "玉泉社区")]).await;
    assert_eq!(renamed.status(), 200);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 50).await.unwrap();
    let rename = records.iter().find(|r| r.action == "org.renamed").expect("rename audited");
    assert!(rename.changes.contains("玉泉村") && rename.changes.contains("玉泉社区"), "before and after are kept");
    assert!(rename.actor.contains("admin"));
    assert_eq!(rename.ip.as_deref(), Some("127.0.0.1"));
}
both_backends!(org_units, org_units_are_added_and_renamed_with_checks);
