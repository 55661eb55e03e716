//! 交叉检查 through the app: the county office plans the year's check, forms teams, the avoidance rules pair them
//! with townships (never a member's own township, a declared conflict, last year's pairing only when nothing else
//! is possible), and the draw: a sample by strata that any county user can verify against its stored frame, a
//! changed frame named, last year's households passed over and a village that falls short.

use app::permissions::Role;
use app::policy::presets::{Preset, preset};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::{Value, json};

use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TOWNSHIP_B, TestApp, VILLAGE_A1, VILLAGE_A2, VILLAGE_B1};

pub(crate) async fn post(client: &Client, path: &str, body: Value) -> (u16, Value) {
    let response = client.http.post(client.url(path)).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub(crate) async fn get(client: &Client, path: &str) -> (u16, Value) {
    let response = client.get(path).await;
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

/// The county with Tongnan's policy for both years, five households drawn per village (2 / 1 / 2 by strata), and
/// households in each village: monitored, warning and other ones.
pub(crate) async fn county(backend: tests::Backend) -> TestApp {
    let app = TestApp::spawn(backend).await.with_county().await;
    let mut policy = preset(Preset::Tongnan2020);
    policy.cross_check.households_per_village = 5;
    for year in [2025, 2026] {
        app.own_policy(COUNTY, year, Some(Preset::Tongnan2020), &policy).await;
    }
    for (village, count) in [(VILLAGE_A1, 8), (VILLAGE_A2, 7), (VILLAGE_B1, 6)] {
        for n in 1..=count {
            let code = app.household(village, n, &format!("户主{n}")).await;
            let mut row = app.household_row(&code).await.into_active_model();
            match n % 3 {
                0 => row.monitoring_status = Set("none".into()),
                1 => {
                    row.monitoring_status = Set("none".into());
                    row.warning_kinds = Set(",因病大额支出户,".into());
                }
                _ => {}
            }
            row.update(app.db()).await.unwrap();
        }
    }
    app
}

/// Plan the check of `year` as the county office; returns its id.
async fn plan(office: &Client, year: i32) -> i64 {
    let form = json!({ "org_code": COUNTY, "year": year.to_string(), "title": format!("{year} 年交叉检查"),
        "window_start": format!("{year}-10-12T08:00"), "window_end": format!("{year}-10-16T18:00") });
    let (status, body) = post(office, "/api/cross-checks", form).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

/// Form the two teams: 双江镇's checker leads the first, 古溪镇's the second.
async fn teams(app: &TestApp, office: &Client, check: i64) {
    for (name, user) in [("第一检查组", "jiancha_a"), ("第二检查组", "jiancha_b")] {
        let id = app.user_id(user).await.to_string();
        let form = json!({ "name": name, "members": [id.clone()], "leader_user_id": id });
        let (status, body) = post(office, &format!("/api/cross-checks/{check}/teams"), form).await;
        assert_eq!(status, 201, "{body}");
    }
}

/// Plan 2026's check with its window open now (the clock stands at 2026-03-02 09:00 Beijing time: from 03-01 to
/// 03-31), form the two teams, pair them and draw with `seed`; returns the check's id.
pub(crate) async fn open_check(app: &TestApp, office: &Client, seed: &str) -> i64 {
    let form = json!({ "org_code": COUNTY, "year": "2026", "title": "2026 年交叉检查",
        "window_start": "2026-03-01T08:00", "window_end": "2026-03-31T18:00" });
    let (status, body) = post(office, "/api/cross-checks", form).await;
    assert_eq!(status, 201, "{body}");
    let check = body["id"].as_i64().unwrap();
    teams(app, office, check).await;
    assert_eq!(post(office, &format!("/api/cross-checks/{check}/pairing"), json!({})).await.0, 204);
    assert_eq!(post(office, &format!("/api/cross-checks/{check}/draw"), json!({ "seed": seed })).await.0, 201);
    check
}

async fn a_draw_verified_and_last_years_households_passed_over(backend: tests::Backend) {
    let app = county(backend).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    app.user("jiancha_a", Role::CrossChecker, TOWNSHIP_A).await;
    let checker_b = app.user("jiancha_b", Role::CrossChecker, TOWNSHIP_B).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;

    // Only the county office plans, once a year, with a window that ends after it starts.
    let form = json!({ "org_code": COUNTY, "year": "2025", "title": "2025 年交叉检查",
        "window_start": "2025-10-12T08:00", "window_end": "2025-10-16T18:00" });
    assert_eq!(post(&shuji, "/api/cross-checks", form.clone()).await.0, 403);
    let mut backwards = form.clone();
    backwards["window_end"] = json!("2025-10-11T08:00");
    assert_eq!(post(&office, "/api/cross-checks", backwards).await.1["field"], "window_end");
    let last_year = plan(&office, 2025).await;
    assert_eq!(post(&office, "/api/cross-checks", form).await.0, 409);
    teams(&app, &office, last_year).await;

    // The proposal: no team checks its own township; every exclusion is listed.
    let (_, view) = get(&office, &format!("/api/cross-checks/{last_year}")).await;
    assert_eq!(view["pairing"]["pairs"], json!([["第一检查组", "古溪镇"], ["第二检查组", "双江镇"]]), "{view}");
    let reasons: Vec<&str> =
        view["pairing"]["exclusions"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(reasons[0].contains("在该镇街任职"), "{reasons:?}");
    assert_eq!(post(&shuji, &format!("/api/cross-checks/{last_year}/pairing"), json!({})).await.0, 403);
    assert_eq!(post(&office, &format!("/api/cross-checks/{last_year}/pairing"), json!({})).await.0, 204);
    let stored = entities::cross_check_exclusion::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(stored.iter().map(|e| e.rule.as_str()).collect::<Vec<_>>(), ["served", "served"]);

    // The draw: 2 villages of 双江镇 and the one of 古溪镇, 5 households each by strata 2/1/2.
    assert_eq!(
        post(&office, &format!("/api/cross-checks/{last_year}/draw"), json!({ "seed": "" })).await.1["field"],
        "seed"
    );
    let (status, body) =
        post(&office, &format!("/api/cross-checks/{last_year}/draw"), json!({ "seed": "3-1-4" })).await;
    assert_eq!(status, 201, "{body}");
    let draw_id = body["id"].as_i64().unwrap();
    assert_eq!(post(&office, &format!("/api/cross-checks/{last_year}/draw"), json!({ "seed": "9" })).await.0, 409);
    let (_, view) = get(&office, &format!("/api/cross-checks/{last_year}")).await;
    let draw = &view["draw"];
    assert_eq!((draw["seed"].as_str(), draw["algorithm"].as_str()), (Some("3-1-4"), Some("prn-sha256-v1")));
    let villages = |township: usize| draw["townships"][township]["villages"].as_array().unwrap().clone();
    assert_eq!((villages(0).len(), villages(1).len()), (2, 1), "{draw}");
    for village in villages(0).iter().chain(villages(1).iter()) {
        let households = village["households"].as_array().unwrap();
        let strata: Vec<&str> = households.iter().map(|h| h["stratum"].as_str().unwrap()).collect();
        assert_eq!(strata.len(), 5, "{village}");
        let count = |s: &str| strata.iter().filter(|x| **x == s).count();
        // Each village has at least 2 of each stratum, so the shares hold: 2 monitored, 1 warning, 2 other.
        assert_eq!((count("Monitored"), count("Warning"), count("Other")), (2, 1, 2), "{village}");
    }
    // The village sees the draw but not the households.
    let (status, seen) = get(&shuji, &format!("/api/cross-checks/{last_year}")).await;
    assert_eq!(status, 200);
    assert_eq!(seen["draw"]["townships"][0]["villages"][0]["households"], json!([]));

    // Anyone of the county verifies it; the stored draw is what the algorithm gives for the frame and seed.
    let (status, verified) = get(&shuji, &format!("/api/cross-checks/{last_year}/verification")).await;
    assert_eq!((status, &verified["identical"]), (200, &json!(true)), "{verified}");
    let stored = entities::cross_check_draw::Entity::find_by_id(draw_id).one(app.db()).await.unwrap().unwrap();
    let frame: app::crosscheck::service::draw::Frame = serde_json::from_str(&stored.frame).unwrap();
    assert_eq!(frame.townships[0].villages, [VILLAGE_A1, VILLAGE_A2]);
    // The frame and the draw as a workbook, for the county office: every household of the drawn villages with
    // its result, 15 of them 抽中.
    let response = office.get(&format!("/api/cross-checks/{last_year}/draw.xlsx")).await;
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(rows[0][0].contains("3-1-4") && rows[0][0].contains(&stored.frame_sha256), "{:?}", rows[0]);
    let drawn_rows = rows.iter().filter(|r| r.get(6).is_some_and(|c| c == "抽中") && !r[3].is_empty()).count();
    assert_eq!((drawn_rows, rows.len() - 2), (15, 3 + 21), "a heading, a header, 3 villages, 21 households");
    assert_eq!(shuji.get(&format!("/api/cross-checks/{last_year}/draw.xlsx")).await.status(), 403);
    // A household slipped out of the frame afterwards: the hash no longer matches, and the list that changed is
    // named.
    let mut tampered_frame = frame.clone();
    let village = &mut tampered_frame.townships[1].drawn[0];
    let dropped = village.households.remove(0);
    let mut tampered = stored.clone().into_active_model();
    tampered.frame = Set(serde_json::to_string(&tampered_frame).unwrap());
    tampered.update(app.db()).await.unwrap();
    let (_, verified) = get(&office, &format!("/api/cross-checks/{last_year}/verification")).await;
    assert_eq!(verified["identical"], false);
    let said = verified["differences"].to_string();
    assert!(said.contains("抽样框已被改动") && said.contains("大佛村"), "{said} ({})", dropped.code);
    stored.clone().into_active_model().reset_all().update(app.db()).await.unwrap();
    assert_eq!(get(&office, &format!("/api/cross-checks/{last_year}/verification")).await.1["identical"], true);

    // This year: the same two teams can only be paired as last year, which the proposal says; the households drawn
    // last year are passed over, so the villages fall short and take all that are left.
    let this_year = plan(&office, 2026).await;
    teams(&app, &office, this_year).await;
    let (_, view) = get(&office, &format!("/api/cross-checks/{this_year}")).await;
    assert_eq!(view["pairing"]["repeats"].as_array().unwrap().len(), 2, "{view}");
    assert_eq!(post(&office, &format!("/api/cross-checks/{this_year}/pairing"), json!({})).await.0, 204);
    assert_eq!(post(&office, &format!("/api/cross-checks/{this_year}/draw"), json!({ "seed": "2-7" })).await.0, 201);
    let (_, view) = get(&office, &format!("/api/cross-checks/{this_year}")).await;
    let drawn_last_year: Vec<i64> = entities::cross_check_unit::Entity::find()
        .filter(entities::cross_check_unit::Column::DrawId.eq(draw_id))
        .filter(entities::cross_check_unit::Column::Role.eq("drawn"))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter_map(|u| u.household_id)
        .collect();
    assert_eq!(drawn_last_year.len(), 15);
    assert_eq!(view["draw"]["skipped"], 15, "{}", view["draw"]);
    let b1 = &view["draw"]["townships"][1]["villages"][0];
    assert_eq!((b1["households"].as_array().unwrap().len(), &b1["shortfall"]), (1, &json!(4)), "{b1}");
    let (_, verified) = get(&office, &format!("/api/cross-checks/{this_year}/verification")).await;
    assert_eq!(verified["identical"], true, "{verified}");

    // 第二检查组 (古溪镇's checker) checks 双江镇: in the window it reads its drawn households and no other, and
    // nothing from one second after the window's end (18:00 Beijing time).
    let drawn: Vec<String> = view["draw"]["townships"][0]["villages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["households"].as_array().unwrap().iter().map(|h| h["code"].as_str().unwrap().to_string()))
        .collect();
    let others: Vec<String> = entities::household::Entity::find()
        .filter(entities::household::Column::OrgCode.starts_with(&TOWNSHIP_A[..9]))
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.code)
        .filter(|c| !drawn.contains(c))
        .collect();
    assert!(!drawn.is_empty() && !others.is_empty(), "{drawn:?} {others:?}");
    let read = |client: &Client, code: &str| {
        let request = client.http.get(client.url(&format!("/api/households/{code}")));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let start = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 10, 12, 0, 0, 0).unwrap();
    app.clock.set(start);
    let checker = app.signed_in("jiancha_b", &checker_b).await;
    let missing = read(&checker, "50015210120199999").await;
    assert_ne!(missing, 200);
    assert_eq!(read(&checker, &drawn[0]).await, 200);
    assert_eq!(read(&checker, &others[0]).await, missing, "a household outside the sample reads as missing");
    // The household's page opens to the window too (the checker holds no role over households).
    let page = checker.get(&format!("/households/{}", drawn[0])).await.text().await.unwrap();
    assert!(!page.contains("您的角色无权使用农户信息"), "{page}");
    let page = checker.get("/households").await.text().await.unwrap();
    assert!(page.contains("您的角色无权使用"), "the household list stays closed: {page}");
    let (_, own) = get(&checker, &format!("/api/cross-checks/{this_year}")).await;
    let villages = |v: &Value| v["draw"]["townships"][0]["villages"].clone();
    assert_eq!(villages(&own), villages(&view), "the checker sees their sample");
    assert_eq!(own["draw"]["townships"][0]["may_replace"], true, "and, as its leader in the window, may replace");
    assert_eq!(own["draw"]["townships"][1]["villages"][0]["households"], json!([]), "and not another team's");
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 10, 16, 10, 0, 0).unwrap());
    let checker = app.signed_in("jiancha_b", &checker_b).await;
    assert_eq!(read(&checker, &drawn[0]).await, 200, "to the window's last second");
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 10, 16, 10, 0, 1).unwrap());
    assert_eq!(read(&checker, &drawn[0]).await, missing, "and not one second later");

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!(
        (
            count("crosscheck.planned"),
            count("crosscheck.team_formed"),
            count("crosscheck.paired"),
            count("crosscheck.drawn")
        ),
        (2, 4, 2, 2)
    );
}
both_backends!(a_draw, a_draw_verified_and_last_years_households_passed_over);

