//! Sign-in, sign-out, throttling, timeouts, deactivation, cross-origin refusal, API tokens, passwords.

use app::permissions::Role;
use app::users::api::{CreateToken, RevokeToken, SetUserActive};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use tests::both_backends;
use tests::{Backend, COUNTY, TestApp, VILLAGE_A1, error_message};

async fn audit_actions(app: &TestApp) -> Vec<String> {
    entities::audit_log::Entity::find().all(app.db()).await.unwrap().into_iter().map(|r| r.action).collect()
}

async fn sign_in_and_out(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let password = app.user("zhang", Role::VillageCadre, VILLAGE_A1).await;
    let browser = app.browser();

    let response = browser.login("zhang", &password).await;
    assert_eq!(response.status(), 200);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("fp_session="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests: no Secure flag");

    let me: serde_json::Value = browser.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["username"], "zhang");
    assert_eq!(me["roles"][0]["role"], "VillageCadre");
    assert_eq!(me["roles"][0]["org_code"], VILLAGE_A1);

    // A second sign-in gets a new session id.
    let again = app.browser().login("zhang", &password).await;
    let cookie2 = again.headers()["set-cookie"].to_str().unwrap().to_string();
    assert_ne!(cookie.split(';').next(), cookie2.split(';').next());

    let out = browser.http.post(browser.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let (status, message) = error_message(browser.get("/api/me").await).await;
    assert_eq!(status, 401);
    assert!(message.contains("请重新登录"), "{message}");
    // The session is gone on the server, not just the cookie.
    let sessions = entities::session::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(sessions.len(), 1, "only the second browser's session is left");

    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"auth.login".to_string()));
    assert!(actions.contains(&"auth.logout".to_string()));
}
both_backends!(sign_in_out, sign_in_and_out);

async fn failures_look_alike_and_are_throttled(backend: Backend) {
    // Behind a proxy that names each client's address.
    let app = TestApp::spawn_with(backend, |s| s.trust_proxy_headers = true).await.with_county().await;
    let password = app.user("lisi", Role::VillageCadre, VILLAGE_A1).await;
    let stranger = app.browser_from("203.0.113.9");
    let office = app.browser_from("10.20.30.40");

    let wrong = error_message(stranger.login("lisi", "not-the-password").await).await;
    let missing = error_message(stranger.login("nobody", "whatever-password").await).await;
    assert_eq!(wrong, missing, "a wrong password and a missing account answer alike");
    assert_eq!(wrong.0, 401);
    assert!(wrong.1.contains("登录失败"));

    // Five failures on the account from the stranger's address: that address is refused even the right
    // password, with the same message ...
    for _ in 0..4 {
        stranger.login("lisi", "not-the-password").await;
    }
    let throttled = error_message(stranger.login("lisi", &password).await).await;
    assert_eq!(throttled, wrong);
    // ... but the stranger cannot lock the owner out: from the village office the right password works.
    assert_eq!(office.login("lisi", &password).await.status(), 200);
    // After the window the stranger's address may try again.
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(stranger.login("lisi", &password).await.status(), 200);

    // Colleagues behind the office's one address mistyping their own passwords, 24 times in all, lock nobody else out.
    for colleague in ["wang", "zhao", "qian", "sunli", "zhou", "wuqiang"] {
        app.user(colleague, Role::VillageCadre, VILLAGE_A1).await;
        for _ in 0..4 {
            office.login(colleague, "not-the-password").await;
        }
    }
    assert_eq!(office.login("lisi", &password).await.status(), 200, "the office still signs in");

    // Guessing names from one address, twenty unknown names, locks that address, for real accounts too.
    let guesser = app.browser_from("198.51.100.7");
    for i in 0..20 {
        guesser.login(&format!("guess{i}"), "not-the-password").await;
    }
    assert_eq!(error_message(guesser.login("lisi", &password).await).await, wrong);
    assert_eq!(office.login("lisi", &password).await.status(), 200, "other addresses are not affected");

    let failures = audit_actions(&app).await.iter().filter(|a| *a == "auth.login_failed").count();
    assert!(failures >= 51, "every failed sign-in is audited ({failures})");
}
both_backends!(throttling, failures_look_alike_and_are_throttled);

