//! Org-unit scope: a village user cannot read another village's records through any route or
//! server function that exists, and a record outside scope answers exactly like a missing one.

use app::household_file::api::GetHouseholdFile;
use app::households::HouseholdPage;
use app::households::api::ListHouseholds;
use app::org::api::ListOrgUnits;
use app::permissions::Role;

use tests::both_backends;
use tests::{Backend, COUNTY, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1, error_message};

async fn a_village_sees_only_itself(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let own = app.household(tests::GROUP_A1_1, 1, "张建国").await;
    let neighbour = app.household(VILLAGE_A2, 1, "王德福").await;
    let far = app.household(VILLAGE_B1, 1, "刘志成").await;
    let password = app.user("cadre", Role::VillageCadre, VILLAGE_A1).await;
    let cadre = app.signed_in("cadre", &password).await;

    // JSON API: one household.
    assert_eq!(cadre.get(&format!("/api/households/{own}")).await.status(), 200);
    let missing = error_message(cadre.get("/api/households/50015210120199999").await).await;
    for other in [&neighbour, &far] {
        let refused = error_message(cadre.get(&format!("/api/households/{other}")).await).await;
        assert_eq!(refused, missing, "out of scope answers like missing");
        assert_eq!(refused.0, 404);
    }

    // JSON API: lists.
    let list: serde_json::Value = cadre.get("/api/households").await.json().await.unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["code"], own);
    let narrowed: serde_json::Value =
        cadre.get(&format!("/api/households?within={VILLAGE_B1}")).await.json().await.unwrap();
    assert_eq!(narrowed["total"], 0, "asking for another village's subtree yields nothing");
    let units: serde_json::Value = cadre.get("/api/org-units").await.json().await.unwrap();
    let codes: Vec<&str> = units.as_array().unwrap().iter().map(|u| u["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec![VILLAGE_A1, tests::GROUP_A1_1]);
    assert_eq!(cadre.get(&format!("/api/org-units/{VILLAGE_B1}")).await.status(), 404);
    assert_eq!(cadre.get(&format!("/api/org-units/{COUNTY}")).await.status(), 404);

    // Server functions.
    let by_fn = cadre.server_fn::<GetHouseholdFile>(&[("code", &far)]).await;
    assert_ne!(by_fn.status(), 200);
    let body = by_fn.text().await.unwrap();
    assert!(body.contains("NotFound") && !body.contains("刘志成"), "{body}");
    let own_by_fn = cadre.server_fn::<GetHouseholdFile>(&[("code", &own)]).await;
    assert_eq!(own_by_fn.status(), 200);
    assert!(own_by_fn.text().await.unwrap().contains("张建国"));
    let listed =
        cadre.server_fn::<ListHouseholds>(&[("filter[within]", VILLAGE_B1), ("page", "0")]).await.text().await.unwrap();
    assert!(!listed.contains("刘志成") && listed.contains("\"total\":0"), "{listed}");
    // The list as the menu opens it: an empty filter sends nothing but the page.
    let unfiltered: HouseholdPage = cadre.server_fn::<ListHouseholds>(&[("page", "0")]).await.json().await.unwrap();
    assert_eq!(unfiltered.items.iter().map(|h| h.code.as_str()).collect::<Vec<_>>(), vec![own.as_str()]);
    let units_fn = cadre.server_fn::<ListOrgUnits>(&[]).await.text().await.unwrap();
    assert!(!units_fn.contains(VILLAGE_B1) && units_fn.contains(VILLAGE_A1));

    // Server-rendered pages.
    let page = cadre.get(&format!("/households/{far}")).await.text().await.unwrap();
    assert!(page.contains("没有找到该记录") && !page.contains("刘志成"));
    let own_response = cadre.get(&format!("/households/{own}")).await;
    assert_eq!(own_response.headers()["x-frame-options"], "DENY");
    assert!(own_response.headers()["cache-control"].to_str().unwrap().contains("private"));
    let own_page = own_response.text().await.unwrap();
    assert!(own_page.contains("张建国"));
    assert!(own_page.contains("5001**********"), "ID numbers are masked on the page");

    // Every refusal is in the audit log: the first of each kind at once, the repeats with their count
    // when the window closes.
    app.clock.advance(chrono::Duration::minutes(app::audit::denials::WINDOW_MINUTES));
    app.app_state.denials.write_expired(app.db(), app.clock_now()).await.unwrap();
    let refusals: u64 = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|r| match r.action.as_str() {
            "access.denied" => 1,
            "access.denied_repeated" => {
                serde_json::from_str::<serde_json::Value>(&r.changes).unwrap()["count"].as_u64().unwrap()
            }
            _ => 0,
        })
        .sum();
    assert!(refusals >= 4, "refusals are audited ({refusals})");
}
both_backends!(village, a_village_sees_only_itself);

