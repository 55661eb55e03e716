//! 问责 end to end in headless Chromium with the release bundle: the county's discipline team opens a record from a
//! candidate the record gives (a problem the supervision found), naming the village's Party secretary; the
//! secretary, on a phone, states their case; the team reviews and decides on a talk; the decision letter downloads.

use app::permissions::Role;
use fantoccini::Locator;
use sea_orm::EntityTrait;

use super::e2e::{download_pdf, wait_for_text};
use tests::browser::{ChromeDriver, browser, click, save_screenshot, sign_in, wait_for_hydration};
use tests::{Backend, COUNTY, TestApp, VILLAGE_A1};

async fn type_into(client: &fantoccini::Client, css: &str, text: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}")).send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_opens_a_record_the_subject_states_their_case_and_the_decision_prints() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    app.policy(COUNTY, 2026, app::policy::presets::Preset::Tongnan2020).await;
    let jiwei_pw = app.user("jiwei", Role::DisciplineTeam, COUNTY).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let household = app.household(VILLAGE_A1, 1, "漏雨户").await;
    let round = super::accountability::round(&app).await;
    super::accountability::finding(&app, round, &household, "2026-02-10").await;

    // The discipline team: this quarter's candidates; the supervision's problem becomes a record about the secretary.
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let team = browser(&driver, profile.path()).await;
    sign_in(&team, &app.base, "jiwei", &jiwei_pw).await;
    team.goto(&format!("{}/accountability?area={COUNTY}&from=2026-01&to=2026-03", app.base)).await.unwrap();
    wait_for_text(&team, "督查、交叉检查发现的问题").await;
    wait_for_hydration(&team).await;
    let card = team
        .find(Locator::XPath("//li[contains(@class,'card')][contains(., '督查、交叉检查发现的问题')]"))
        .await
        .unwrap();
    card.find(Locator::XPath(".//summary[normalize-space(.)='立问责记录']")).await.unwrap().click().await.unwrap();
    let subject = card.find(Locator::Css("select")).await.unwrap();
    let mut secretary = None;
    for _ in 0..50 {
        for option in subject.find_all(Locator::Css("option")).await.unwrap() {
            if option.text().await.unwrap().contains("村党支部书记") {
                secretary = option.attr("value").await.unwrap();
            }
        }
        if secretary.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    subject.select_by_value(&secretary.expect("the village's people are offered")).await.unwrap();
    card.find(Locator::XPath(".//button[normalize-space(.)='确认立案']")).await.unwrap().click().await.unwrap();
    wait_for_text(&team, "问责依据（系统记录）").await;
    wait_for_text(&team, "待申辩").await;
    let record = team.current_url().await.unwrap().to_string();
    assert!(record.contains("/accountability/records/"), "{record}");
    save_screenshot(&team, "phone-accountability-record-opened").await;

    // The secretary, on a phone, states the case from the record's page.
    let profile = tempfile::tempdir().unwrap();
    let subject = browser(&driver, profile.path()).await;
    sign_in(&subject, &app.base, "shuji", &shuji_pw).await;
    subject.goto(&record).await.unwrap();
    wait_for_text(&subject, "提交申辩").await;
    wait_for_hydration(&subject).await;
    type_into(&subject, "#state_text", "漏雨户已于 2 月 15 日修缮完毕，今后每月入户核查。").await;
    click(&subject, Locator::XPath("//button[normalize-space(.)='提交申辩']")).await;
    wait_for_text(&subject, "审查中").await;
    save_screenshot(&subject, "phone-accountability-statement").await;
    subject.close().await.unwrap();

    // The team reviews and decides on a talk; the decision letter (约谈记录) downloads.
    team.refresh().await.unwrap();
    wait_for_text(&team, "修缮完毕").await;
    wait_for_hydration(&team).await;
    type_into(&team, "#review_text", "事实清楚，已整改，情节较轻。").await;
    click(&team, Locator::XPath("//button[normalize-space(.)='审查完毕']")).await;
    wait_for_text(&team, "作出决定").await;
    team.find(Locator::Css("#decide_measure")).await.unwrap().select_by_value("talk").await.unwrap();
    type_into(&team, "#decide_text", "约谈村党支部书记，督促按月入户。").await;
    click(&team, Locator::XPath("//button[normalize-space(.)='作出决定']")).await;
    wait_for_text(&team, "打印约谈记录（PDF）").await;
    save_screenshot(&team, "phone-accountability-decided").await;
    let pdf = download_pdf(&team, "decision.pdf").await;
    let text = pdf.text();
    for expected in ["约谈记录", "修缮完毕", "约谈村党支部书记，督促按月入户", "漏雨户"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    team.close().await.unwrap();
    let record = entities::accountability_record::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((record.status.as_str(), record.measure.as_deref()), ("decided", Some("talk")));
    assert_eq!(record.subject_user_id, Some(app.user_id("shuji").await));
}