async fn a_declared_conflict_leaves_no_pairing(backend: tests::Backend) {
    let app = county(backend).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let a = app.signed_in("jiancha_a", &app.user("jiancha_a", Role::CrossChecker, TOWNSHIP_A).await).await;
    let b = app.signed_in("jiancha_b", &app.user("jiancha_b", Role::CrossChecker, TOWNSHIP_B).await).await;
    let check = plan(&office, 2026).await;
    teams(&app, &office, check).await;
    // 古溪镇's checker declares a conflict with 青龙村 (of 双江镇); another member cannot declare it for them.
    let b_id = app.user_id("jiancha_b").await.to_string();
    let conflict = json!({ "user_id": b_id, "org_code": VILLAGE_A1, "reason": "配偶在该村任职" });
    assert_eq!(post(&a, &format!("/api/cross-checks/{check}/conflicts"), conflict.clone()).await.0, 403);
    let (status, body) = post(&b, &format!("/api/cross-checks/{check}/conflicts"), conflict).await;
    assert_eq!(status, 204, "{body}");
    // Now neither team may check 双江镇: the proposal says no pairing exists, and confirming is refused.
    let (_, view) = get(&office, &format!("/api/cross-checks/{check}")).await;
    assert!(view["pairing"]["impossible"].as_str().unwrap().contains("无法为每个镇街安排检查组"), "{view}");
    assert!(view["pairing"]["exclusions"].to_string().contains("申报回避：配偶在该村任职"));
    assert_eq!(view["conflicts"][0]["unit"]["name"], "青龙村");
    let (status, refused) = post(&office, &format!("/api/cross-checks/{check}/pairing"), json!({})).await;
    assert_eq!(status, 409);
    assert!(refused["message"].as_str().unwrap().contains("回避规则"), "{refused}");
}
both_backends!(a_conflict, a_declared_conflict_leaves_no_pairing);

