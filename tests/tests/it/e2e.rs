//! End to end in headless Chromium: sign in, see the shell, sign out — on a phone-sized screen,
//! against the running app with the release browser bundle users get (hydration included).

use std::time::Duration;

use app::permissions::Role;
use fantoccini::{Client, Locator};
use sea_orm::{EntityTrait, PaginatorTrait};

use tests::browser::{
    ChromeDriver, browser, click, open_menu, save_screenshot, sign_in, text_of, wait_for_hydration, wait_for_path,
};
use tests::{Backend, TestApp, VILLAGE_A1};
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_see_the_shell_and_sign_out_on_a_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    let bundle = app.settings.site_root.join("pkg/bundle.txt");
    assert!(bundle.exists(), "the browser bundle is missing at {}: run .ci/build-site bundle", bundle.display());
    // A new account, as an administrator hands it out: a one-time password.
    let password = app.new_user("shuji", Role::VillageSecretary, VILLAGE_A1).await;

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;

    client.goto(&format!("{}/", app.base)).await.unwrap();
    wait_for_path(&client, "/login").await;
    assert!(text_of(&client, "h1").await.contains("防返贫监测帮扶系统"));

    // A wrong password: a Chinese message, and what was typed stays.
    client.wait().for_element(Locator::Css("#username")).await.unwrap().send_keys("shuji").await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys("wrong-password").await.unwrap();
    // Hydration must have happened for the form to submit in place.
    wait_for_hydration(&client).await;
    client.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    assert!(text_of(&client, ".banner.error").await.contains("登录失败"));
    let typed = client.find(Locator::Css("#username")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(typed.as_deref(), Some("shuji"), "the username survives a failed attempt");

    let field = client.find(Locator::Css("#password")).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(&password).await.unwrap();
    client.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_path(&client, "/").await;

    // The one-time password opens nothing but the own account: set a password first.
    assert_eq!(text_of(&client, "h1").await, "请先设置新密码");
    let body = text_of(&client, "body").await;
    assert!(body.contains("村党支部书记") && body.contains("青龙村"), "the shell shows the role and unit");
    assert!(body.contains("一次性密码"), "the one-time password banner asks for a new password");
    open_menu(&client).await;
    let nav = text_of(&client, ".sidenav").await;
    assert!(nav.contains("我的账号") && !nav.contains("农户"), "only the account is on the menu: {nav}");
    client.find(Locator::Css(".sidenav a[href=\"/account\"]")).await.unwrap().click().await.unwrap();
    wait_for_path(&client, "/account").await;
    wait_for_hydration(&client).await;
    client.find(Locator::Css("#current_password")).await.unwrap().send_keys(&password).await.unwrap();
    client.find(Locator::Css("#new_password")).await.unwrap().send_keys("river-stone-42").await.unwrap();
    client.find(Locator::Css("#confirm")).await.unwrap().send_keys("river-stone-42").await.unwrap();
    click(&client, Locator::XPath("//button[contains(., '保存新密码')]")).await;
    // The app opens afresh with the secretary's menu.
    wait_for_path(&client, "/").await;
    for _ in 0..100 {
        if text_of(&client, "h1").await == "工作台" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(text_of(&client, "h1").await, "工作台");
    wait_for_hydration(&client).await;
    save_screenshot(&client, "phone-home").await;
    assert!(!text_of(&client, "body").await.contains("一次性密码"), "the banner is gone");

    // Phone layout: the navigation opens from the menu button and names every area.
    open_menu(&client).await;
    let nav = text_of(&client, ".sidenav").await;
    for area in ["农户", "风险案件", "走访", "研判会议", "专项督查", "交叉检查", "问责", "统计报表", "政策设置"]
    {
        assert!(nav.contains(area), "navigation names {area}");
    }
    // Only what the role can use: a village Party secretary screens no department lists, reads no audit log and
    // changes no organisation tree.
    for area in ["部门预警", "审计日志", "组织机构"] {
        assert!(!nav.contains(area), "navigation leaves out {area}");
    }
    save_screenshot(&client, "phone-menu").await;

    // 问责: the records about the village (none yet); the candidates are the discipline team's.
    client.find(Locator::Css(".sidenav a[href=\"/accountability\"]")).await.unwrap().click().await.unwrap();
    wait_for_path(&client, "/accountability").await;
    wait_for_text(&client, "暂无问责记录").await;
    assert!(!text_of(&client, "main").await.contains("候选事项"));
    save_screenshot(&client, "phone-accountability").await;

    open_menu(&client).await;
    client.wait().for_element(Locator::Css(".nav-account .link-button")).await.unwrap().click().await.unwrap();
    wait_for_path(&client, "/login").await;
    let sessions = entities::session::Entity::find().count(app.db()).await.unwrap();
    assert_eq!(sessions, 0, "signing out ended the session on the server");

    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_finances_see_the_red_alert_and_take_it_through_identification_on_a_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    app.policy(tests::COUNTY, 2026, app::policy::presets::Preset::Tongnan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let password = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    sign_in(&client, &app.base, "shuji", &password).await;

    client.goto(&format!("{}/households/{code}", app.base)).await.unwrap();
    assert!(text_of(&client, "h1").await.contains("张建国户"));
    assert!(!text_of(&client, "h1").await.contains("红色预警"), "no income yet, no alert");

    // Record 2025's income: 7000 + 1600 for two people is 4300 each, below the 4800 red-alert line.
    wait_for_hydration(&client).await;
    for (id, value) in [("#year", "2025"), ("#wage", "7000"), ("#transfer", "1600")] {
        let field = client.find(Locator::Css(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }
    click(&client, Locator::XPath("//button[normalize-space(.)='保存']")).await;
    for _ in 0..50 {
        if text_of(&client, "h1").await.contains("红色预警") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text_of(&client, "h1").await.contains("红色预警"), "the badge appears once the income is saved");
    assert!(text_of(&client, "ul.flags").await.contains("人均纯收入 4300 元，低于红色预警线 4800 元"));
    save_screenshot(&client, "phone-red-alert").await;

    // Start the identification with the signed commitment, then hold the democratic appraisal.
    click(&client, Locator::XPath("//summary[contains(., '发起识别申请')]")).await;
    client.execute("document.getElementById('commitment').value = '2026-03-01';", vec![]).await.unwrap();
    click(&client, Locator::XPath("//button[contains(., '发起识别申请')]")).await;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#step_note")).await.unwrap();
    assert!(text_of(&client, "body").await.contains("已申请，待村级核实"));
    client.find(Locator::Css("#step_note")).await.unwrap().send_keys("民主评议通过").await.unwrap();
    click(&client, Locator::XPath("//button[contains(., '办理')]")).await;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#start")).await.unwrap();
    assert!(text_of(&client, "body").await.contains("民主评议通过，待公示"));

    // Post the notice on Monday 2 March: the page shows its end, five working days on.
    client.execute("document.getElementById('start').value = '2026-03-02';", vec![]).await.unwrap();
    click(&client, Locator::XPath("//button[contains(., '办理')]")).await;
    for _ in 0..50 {
        if text_of(&client, "body").await.contains("公示期 2026-03-02 至 2026-03-09") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text_of(&client, "body").await.contains("公示期 2026-03-02 至 2026-03-09"));
    save_screenshot(&client, "phone-identification").await;

    // The township and the county finish it after the notice has run; the page shows the outcome.
    app.clock.advance(chrono::Duration::days(8));
    for (name, role, unit, step) in [
        ("jingfa", Role::TownshipStaff, tests::TOWNSHIP_A, "township_review"),
        ("fupin", Role::CountyOffice, tests::COUNTY, "county_approve"),
    ] {
        let reviewer = app.signed_in(name, &app.user(name, role, unit).await).await;
        let response = reviewer
            .server_fn::<app::workflow::api::IdentificationStep>(&[
                ("code", &code),
                ("form[step]", step),
                ("form[approve]", "yes"),
            ])
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let api = app.signed_in("shuji", &password).await;
    let detail: serde_json::Value = api.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(detail["identification"]["stage"], "Approved");
    assert_eq!(detail["summary"]["status"], "Monitored");
    assert_eq!(detail["latest_income"]["wage_fen"], 700_000);
    // Eight days on, the browser's session has timed out: sign in again and look.
    sign_in(&client, &app.base, "shuji", &password).await;
    client.goto(&format!("{}/households/{code}", app.base)).await.unwrap();
    assert!(text_of(&client, "body").await.contains("县级审批确认，已纳入监测"));
    save_screenshot(&client, "phone-identified").await;
    client.close().await.unwrap();
}

/// Click the page's link whose address ends with `ending` as a user would: the file opens in a new tab and
/// the page stays. Then fetch the PDF behind it with the browser's session and close that tab.
pub(crate) async fn download_pdf(client: &Client, ending: &str) -> tests::Pdf {
    let page = client.current_url().await.unwrap();
    let home = client.window().await.unwrap();
    let before = client.windows().await.unwrap();
    click(client, Locator::Css(&format!("a[href$='{ending}']"))).await;
    let mut opened = None;
    for _ in 0..100 {
        let now = client.windows().await.unwrap();
        opened = now.into_iter().find(|w| !before.contains(w));
        if opened.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let opened = opened.unwrap_or_else(|| panic!("clicking the link to {ending} opened no tab"));
    assert_eq!(client.current_url().await.unwrap(), page, "clicking the link to {ending} left the page");
    assert!(!text_of(client, "body").await.contains("页面不存在"));
    client.switch_to_window(opened).await.unwrap();
    client.close_window().await.unwrap();
    client.switch_to_window(home).await.unwrap();
    let script = format!(
        "const done = arguments[arguments.length - 1];
         fetch(document.querySelector(\"a[href$='{ending}']\").href)
           .then(r => r.arrayBuffer())
           .then(b => done(Array.from(new Uint8Array(b))));"
    );
    let bytes: Vec<u8> = client
        .execute_async(&script, vec![])
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as u8)
        .collect();
    tests::Pdf::from(bytes)
}

/// Take a photo with the page's camera button (a file input with capture=environment: choosing the picture sends
/// the form), and see it uploaded with its thumbnail.
pub(crate) async fn photograph(client: &Client, photo: &std::path::Path) {
    client.find(Locator::Css("#evidence_camera")).await.unwrap().send_keys(&photo.display().to_string()).await.unwrap();
    wait_for_text(client, "已上传 1 个文件").await;
    assert!(client.find(Locator::Css("ul.evidence img")).await.is_ok(), "the thumbnail is shown");
}

/// Wait until the page's text contains `text`.
pub(crate) async fn wait_for_text(client: &Client, text: &str) {
    for _ in 0..150 {
        // The page may be replaced while it is read (a form posted, a redirect): read it again.
        let body = match client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if body.contains(text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never showed {text:?}: {}", text_of(client, "body").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_warning_becomes_a_case_the_contact_photographs_and_moves_on() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    app.policy(tests::COUNTY, 2026, app::policy::presets::Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let yibao_pw = app.user("yibao", Role::DepartmentUser, tests::COUNTY).await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let household = entities::household::Entity::find().all(app.db()).await.unwrap().remove(0);
    assert_eq!(household.code, code);
    let head = entities::household_member::Entity::find().all(app.db()).await.unwrap().remove(0).resident_id;
    let files = tempfile::tempdir().unwrap();
    let csv = files.path().join("医保预警.csv");
    std::fs::write(
        &csv,
        format!("身份证号,姓名,预警类型,预警等级,预警内容\n{head},张建国,医疗,红色,住院自付医疗费 5.2 万元\n"),
    )
    .unwrap();
    let photo = files.path().join("IMG_0001.jpg");
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 3) as u8, (y * 5) as u8, 120])).save(&photo).unwrap();

    let driver = ChromeDriver::start().await;
    // The department's officer uploads the month's file.
    let profile = tempfile::tempdir().unwrap();
    let department = browser(&driver, profile.path()).await;
    sign_in(&department, &app.base, "yibao", &yibao_pw).await;
    department.goto(&format!("{}/screening", app.base)).await.unwrap();
    department
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#screening_file"))
        .await
        .unwrap()
        .send_keys(&csv.display().to_string())
        .await
        .unwrap();
    click(&department, Locator::XPath("//button[contains(., '上传并导入')]")).await;
    wait_for_text(&department, "已导入").await;
    assert!(text_of(&department, "body").await.contains("第 2 行 张建国：已新建案件"));
    save_screenshot(&department, "phone-screening-report").await;
    department.close().await.unwrap();

    // The village's contact, on a phone: the case is in "my cases"; a photo from the camera, then the next step.
    let profile = tempfile::tempdir().unwrap();
    let contact = browser(&driver, profile.path()).await;
    sign_in(&contact, &app.base, "lianxi", &lianxi_pw).await;
    contact.goto(&format!("{}/cases?view=mine", app.base)).await.unwrap();
    click(&contact, Locator::XPath("//a[starts-with(@href, '/cases/') and contains(., '张建国')]")).await;
    wait_for_text(&contact, "部门筛查预警").await;
    wait_for_hydration(&contact).await;
    photograph(&contact, &photo).await;
    wait_for_hydration(&contact).await;
    contact.find(Locator::Css("#case_note")).await.unwrap().send_keys("已电话联系户主，明日入户核实").await.unwrap();
    click(&contact, Locator::XPath("//button[normalize-space(.)='办理']")).await;
    wait_for_text(&contact, "核实中").await;
    save_screenshot(&contact, "phone-case-with-photo").await;
    let case = entities::risk_case::Entity::find().one(app.db()).await.unwrap().unwrap();
    assert_eq!((case.status.as_str(), case.source.as_str()), ("verifying", "department"));
    assert_eq!(entities::evidence::Entity::find().count(app.db()).await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contact_records_a_visit_opens_a_case_and_downloads_the_sheet_on_a_phone() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    app.policy(tests::COUNTY, 2026, app::policy::presets::Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let password = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let mut h = app.household_row(&code).await.into_active_model();
        h.contact_user_id = Set(Some(app.user_id("lianxi").await));
        h.update(app.db()).await.unwrap();
    }

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    sign_in(&client, &app.base, "lianxi", &password).await;

    // "My visits": the household is due this month; record the visit from its card.
    client.goto(&format!("{}/visits", app.base)).await.unwrap();
    wait_for_text(&client, "本期应访").await;
    assert!(text_of(&client, "ul.visit-list").await.contains("张建国"));
    save_screenshot(&client, "phone-my-visits").await;
    click(&client, Locator::XPath("//a[contains(., '记录走访')]")).await;
    wait_for_text(&client, "保存走访记录").await;
    wait_for_hydration(&client).await;

    // Nothing is answered for the visitor: the household was never assessed, so no item starts as 达标.
    let ticked = client.find_all(Locator::Css(".checklist-item input[type=radio]:checked")).await.unwrap();
    assert!(ticked.is_empty(), "no checklist answer is ticked before the visitor answers");
    for item in ["food", "clothing", "education", "medical", "water"] {
        click(&client, Locator::Css(&format!("input[name='form[{item}]'][value='ok']"))).await;
    }
    // The roof leaks: mark housing as failed, say why, and open a case for it in the same step.
    click(&client, Locator::Css("input[name='form[housing]'][value='failed']")).await;
    client
        .find(Locator::Css("input[name='form[housing_note]']"))
        .await
        .unwrap()
        .send_keys("东侧房屋漏雨")
        .await
        .unwrap();
    client
        .find(Locator::Css("textarea[name='form[problem1]']"))
        .await
        .unwrap()
        .send_keys("房屋漏雨需维修")
        .await
        .unwrap();
    click(&client, Locator::Css("input[name='form[problem1_case]']")).await;
    // First without the problem's risk type (none is preselected) and without the household's confirmation:
    // both are named at once, at the top and under their fields, and nothing typed is lost.
    let who = client.find(Locator::Css("#acknowledged_by")).await.unwrap();
    who.clear().await.unwrap();
    click(&client, Locator::XPath("//button[contains(., '保存走访记录')]")).await;
    wait_for_text(&client, "请选择问题的风险类型").await;
    let summary = text_of(&client, ".error-summary").await;
    assert!(
        summary.contains("请修改以下 2 处")
            && summary.contains("请选择问题的风险类型")
            && summary.contains("请填写确认人"),
        "{summary}"
    );
    let note = client.find(Locator::Css("input[name='form[housing_note]']")).await.unwrap();
    assert_eq!(note.prop("value").await.unwrap().as_deref(), Some("东侧房屋漏雨"), "the form keeps its input");
    client
        .find(Locator::Css("select[name='form[problem1_type]']"))
        .await
        .unwrap()
        .select_by_value("housing")
        .await
        .unwrap();
    client.find(Locator::Css("#acknowledged_by")).await.unwrap().send_keys("张建国").await.unwrap();
    save_screenshot(&client, "phone-visit-form").await;
    click(&client, Locator::XPath("//button[contains(., '保存走访记录')]")).await;
    wait_for_text(&client, "已立案：案件").await;
    assert!(client.current_url().await.unwrap().path().starts_with("/visits/"));
    save_screenshot(&client, "phone-visit-saved").await;

    // The case is there, owned by the contact, from the visit.
    let case = entities::risk_case::Entity::find().one(app.db()).await.unwrap().expect("a case");
    assert_eq!((case.source.as_str(), case.risk_type.as_str()), ("visit", "housing"));
    assert_eq!(case.owner_user_id, app.user_id("lianxi").await);

    // Download the sheet as the browser does (with its session) and read it back.
    let pdf = download_pdf(&client, "visit-sheet.pdf").await;
    pdf.qpdf_check();
    let text = pdf.text();
    assert!(text.contains("东侧房屋漏雨") && text.contains("已立案"), "{text}");

    // The case page opens from the visit.
    click(&client, Locator::XPath("//a[contains(., '已立案：案件')]")).await;
    wait_for_text(&client, "干部走访排查").await;

    // The household's page leads with the verdict and the open case; its change history is folded away.
    client.goto(&format!("{}/households/{code}", app.base)).await.unwrap();
    wait_for_hydration(&client).await;
    let headings: Vec<String> =
        text_of(&client, "main").await.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    let position = |text: &str| {
        headings.iter().position(|l| l.starts_with(text)).unwrap_or_else(|| panic!("{text} in {headings:?}"))
    };
    assert!(position("风险研判") < position("在办风险案件（1 件）"), "{headings:?}");
    assert!(position("在办风险案件（1 件）") < position("基本情况"), "{headings:?}");
    assert!(headings.iter().any(|l| l.starts_with("住房安全：待核实")), "the open case and its state: {headings:?}");
    let history = client.find(Locator::Css("details.fold")).await.unwrap();
    assert_eq!(history.attr("open").await.unwrap(), None, "the change history starts folded");
    save_screenshot(&client, "phone-household").await;
    client.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_secretary_prepares_holds_and_signs_the_monthly_meeting() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    app.policy(tests::COUNTY, 2026, app::policy::presets::Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let password = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let ganbu = app.signed_in("ganbu", &app.user("ganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let created = lianxi
        .server_fn::<app::cases::api::CreateCase>(&[
            ("form[household]", code.as_str()),
            ("form[source]", "visit"),
            ("form[risk_type]", "housing"),
            ("form[description]", "房屋漏雨，墙体开裂"),
        ])
        .await;
    let case_id: i64 = created.json().await.unwrap();

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, profile.path()).await;
    sign_in(&client, &app.base, "shuji", &password).await;

    // March's meetings: the village's is due; prepare it, and the agenda holds the month's case.
    client.goto(&format!("{}/meetings", app.base)).await.unwrap();
    wait_for_text(&client, "待召开").await;
    wait_for_hydration(&client).await;
    click(&client, Locator::XPath("//tr[contains(., '青龙村')]//button[contains(., '准备会议')]")).await;
    wait_for_text(&client, "青龙村 2026年3月 村级研判会议").await;
    assert!(text_of(&client, "ol.agenda").await.contains("张建国户：住房安全"));
    wait_for_hydration(&client).await;

    // Date, place, attendance and the recorder.
    client.execute("document.getElementById('held_on').value = '2026-03-02';", vec![]).await.unwrap();
    client.find(Locator::Css("#place")).await.unwrap().send_keys("村委会会议室").await.unwrap();
    client
        .execute(
            "const r = document.getElementById('recorder');
             r.value = Array.from(r.options).find(o => o.text.includes('ganbu')).value;",
            vec![],
        )
        .await
        .unwrap();
    click(&client, Locator::XPath("//button[normalize-space(.)='保存']")).await;
    wait_for_text(&client, "村委会会议室").await;
    save_screenshot(&client, "phone-meeting-agenda").await;

    // The decision on the case: department, responsible person, deadline and the case's owner.
    wait_for_hydration(&client).await;
    let form = "(//form[.//textarea[@name='form[decision]']])[1]";
    let field = |name: &str| Locator::XPath(Box::leak(format!("{form}//*[@name='{name}']").into_boxed_str()));
    client.find(field("form[analysis]")).await.unwrap().send_keys("C 级危房，雨季前须完成维修").await.unwrap();
    // Adding another item meanwhile redraws only what changed: the analysis typed above stays.
    click(&client, Locator::XPath("//summary[contains(., '增加议题')]")).await;
    client.find(Locator::Css("#new_title")).await.unwrap().send_keys("村道安全隐患").await.unwrap();
    click(&client, Locator::XPath("//button[normalize-space(.)='增加']")).await;
    wait_for_text(&client, "村道安全隐患").await;
    let kept = client.find(field("form[analysis]")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("C 级危房，雨季前须完成维修"), "typed text survives another form's save");
    client.find(field("form[decision]")).await.unwrap().send_keys("纳入危房改造，雨季前完工").await.unwrap();
    client.find(field("form[department]")).await.unwrap().send_keys("镇住建办").await.unwrap();
    client.find(field("form[responsible_person]")).await.unwrap().send_keys("王强").await.unwrap();
    client
        .execute(
            "document.querySelector(\"input[name='form[deadline]']\").value = '2026-04-30';
             const owner = document.querySelector(\"select[name='form[owner_user_id]']\");
             owner.value = Array.from(owner.options).find(o => o.text.includes('lianxi')).value;",
            vec![],
        )
        .await
        .unwrap();
    click(&client, Locator::XPath(Box::leak(format!("{form}//button[contains(., '保存研判决定')]").into_boxed_str())))
        .await;
    wait_for_text(&client, "决定：纳入危房改造，雨季前完工").await;

    // The recorder takes the added item off the agenda and finalises (on their own phone), then the
    // secretary signs: the minutes are locked.
    wait_for_text(&client, "由记录人测试ganbu定稿").await;
    let page = client.current_url().await.unwrap();
    let meeting_id = page.path().rsplit('/').next().unwrap().to_string();
    let m: serde_json::Value =
        ganbu.server_fn::<app::meetings::api::GetMeeting>(&[("id", &meeting_id)]).await.json().await.unwrap();
    let added = m["items"].as_array().unwrap().iter().find(|i| i["title"] == "村道安全隐患").unwrap()["id"].to_string();
    let dropped = ganbu
        .server_fn::<app::meetings::api::DropMeetingItem>(&[
            ("id", meeting_id.as_str()),
            ("item_id", added.as_str()),
            ("reason", "交村委会另行处理"),
        ])
        .await;
    assert_eq!(dropped.status(), 200);
    let finalised = ganbu.server_fn::<app::meetings::api::FinaliseMeeting>(&[("id", &meeting_id)]).await;
    assert_eq!(finalised.status(), 200);
    client.goto(page.as_str()).await.unwrap();
    wait_for_text(&client, "待主持人签发").await;
    wait_for_hydration(&client).await;
    click(&client, Locator::XPath("//button[contains(., '主持人签发')]")).await;
    wait_for_text(&client, "已签发（记录锁定）").await;
    save_screenshot(&client, "phone-meeting-signed").await;

    // The minutes, downloaded with the browser's session.
    let pdf = download_pdf(&client, "minutes.pdf").await;
    pdf.qpdf_check();
    let text = pdf.text().replace('\n', "");
    assert!(text.contains("青龙村村级研判会议记录") && text.contains("镇住建办"), "{text}");

    // The case carries the decided owner, department, person and deadline, and shows the decision.
    let case = entities::risk_case::Entity::find_by_id(case_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((case.department.as_str(), case.responsible_person.as_str()), ("镇住建办", "王强"));
    assert_eq!(
        (case.deadline.to_string(), case.owner_user_id),
        ("2026-04-30".to_string(), app.user_id("lianxi").await)
    );
    client.goto(&format!("{}/cases/{case_id}", app.base)).await.unwrap();
    wait_for_text(&client, "研判会议决定：纳入危房改造").await;
    assert!(text_of(&client, "body").await.contains("2026-04-30"));
    client.close().await.unwrap();
}