async fn a_township_sees_its_villages_and_an_admin_no_households(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.household(VILLAGE_A1, 1, "张建国").await;
    app.household(VILLAGE_A2, 2, "王德福").await;
    let far = app.household(VILLAGE_B1, 3, "刘志成").await;
    let leader_pw = app.user("leader", Role::TownshipLeader, TOWNSHIP_A).await;
    let leader = app.signed_in("leader", &leader_pw).await;
    let list: serde_json::Value = leader.get("/api/households").await.json().await.unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(leader.get(&format!("/api/households/{far}")).await.status(), 404);

    let admin_pw = app.user("admin", Role::Admin, COUNTY).await;
    let admin = app.signed_in("admin", &admin_pw).await;
    let list: serde_json::Value = admin.get("/api/households").await.json().await.unwrap();
    assert_eq!(list["total"], 0, "administrators manage accounts, not household data");
    let page = admin.get("/households").await.text().await.unwrap();
    assert!(page.contains("您的角色无权使用农户名单") && !page.contains("共 0 户"), "the page says so plainly");
    assert!(!page.contains("href=\"/households\""), "and the navigation does not offer it");

    let anonymous = app.browser();
    assert_eq!(anonymous.get("/api/households").await.status(), 401);
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}/households", app.base))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(redirect.status().is_redirection(), "pages behind sign-in redirect ({})", redirect.status());
    assert_eq!(redirect.headers()["location"], "/login");
    let unknown = anonymous.get("/no-such-page").await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("页面不存在"), "an unknown address gets a Chinese page");
}
both_backends!(township, a_township_sees_its_villages_and_an_admin_no_households);

