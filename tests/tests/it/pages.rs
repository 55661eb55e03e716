//! Every page of the app as every role opens it, in one browser running the release bundle the demo serves:
//! typed into the address bar (a reload, a link from a notice or an e-mail) and reached inside the app (the
//! menu, a row of a list). A page fails when it never hydrates, when the browser console shows an error or a
//! panic, or when it shows 页面不存在 or the message of a request the app could not read. Every failure is
//! collected, so one run names them all.

use app::time::Clock;
use std::time::Duration;

use app::permissions::Role;
use chrono::Datelike;
use fantoccini::{Client, Locator};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use tests::browser::{ChromeDriver, browser, console_errors, sign_in};
use tests::{Backend, TestApp};

/// The pages without a parameter, as the router lists them.
const PAGES: &[&str] = &[
    "/",
    "/households",
    "/households/new",
    "/cases",
    "/cases/new",
    "/visits",
    "/visits/new",
    "/visits/coverage",
    "/visits/sweep",
    "/meetings",
    "/supervision",
    "/cross-checks",
    "/accountability",
    "/assessments",
    "/assessments/vetoes",
    "/reports",
    "/settings",
    "/account",
    "/notifications",
    "/screening",
    "/admin/org",
    "/admin/users",
    "/admin/audit",
    "/admin/calendar",
];

/// A list page and the links on it that lead to one of its records.
const LISTS: &[(&str, &str)] = &[
    ("/households", "main a[href^='/households/5']"),
    ("/cases", "main a[href^='/cases/']:not([href='/cases/new'])"),
    ("/meetings", "main a[href^='/meetings/']"),
    ("/supervision", "main a[href^='/supervision/']"),
    ("/cross-checks", "main a[href^='/cross-checks/']"),
    ("/assessments/vetoes", "main a[href^='/assessments/vetoes/']"),
    ("/admin/users", "main a[href^='/admin/users/']"),
];

/// What a page shows when it failed: the router's unknown page, or a request the server could not read.
const FAILURE_TEXTS: &[&str] = &["页面不存在", "提交的内容不完整或格式不正确"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_hydrates_for_every_role_opened_directly_and_by_navigation() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    // The demo county is generated around today: the app's clock reads today too.
    app.clock.set(app::time::SystemClock.now());
    let options = server::demo::DemoOptions { households: 300, seed: 2026 };
    let logins = server::demo::load(app.db(), &options, app.clock.now(), None, &mut std::io::sink())
        .await
        .expect("the demo county");
    // Every account has set its own password (one-time passwords open nothing but the account page).
    entities::app_user::Entity::update_many()
        .col_expr(entities::app_user::Column::MustChangePassword, sea_orm::sea_query::Expr::value(false))
        .exec(app.db())
        .await
        .unwrap();
    // The first village; its own accounts sign in for the village roles (`c<township><village>.…`).
    let village = "500152001201";
    let prefix = "c001201.";
    let login_of = |role: Role| {
        logins
            .iter()
            .filter(|l| l.role_label == role.label())
            .find(|l| !l.username.starts_with('c') || l.username.starts_with(prefix))
            .unwrap_or_else(|| panic!("a demo account of {role:?}"))
    };

    // The village's Party secretary registers a case for its first household and prepares this month's meeting,
    // not yet held: the pages a contact and a recorder open from a notice.
    let secretary = login_of(Role::VillageSecretary);
    let secretary = app.signed_in(&secretary.username, &secretary.password).await;
    let household = entities::household::Entity::find()
        .filter(entities::household::Column::OrgCode.starts_with(village))
        .order_by_asc(entities::household::Column::Code)
        .one(app.db())
        .await
        .unwrap()
        .expect("a household in the village");
    let case = secretary
        .server_fn::<app::cases::api::CreateCase>(&[
            ("form[household]", household.code.as_str()),
            ("form[source]", "visit"),
            ("form[risk_type]", "illness"),
            ("form[description]", "户主住院，自付医疗费约 3 万元"),
        ])
        .await;
    assert_eq!(case.status(), 200, "the secretary registers a case");
    let case = case.text().await.unwrap();
    let today = app::time::beijing_date(app.clock_now());
    let month = format!("{}-{:02}", today.year(), today.month());
    let meeting =
        secretary.server_fn::<app::meetings::api::PrepareMeeting>(&[("unit", village), ("month", &month)]).await;
    assert_eq!(meeting.status(), 200, "the secretary prepares this month's meeting");
    let pages: Vec<String> =
        PAGES.iter().map(|p| p.to_string()).chain(record_pages(&app, village, &household.code, &case).await).collect();

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    client.set_window_size(1280, 900).await.unwrap();
    let mut failures = Vec::new();
    for role in Role::ALL {
        let login = login_of(role);
        client.delete_all_cookies().await.unwrap();
        sign_in(&client, &app.base, &login.username, &login.password).await;
        console_errors(&client).await;
        for page in &pages {
            client.goto(&format!("{}{page}", app.base)).await.unwrap();
            let hydrated =
                client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("body[data-hydrated]")).await;
            if hydrated.is_err() {
                failures.push(format!("{}: {page} opened directly never hydrated", role.label()));
            }
            check(&client, &mut failures, role, page, "opened directly").await;
        }
        navigate(&client, &app.base, &mut failures, role).await;
    }
    client.close().await.unwrap();
    assert!(failures.is_empty(), "pages that failed:\n{}", failures.join("\n"));
}