async fn a_leader_replaces_from_the_reserve_in_order(backend: tests::Backend) {
    let app = county(backend).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let a = app.signed_in("jiancha_a", &app.user("jiancha_a", Role::CrossChecker, TOWNSHIP_A).await).await;
    let b = app.signed_in("jiancha_b", &app.user("jiancha_b", Role::CrossChecker, TOWNSHIP_B).await).await;
    let check = open_check(&app, &office, "5").await;

    // 第一检查组 checks 古溪镇: 大佛村's one drawn warning household has moved away.
    let (_, view) = get(&a, &format!("/api/cross-checks/{check}")).await;
    let township = &view["draw"]["townships"][1];
    assert_eq!(township["may_replace"], true, "{township}");
    let warning = township["villages"][0]["households"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["stratum"] == "Warning")
        .unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/cross-checks/{check}/replacements");
    let moved = json!({ "household": warning, "reason": "moved", "note": "" });
    assert_eq!(post(&office, &path, moved.clone()).await.0, 403, "only the team's leader replaces");
    assert_eq!(post(&b, &path, moved.clone()).await.1["field"], "household", "not another team's household");
    let other = json!({ "household": warning, "reason": "other", "note": "" });
    assert_eq!(post(&a, &path, other).await.1["field"], "note");
    // The first of the stratum's reserve, in PRN order, and no other.
    let reserve = entities::cross_check_unit::Entity::find()
        .filter(entities::cross_check_unit::Column::VillageCode.eq(VILLAGE_B1))
        .filter(entities::cross_check_unit::Column::Stratum.eq("warning"))
        .filter(entities::cross_check_unit::Column::Role.eq("reserve"))
        .all(app.db())
        .await
        .unwrap();
    let first = reserve.iter().min_by_key(|u| u.rank).unwrap();
    let expected =
        entities::household::Entity::find_by_id(first.household_id.unwrap()).one(app.db()).await.unwrap().unwrap();
    let (status, body) = post(&a, &path, moved).await;
    assert_eq!((status, body["household"].as_str()), (201, Some(expected.code.as_str())), "{body}");
    let (_, view) = get(&a, &format!("/api/cross-checks/{check}")).await;
    let listed = view["draw"]["townships"][1]["villages"][0]["households"].to_string();
    assert!(
        listed.contains(&expected.code) && listed.contains("已搬迁") && !listed.contains(&format!("\"{warning}\"")),
        "{listed}"
    );
    // The team reads the replacement; the stratum has no reserve left; the draw still verifies.
    let read = a.http.get(a.url(&format!("/api/households/{}", expected.code))).send().await.unwrap();
    assert_eq!(read.status(), 200);
    let again = json!({ "household": expected.code, "reason": "refused", "note": "" });
    let (status, refused) = post(&a, &path, again).await;
    assert_eq!(status, 409);
    assert!(refused["message"].as_str().unwrap().contains("已无备选户"), "{refused}");
    assert_eq!(get(&office, &format!("/api/cross-checks/{check}/verification")).await.1["identical"], true);
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    let replaced: Vec<_> = records.iter().filter(|r| r.action == "crosscheck.replaced").collect();
    assert_eq!(replaced.len(), 1);
    assert!(replaced[0].changes.contains("已搬迁"), "{}", replaced[0].changes);
}
both_backends!(a_replacement, a_leader_replaces_from_the_reserve_in_order);