async fn user_and_audit_functions_leak_nothing_to_a_village(backend: Backend) {
    use app::audit::api::{RecentAudit, VerifyAuditChain};
    use app::org::api::CreateOrgUnit;
    use app::users::api::{CreateToken, GetUser, ListTokens, ListUsers, RemoveRole, ResetPassword, RevokeToken};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    let app = TestApp::spawn(backend).await.with_county().await;
    app.user("far.shuji", Role::VillageSecretary, VILLAGE_B1).await;
    let far = entities::app_user::Entity::find()
        .filter(entities::app_user::Column::Username.eq("far.shuji"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let far_id = far.id.to_string();
    let far_grant = entities::user_role::Entity::find()
        .filter(entities::user_role::Column::UserId.eq(far.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let password = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &password).await;

    let roster = shuji.server_fn::<ListUsers>(&[]).await.text().await.unwrap();
    assert!(roster.contains("shuji") && !roster.contains("far.shuji"), "the roster is the own village's: {roster}");
    // Each function answers a real record of another village exactly as a missing one, and leaks nothing.
    let missing = "987654";
    let pairs = [
        (
            "get_user",
            shuji.server_fn::<GetUser>(&[("user_id", &far_id)]).await,
            shuji.server_fn::<GetUser>(&[("user_id", missing)]).await,
        ),
        (
            "list_tokens",
            shuji.server_fn::<ListTokens>(&[("user_id", &far_id)]).await,
            shuji.server_fn::<ListTokens>(&[("user_id", missing)]).await,
        ),
        (
            "create_token",
            shuji.server_fn::<CreateToken>(&[("user_id", &far_id), ("name", "x")]).await,
            shuji.server_fn::<CreateToken>(&[("user_id", missing), ("name", "x")]).await,
        ),
        (
            "reset_password",
            shuji.server_fn::<ResetPassword>(&[("user_id", &far_id)]).await,
            shuji.server_fn::<ResetPassword>(&[("user_id", missing)]).await,
        ),
        (
            "remove_role",
            shuji.server_fn::<RemoveRole>(&[("grant_id", &far_grant)]).await,
            shuji.server_fn::<RemoveRole>(&[("grant_id", missing)]).await,
        ),
        (
            "revoke_token",
            shuji.server_fn::<RevokeToken>(&[("token_id", "1")]).await,
            shuji.server_fn::<RevokeToken>(&[("token_id", missing)]).await,
        ),
        (
            "create_org_unit",
            shuji
                .server_fn::<CreateOrgUnit>(&[
                    ("parent_code", VILLAGE_B1),
                    ("code", "500152102201009"),
                    ("name", "九组"),
                ])
                .await,
            shuji
                .server_fn::<CreateOrgUnit>(&[
                    ("parent_code", "500152109201"),
                    ("code", "500152109201009"),
                    ("name", "九组"),
                ])
                .await,
        ),
    ];
    for (name, real, absent) in pairs {
        let (real_status, real_text) = (real.status(), real.text().await.unwrap());
        let (absent_status, absent_text) = (absent.status(), absent.text().await.unwrap());
        assert_ne!(real_status, 200, "{name} must refuse");
        assert_eq!(
            (real_status, &real_text),
            (absent_status, &absent_text),
            "{name}: a real record reads as a missing one"
        );
        assert!(!real_text.contains("far.shuji"), "{name} leaks nothing");
    }
    // Anonymous: a real grant and a missing one both ask to sign in.
    let anonymous = app.browser();
    let real = anonymous.server_fn::<RemoveRole>(&[("grant_id", &far_grant)]).await.text().await.unwrap();
    let absent = anonymous.server_fn::<RemoveRole>(&[("grant_id", missing)]).await.text().await.unwrap();
    assert!(real.contains("Unauthenticated") && real == absent, "{real} / {absent}");
    let verify = shuji.server_fn::<VerifyAuditChain>(&[]).await.text().await.unwrap();
    assert!(verify.contains("Forbidden"), "a village secretary does not check the audit chain: {verify}");
    let audit = shuji.server_fn::<RecentAudit>(&[]).await.text().await.unwrap();
    assert!(audit.contains("Forbidden"), "a village secretary does not read the audit log: {audit}");
    // Nothing changed: the other village's secretary still has the role and no tokens.
    assert_eq!(entities::api_token::Entity::find().all(app.db()).await.unwrap().len(), 0);
    assert!(
        entities::user_role::Entity::find_by_id(far_grant.parse::<i64>().unwrap())
            .one(app.db())
            .await
            .unwrap()
            .is_some()
    );
}
both_backends!(users_and_audit, user_and_audit_functions_leak_nothing_to_a_village);

async fn first_member_id(app: &TestApp, code: &str) -> String {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let h = entities::household::Entity::find()
        .filter(entities::household::Column::Code.eq(code))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    entities::household_member::Entity::find()
        .filter(entities::household_member::Column::HouseholdId.eq(h.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .resident_id
}

async fn search_finds_by_id_code_and_name_within_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let own = app.household(VILLAGE_A1, 1, "张建国").await;
    app.household(VILLAGE_A1, 2, "王德福").await;
    let far = app.household(VILLAGE_B1, 3, "张志成").await;
    let own_id = first_member_id(&app, &own).await;
    let far_id = first_member_id(&app, &far).await;
    let pw = app.user("cadre", Role::VillageCadre, VILLAGE_A1).await;
    let cadre = app.signed_in("cadre", &pw).await;
    let codes = |body: serde_json::Value| -> Vec<String> {
        body["items"].as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap().to_string()).collect()
    };

    let by_id: serde_json::Value =
        cadre.get(&format!("/api/households?q={}", own_id.to_lowercase())).await.json().await.unwrap();
    assert_eq!(codes(by_id), vec![own.clone()], "a full ID number finds its household (lower-case x too)");
    let by_code: serde_json::Value =
        cadre.get(&format!("/api/households?q={}", &own[..14])).await.json().await.unwrap();
    assert_eq!(codes(by_code).len(), 2, "the start of a household code");
    let by_name: serde_json::Value = cadre.get("/api/households?q=%E5%BB%BA%E5%9B%BD").await.json().await.unwrap();
    assert_eq!(codes(by_name), vec![own.clone()], "part of a name (建国)");
    let by_member: serde_json::Value = cadre.get("/api/households?q=%E7%A7%80%E8%8B%B1").await.json().await.unwrap();
    assert_eq!(codes(by_member).len(), 2, "a member's name (秀英) finds the households she lives in");
    let by_class: serde_json::Value = cadre
        .get("/api/households?class=%E8%BE%B9%E7%BC%98%E6%98%93%E8%87%B4%E8%B4%AB%E6%88%B7")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(codes(by_class).len(), 2);

    // Scope holds: another village's member's ID and name find nothing.
    let far_by_id: serde_json::Value = cadre.get(&format!("/api/households?q={far_id}")).await.json().await.unwrap();
    assert_eq!(far_by_id["total"], 0);
    let far_by_name: serde_json::Value = cadre.get("/api/households?q=%E5%BF%97%E6%88%90").await.json().await.unwrap();
    assert_eq!(far_by_name["total"], 0);
}
both_backends!(search, search_finds_by_id_code_and_name_within_scope);

async fn revealing_a_full_id_number_is_for_some_roles_and_audited(backend: Backend) {
    use app::households::api::RevealResidentId;
    let app = TestApp::spawn(backend).await.with_county().await;
    let own = app.household(VILLAGE_A1, 1, "张建国").await;
    let far = app.household(VILLAGE_B1, 2, "刘志成").await;
    let own_id = first_member_id(&app, &own).await;
    let cadre = app.signed_in("cadre", &app.user("cadre", Role::VillageCadre, VILLAGE_A1).await).await;
    let leader = app.signed_in("leader", &app.user("leader", Role::TownshipLeader, TOWNSHIP_A).await).await;

    let detail: serde_json::Value = cadre.get(&format!("/api/households/{own}")).await.json().await.unwrap();
    let member_id = detail["members"][0]["member_id"].as_i64().unwrap().to_string();
    assert!(!detail.to_string().contains(&own_id), "the detail itself stays masked");

    let revealed = cadre.server_fn::<RevealResidentId>(&[("member_id", &member_id)]).await.text().await.unwrap();
    assert_eq!(revealed.trim_matches('"'), own_id);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let reveal = records.iter().find(|r| r.action == "household.id_revealed").expect("the reveal is audited");
    assert!(reveal.actor.contains("cadre"));

    let refused = leader.server_fn::<RevealResidentId>(&[("member_id", &member_id)]).await.text().await.unwrap();
    assert!(refused.contains("Forbidden") && !refused.contains(&own_id), "a township leader reads masked IDs only");
    let far_detail: serde_json::Value = {
        let county = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
        county.get(&format!("/api/households/{far}")).await.json().await.unwrap()
    };
    let far_member = far_detail["members"][0]["member_id"].as_i64().unwrap().to_string();
    let hidden = cadre.server_fn::<RevealResidentId>(&[("member_id", &far_member)]).await.text().await.unwrap();
    assert!(hidden.contains("NotFound"), "{hidden}");
}
both_backends!(reveal_id, revealing_a_full_id_number_is_for_some_roles_and_audited);

/// Every route that changes a household, reads its people or exports it stays inside the caller's
/// village; nothing about another village's household changes or leaks.
async fn a_village_changes_nothing_of_another(backend: Backend) {
    use app::households::api::{AssignableCadres, SaveMember, SetDibao, UpdateHousehold};
    use app::workflow::api::ProposeElimination;
    let app = TestApp::spawn(backend).await.with_county().await;
    let far = app.household(VILLAGE_B1, 1, "刘志成").await;
    let password = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let shuji = app.signed_in("shuji", &password).await;
    let member_id = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let h = entities::household::Entity::find()
            .filter(entities::household::Column::Code.eq(&far))
            .one(app.db())
            .await
            .unwrap()
            .unwrap();
        entities::household_member::Entity::find()
            .filter(entities::household_member::Column::HouseholdId.eq(h.id))
            .one(app.db())
            .await
            .unwrap()
            .unwrap()
            .id
            .to_string()
    };
    let member = serde_json::json!({ "name": "改名", "resident_id": "", "relation": "户主",
        "labour_capacity": "普通劳动力", "health": "健康", "schooling": "非在校" });
    let household = serde_json::json!({ "org_code": VILLAGE_B1, "address": "改", "house_type": "土坯房" });
    for (method, path, body) in [
        ("PUT", format!("/api/households/{far}"), household.clone()),
        ("POST", format!("/api/households/{far}/members"), member.clone()),
        ("PUT", format!("/api/households/{far}/members/{member_id}"), member.clone()),
        ("PUT", format!("/api/households/{far}/dibao"), serde_json::json!({ "status": "receiving" })),
        (
            "POST",
            format!("/api/households/{far}/elimination"),
            serde_json::json!({ "stable_since": "2025-01-01", "basis": "x" }),
        ),
    ] {
        let request = match method {
            "PUT" => shuji.http.put(shuji.url(&path)),
            _ => shuji.http.post(shuji.url(&path)),
        };
        let response = request.json(&body).send().await.unwrap();
        assert_eq!(response.status(), 404, "{method} {path}");
    }
    // Registering a household in another village is refused too.
    let created = shuji
        .http
        .post(shuji.url("/api/households"))
        .json(
            &serde_json::json!({ "household": household, "head": { "name": "新户", "resident_id": "11010519491231002X",
            "labour_capacity": "普通劳动力", "health": "健康", "schooling": "非在校" } }),
        )
        .send()
        .await
        .unwrap();
    assert!(matches!(created.status().as_u16(), 403 | 404), "{}", created.status());

    for body in [
        shuji
            .server_fn::<UpdateHousehold>(&[
                ("code", &far),
                ("form[org_code]", VILLAGE_B1),
                ("form[address]", "改"),
                ("form[house_type]", "砖混"),
            ])
            .await,
        shuji
            .server_fn::<SaveMember>(&[
                ("code", &far),
                ("member_id", &member_id),
                ("form[name]", "改名"),
                ("form[relation]", "户主"),
                ("form[labour_capacity]", "普通劳动力"),
                ("form[health]", "健康"),
                ("form[schooling]", "非在校"),
            ])
            .await,
        shuji.server_fn::<SetDibao>(&[("code", &far), ("form[status]", "receiving")]).await,
        shuji
            .server_fn::<ProposeElimination>(&[
                ("code", &far),
                ("form[stable_since]", "2025-01-01"),
                ("form[basis]", "x"),
            ])
            .await,
        shuji.server_fn::<AssignableCadres>(&[("code", &far)]).await,
    ] {
        let text = body.text().await.unwrap();
        assert!(text.contains("NotFound"), "{text}");
    }
    // An export narrowed to another village is refused like a missing unit, without its name; the household
    // is unchanged.
    let (status, message) =
        tests::error_message(shuji.get(&format!("/api/exports/monitoring-ledger?within={VILLAGE_B1}")).await).await;
    assert_eq!(status, 404);
    assert!(message.contains("没有找到") && !message.contains("大佛村"), "{message}");
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let seen: serde_json::Value = fupin.get(&format!("/api/households/{far}")).await.json().await.unwrap();
    assert_eq!(seen["summary"]["head_name"], "刘志成");
    assert_eq!(seen["address"], "大佛村1号");
    assert_eq!(seen["dibao"]["status"], "none");
    assert!(seen["history"].as_array().unwrap().is_empty(), "no change was recorded");
}
both_backends!(village_writes, a_village_changes_nothing_of_another);

/// Who may do what, as one table checked in (`tests/snapshots/permissions.txt`): every action and every
/// step of the state machines. A change to any role's rights shows up in review as a change to this file.
#[test]
fn the_role_and_action_matrix_is_as_reviewed() {
    use app::permissions::{Action, Step};
    let row = |label: &str, allowed: &[Role], owner: bool| {
        let mut who: Vec<&str> = Role::ALL.iter().filter(|r| allowed.contains(r)).map(|r| r.label()).collect();
        if owner {
            who.push("案件责任人");
        }
        format!("{label} | {}\n", if who.is_empty() { "（无）".into() } else { who.join("、") })
    };
    let mut table = String::from("操作 | 可执行的角色\n");
    for action in Action::ALL {
        table.push_str(&row(action.label(), action.roles(), false));
    }
    table.push_str("\n步骤 | 可办理的角色\n");
    for step in Step::ALL {
        table.push_str(&row(step.label(), step.roles(), step.owner_may()));
    }
    tests::assert_snapshot("permissions", &table);
}