async fn sessions_time_out(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let password = app.user("zhao", Role::VillageCadre, VILLAGE_A1).await;
    let browser = app.signed_in("zhao", &password).await;

    // Used every 25 minutes, the session lives on...
    for _ in 0..4 {
        app.clock.advance(chrono::Duration::minutes(25));
        assert_eq!(browser.get("/api/me").await.status(), 200);
    }
    // ...but idle for 31 minutes it ends.
    app.clock.advance(chrono::Duration::minutes(31));
    assert_eq!(browser.get("/api/me").await.status(), 401);

    // And no session outlives 12 hours, however busy.
    let busy = app.signed_in("zhao", &password).await;
    for _ in 0..28 {
        app.clock.advance(chrono::Duration::minutes(25));
        assert_eq!(busy.get("/api/me").await.status(), 200);
    }
    app.clock.advance(chrono::Duration::minutes(25));
    assert_eq!(busy.get("/api/me").await.status(), 401, "past 12 hours");
}
both_backends!(timeouts, sessions_time_out);

async fn deactivation_ends_sessions_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let admin_pw = app.user("admin", Role::Admin, COUNTY).await;
    let user_pw = app.user("chen", Role::VillageCadre, VILLAGE_A1).await;
    let admin = app.signed_in("admin", &admin_pw).await;
    let user = app.signed_in("chen", &user_pw).await;
    assert_eq!(user.get("/api/me").await.status(), 200);

    let chen = entities::app_user::Entity::find()
        .filter(entities::app_user::Column::Username.eq("chen"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let response = admin.server_fn::<SetUserActive>(&[("user_id", &chen.id.to_string()), ("active", "false")]).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    assert_eq!(user.get("/api/me").await.status(), 401, "the deactivated user's session ended");
    assert_eq!(app.browser().login("chen", &user_pw).await.status(), 401, "and they cannot sign in");
    assert!(audit_actions(&app).await.contains(&"user.deactivated".to_string()));

    // A village cadre cannot deactivate anyone.
    let other_pw = app.user("sun", Role::VillageCadre, VILLAGE_A1).await;
    let cadre = app.signed_in("sun", &other_pw).await;
    let refused = cadre.server_fn::<SetUserActive>(&[("user_id", &chen.id.to_string()), ("active", "true")]).await;
    assert_ne!(refused.status(), 200);
    assert!(refused.text().await.unwrap().contains("Forbidden"));
}
both_backends!(deactivation, deactivation_ends_sessions_at_once);

async fn cross_origin_changes_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let password = app.user("zhou", Role::VillageCadre, VILLAGE_A1).await;
    let client = app.browser();
    let forged = client
        .http
        .post(client.url("/api/auth/login"))
        .header("origin", "http://evil.example")
        .json(&serde_json::json!({ "username": "zhou", "password": password }))
        .send()
        .await
        .unwrap();
    let (status, message) = error_message(forged).await;
    assert_eq!(status, 403);
    assert!(message.contains("来源"), "{message}");

    let signed_in = app.signed_in("zhou", &password).await;
    let cross_site = signed_in
        .http
        .post(signed_in.url("/api/auth/logout"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(signed_in.get("/api/me").await.status(), 200, "the forged logout changed nothing");
}
both_backends!(cross_origin, cross_origin_changes_are_refused);

async fn api_tokens_work_until_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let admin_pw = app.user("admin", Role::Admin, COUNTY).await;
    app.user("bm.yibao", Role::DepartmentUser, COUNTY).await;
    let admin = app.signed_in("admin", &admin_pw).await;
    let dept = entities::app_user::Entity::find()
        .filter(entities::app_user::Column::Username.eq("bm.yibao"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();

    let created =
        admin.server_fn::<CreateToken>(&[("user_id", &dept.id.to_string()), ("name", "医保局数据推送")]).await;
    assert_eq!(created.status(), 200);
    let secret: serde_json::Value = created.json().await.unwrap();
    let token = secret["secret"].as_str().unwrap().to_string();
    assert!(token.starts_with("fpt_"));

    let machine = reqwest::Client::new();
    let me: serde_json::Value =
        machine.get(format!("{}/api/me", app.base)).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "bm.yibao");

    // The database holds only a keyed hash of the token.
    let row = entities::api_token::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_ne!(row.token_hash, token);
    assert!(!row.token_hash.contains(&token[4..20]));
    assert!(row.last_used_at.is_some());

    let revoked = admin.server_fn::<RevokeToken>(&[("token_id", &row.id.to_string())]).await;
    assert_eq!(revoked.status(), 200);
    let after = machine.get(format!("{}/api/me", app.base)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(after.status(), 401);
    let wrong = machine.get(format!("{}/api/me", app.base)).bearer_auth("fpt_made_up").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"token.created".to_string()) && actions.contains(&"token.revoked".to_string()));
}
both_backends!(api_tokens, api_tokens_work_until_revoked);

async fn changing_the_password_ends_other_sessions(backend: Backend) {
    use app::auth::api::ChangePassword;
    let app = TestApp::spawn(backend).await.with_county().await;
    let one_time = app.new_user("wuyi", Role::VillageCadre, VILLAGE_A1).await;
    let phone = app.signed_in("wuyi", &one_time).await;
    let desktop = app.signed_in("wuyi", &one_time).await;
    let me: serde_json::Value = desktop.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["must_change_password"], true);
    // With the one-time password nothing but the own password is open, in the API and the server functions.
    let (status, message) = tests::error_message(desktop.get("/api/households").await).await;
    assert_eq!(status, 403);
    assert!(message.contains("一次性密码") && message.contains("设置自己的新密码"), "{message}");
    let listed =
        desktop.server_fn::<app::households::api::ListHouseholds>(&[("page", "0")]).await.text().await.unwrap();
    assert!(listed.contains("PasswordChangeRequired"), "{listed}");

    let weak = desktop
        .server_fn::<ChangePassword>(&[
            ("current_password", &one_time),
            ("new_password", "short"),
            ("confirm", "short"),
        ])
        .await;
    assert_ne!(weak.status(), 200);
    assert!(weak.text().await.unwrap().contains("至少需要 10 个字符"));

    let ok = desktop
        .server_fn::<ChangePassword>(&[
            ("current_password", &one_time),
            ("new_password", "river-stone-42"),
            ("confirm", "river-stone-42"),
        ])
        .await;
    assert_eq!(ok.status(), 200, "{}", ok.text().await.unwrap());
    let me: serde_json::Value = desktop.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["must_change_password"], false);
    assert_eq!(desktop.get("/api/households").await.status(), 200, "the own password opens the app");
    assert_eq!(phone.get("/api/me").await.status(), 401, "the other session ended");
    assert_eq!(app.browser().login("wuyi", &one_time).await.status(), 401);
    assert_eq!(app.browser().login("wuyi", "river-stone-42").await.status(), 200);

    // The same through the JSON API, for integrators.
    let one_time = app.new_user("liuer", Role::VillageCadre, VILLAGE_A1).await;
    let client = app.signed_in("liuer", &one_time).await;
    let change = |current: &str| {
        let body = serde_json::json!({ "current_password": current, "new_password": "quiet-field-77" });
        client.http.post(client.url("/api/auth/password")).json(&body).send()
    };
    let (status, message) = error_message(change("not-it").await.unwrap()).await;
    assert_eq!((status, message.as_str()), (422, "当前密码不正确。"));
    assert_eq!(change(&one_time).await.unwrap().status(), 204);
    assert_eq!(client.get("/api/households").await.status(), 200);
}
both_backends!(password_change, changing_the_password_ends_other_sessions);