/// One page of each kind of record in the village: a household, a case, a visit, the meeting in progress and a
/// signed one, the supervision round in rectification, a covered unit's work paper and 举一反三 of a closed finding,
/// the cross-check's pages, the accountability records, a user.
async fn record_pages(app: &TestApp, village: &str, household: &str, case: &str) -> Vec<String> {
    let visit = entities::visit::Entity::find()
        .filter(entities::visit::Column::OrgCode.starts_with(village))
        .one(app.db())
        .await
        .unwrap()
        .expect("a visit in the village");
    let mut pages = vec![
        format!("/households/{household}"),
        format!("/cases/{case}"),
        format!("/visits/{}", visit.id),
        format!("/visits/new?household={household}"),
    ];
    let meetings = entities::meeting::Entity::find()
        .filter(entities::meeting::Column::OrgCode.eq(village))
        .order_by_desc(entities::meeting::Column::Month)
        .all(app.db())
        .await
        .unwrap();
    let in_progress = meetings.iter().find(|m| m.signed_at.is_none()).expect("the meeting in progress");
    let signed = meetings.iter().find(|m| m.signed_at.is_some()).expect("a signed meeting");
    pages.extend([format!("/meetings/{}", in_progress.id), format!("/meetings/{}", signed.id)]);
    let round = entities::supervision_round::Entity::find()
        .filter(entities::supervision_round::Column::Status.eq("rectifying"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the demo round");
    let covered: Vec<String> = serde_json::from_str(&round.units).unwrap();
    let closed = entities::supervision_finding::Entity::find()
        .filter(entities::supervision_finding::Column::RoundId.eq(round.id))
        .filter(entities::supervision_finding::Column::Status.eq("closed"))
        .one(app.db())
        .await
        .unwrap()
        .expect("a closed finding");
    pages.extend([
        format!("/supervision/{}", round.id),
        format!("/supervision/{}/units/{}", round.id, covered[0]),
        format!("/supervision/findings/{}/similar", closed.id),
    ]);
    pages.extend(cross_check_pages(app).await);
    let records = entities::accountability_record::Entity::find().all(app.db()).await.unwrap();
    assert_eq!(records.len(), 2, "the demo's accountability records");
    pages.extend(records.iter().map(|r| format!("/accountability/records/{}", r.id)));
    // The year's assessment: its table with the first township's villages, a vetoed village's facts, the veto.
    let veto = entities::assessment_veto::Entity::find().one(app.db()).await.unwrap().expect("the demo's veto");
    let year = veto.year;
    pages.push(format!("/assessments?year={year}&township={}000", &veto.org_code[..9]));
    pages.push(format!("/assessments/{year}/units/{}", veto.org_code));
    pages.push(format!("/assessments/vetoes/{}", veto.id));
    let user = entities::app_user::Entity::find().one(app.db()).await.unwrap().expect("a user");
    pages.push(format!("/admin/users/{}", user.id));
    pages
}

/// The demo's cross-check: its page, the ranking, a checked township's problems, a saved household sheet and, for
/// 桂林街道's cross-checker, a drawn household of the township their team checks, still to be filled.
async fn cross_check_pages(app: &TestApp) -> Vec<String> {
    use entities::{app_user, cross_check, cross_check_member, cross_check_sheet, cross_check_team, cross_check_unit};
    let check = cross_check::Entity::find().one(app.db()).await.unwrap().expect("the demo cross-check");
    let handed = entities::cross_check_finding::Entity::find()
        .filter(entities::cross_check_finding::Column::CaseId.is_not_null())
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(handed, 2, "each checked township of the demo handed a problem over");
    let saved = cross_check_sheet::Entity::find()
        .filter(cross_check_sheet::Column::HouseholdId.is_not_null())
        .one(app.db())
        .await
        .unwrap()
        .expect("a saved sheet");
    let checker = app_user::Entity::find()
        .filter(app_user::Column::Username.eq("z001.jiancha"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the cross-checker");
    let member = cross_check_member::Entity::find()
        .filter(cross_check_member::Column::UserId.eq(checker.id))
        .one(app.db())
        .await
        .unwrap()
        .expect("on a team");
    let team = cross_check_team::Entity::find_by_id(member.team_id).one(app.db()).await.unwrap().expect("a team");
    let township = team.township_code.expect("paired");
    let unchecked = cross_check_unit::Entity::find()
        .filter(cross_check_unit::Column::TownshipCode.eq(township.as_str()))
        .filter(cross_check_unit::Column::HouseholdId.is_not_null())
        .filter(cross_check_unit::Column::Role.eq("drawn"))
        .order_by_desc(cross_check_unit::Column::Id)
        .one(app.db())
        .await
        .unwrap()
        .expect("a drawn household");
    vec![
        format!("/cross-checks/{}", check.id),
        format!("/cross-checks/{}/scores", check.id),
        format!("/cross-checks/{}/townships/{}", check.id, saved.township_code),
        format!("/cross-checks/units/{}", saved.unit_id),
        format!("/cross-checks/units/{}", unchecked.id),
    ]
}

/// Reach every entry of the menu from the start page by clicking it, and from each list one of its records.
async fn navigate(client: &Client, base: &str, failures: &mut Vec<String>, role: Role) {
    client.goto(&format!("{base}/")).await.unwrap();
    client.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css("body[data-hydrated]")).await.unwrap();
    console_errors(client).await;
    let mut entries = Vec::new();
    for link in client.find_all(Locator::Css(".sidenav a[href^='/']")).await.unwrap() {
        entries.push(link.attr("href").await.unwrap().unwrap_or_default());
    }
    for entry in entries {
        let selector = format!(".sidenav a[href='{entry}']");
        client.find(Locator::Css(&selector)).await.unwrap().click().await.unwrap();
        check(client, failures, role, &entry, "from the menu").await;
        let Some((_, record)) = LISTS.iter().find(|(list, _)| *list == entry) else { continue };
        if let Ok(link) = client.find(Locator::Css(record)).await {
            let href = link.attr("href").await.unwrap().unwrap_or_default();
            link.click().await.unwrap();
            check(client, failures, role, &href, &format!("from the list {entry}")).await;
        }
    }
}

/// Let the page finish loading, then note what went wrong on it.
async fn check(client: &Client, failures: &mut Vec<String>, role: Role, page: &str, how: &str) {
    for _ in 0..100 {
        let loading = client.find_all(Locator::Css(".loading")).await.map(|l| !l.is_empty()).unwrap_or(true);
        if !loading {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    let path = page.split('?').next().unwrap_or(page);
    let at = client.current_url().await.map(|u| u.path().to_string()).unwrap_or_default();
    if at != path && at != "/login" {
        failures.push(format!("{}: {page} {how} ended at {at}", role.label()));
    }
    let body = client.find(Locator::Css("body")).await.unwrap().text().await.unwrap_or_default();
    for text in FAILURE_TEXTS {
        if body.contains(text) {
            failures.push(format!("{}: {page} {how} shows {text}", role.label()));
        }
    }
    for error in console_errors(client).await {
        failures.push(format!("{}: {page} {how} logged {error}", role.label()));
    }
}
