//! 交叉检查 end to end in headless Chromium on a phone, with the release bundle: a checker opens the sample, fills a
//! household's sheet (a refusal keeps what was typed), saves it with a failed item and photographs it; the checked
//! township's staff hands the problem to the village's secretary and opens the case.

use app::permissions::Role;
use fantoccini::{Client, Locator};
use sea_orm::{EntityTrait, PaginatorTrait};

use super::crosscheck::{county, open_check};
use super::e2e::{photograph, wait_for_text};
use tests::browser::{ChromeDriver, browser, click, save_screenshot, sign_in, wait_for_hydration};
use tests::{Backend, COUNTY, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_B1};

/// Choose a radio button or check box by its CSS selector.
async fn choose(client: &Client, css: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}")).click().await.unwrap();
}

async fn type_into(client: &Client, css: &str, text: &str) {
    client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("no {css}")).send_keys(text).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_checker_fills_a_sheet_on_a_phone_and_the_township_hands_the_problem_over() {
    let app = county(Backend::Sqlite).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let checker_pw = app.user("jiancha_a", Role::CrossChecker, TOWNSHIP_A).await;
    app.user("jiancha_b", Role::CrossChecker, TOWNSHIP_B).await;
    let staff_pw = app.user("jingfa_b", Role::TownshipStaff, TOWNSHIP_B).await;
    app.user("shuji_b", Role::VillageSecretary, VILLAGE_B1).await;
    // The county office plans the check (open now: the clock stands at 2026-03-02), forms the teams, pairs, draws.
    let check = open_check(&app, &office, "2026").await;
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("IMG_0002.jpg");
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 3) as u8, 90, (y * 5) as u8])).save(&photo).unwrap();

    // The checker, on a phone: the check's page lists the team's households; the first one's sheet.
    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let checker = browser(&driver, profile.path()).await;
    sign_in(&checker, &app.base, "jiancha_a", &checker_pw).await;
    checker.goto(&format!("{}/cross-checks/{check}", app.base)).await.unwrap();
    wait_for_text(&checker, "填写村级核查表").await;
    click(&checker, Locator::XPath("(//a[normalize-space(.)='填写核查表'])[1]")).await;
    wait_for_text(&checker, "入户核查表").await;
    wait_for_text(&checker, "登记信息（与实际情况核对）").await;
    wait_for_hydration(&checker).await;
    let questions = checker.find_all(Locator::Css("fieldset.checklist-item")).await.unwrap().len();
    assert!(questions > 1);
    // Every indicator 符合 but the first, 不符合 without a note yet; the household confirms.
    choose(&checker, "input[name='form[answers][0][result]'][value='fail']").await;
    for i in 1..questions {
        choose(&checker, &format!("input[name='form[answers][{i}][result]'][value='pass']")).await;
    }
    checker.find(Locator::Css("#inclusion")).await.unwrap().select_by_value("proper").await.unwrap();
    type_into(&checker, "#mismatches-2", "登记电话已停机").await;
    type_into(&checker, "#acknowledged_by", "户主本人").await;
    click(&checker, Locator::XPath("//button[normalize-space(.)='保存核查表']")).await;
    wait_for_text(&checker, "请写明发现的问题").await;
    // Refused: nothing typed is lost.
    let kept = checker.find(Locator::Css("#acknowledged_by")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("户主本人"));
    let mismatch = checker.find(Locator::Css("#mismatches-2")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(mismatch.as_deref(), Some("登记电话已停机"));
    assert!(checker.find(Locator::Css("input[name='form[answers][1][result]'][value='pass']:checked")).await.is_ok());
    save_screenshot(&checker, "phone-cross-check-sheet-refused").await;
    type_into(&checker, "#answers-0-note", "厨房漏雨，未纳入危房改造").await;
    click(&checker, Locator::XPath("//button[normalize-space(.)='保存核查表']")).await;
    wait_for_text(&checker, "核查照片").await;
    wait_for_hydration(&checker).await;
    // A photo from the camera; the form asks the date it shows, today by default.
    photograph(&checker, &photo).await;
    assert!(checker.find(Locator::Css("body")).await.unwrap().text().await.unwrap().contains("待镇街交办"));
    save_screenshot(&checker, "phone-cross-check-sheet-saved").await;
    checker.close().await.unwrap();
    assert_eq!(entities::cross_check_sheet::Entity::find().count(app.db()).await.unwrap(), 1);

    // The township's staff, on a phone: the problems of the check; the failed item to the village's secretary.
    let profile = tempfile::tempdir().unwrap();
    let township = browser(&driver, profile.path()).await;
    sign_in(&township, &app.base, "jingfa_b", &staff_pw).await;
    township.goto(&format!("{}/cross-checks/{check}/townships/{TOWNSHIP_B}", app.base)).await.unwrap();
    wait_for_text(&township, "厨房漏雨，未纳入危房改造").await;
    wait_for_hydration(&township).await;
    let card = township.find(Locator::XPath("//li[contains(@class,'card')][contains(., '厨房漏雨')]")).await.unwrap();
    let owner = card.find(Locator::Css("select")).await.unwrap();
    let options = owner.find_all(Locator::Css("option")).await.unwrap();
    let mut secretary = None;
    for option in options {
        if option.text().await.unwrap().contains("村党支部书记") {
            secretary = option.attr("value").await.unwrap();
        }
    }
    owner.select_by_value(&secretary.expect("the village's secretary is offered")).await.unwrap();
    // A date field takes the date as the phone's date picker gives it.
    let card_id = card.attr("id").await.unwrap().unwrap();
    let script = format!("document.querySelector('#{card_id}_deadline').value = '2026-03-20';");
    township.execute(&script, vec![]).await.unwrap();
    card.find(Locator::XPath(".//button[normalize-space(.)='交办']")).await.unwrap().click().await.unwrap();
    wait_for_text(&township, "已交办").await;
    click(&township, Locator::XPath("//a[contains(., '已交办')]")).await;
    wait_for_text(&township, "交叉检查发现的问题：").await;
    wait_for_text(&township, "厨房漏雨，未纳入危房改造").await;
    save_screenshot(&township, "phone-cross-check-case").await;
    township.close().await.unwrap();
    let case = entities::risk_case::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((case.source.as_str(), case.status.as_str()), ("cross_check", "rectifying"));
    assert_eq!(case.deadline.to_string(), "2026-03-20");
}
