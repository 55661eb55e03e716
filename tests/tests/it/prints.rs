//! Printed forms: real PDF bytes read back with poppler (pdftotext, pdfinfo) and checked with qpdf;
//! the text of each form against its snapshot; scope; masking; a table that runs onto a second page
//! repeats its header; an operator's broken template names its line while the other forms still print.

use app::permissions::Role;
use app::policy::presets::Preset;
use app::workflow::api::{ApplyIdentification, IdentificationStep};

use tests::both_backends;
use tests::{COUNTY, GROUP_A1_1, TestApp, VILLAGE_A1, VILLAGE_B1};

async fn forms_print_in_scope_with_masking(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.income(&code, 2025, 9000, 1000, 0).await;
    let head_id = app.resident_id_of(&code, "张建国").await;
    let lianxi = app.signed_in("lianxi", &app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let other = app.signed_in("dafo", &app.user("dafo", Role::MonitoringContact, VILLAGE_B1).await).await;

    // The visit sheet: pre-filled, IDs masked, one A4 page that qpdf accepts.
    let response = lianxi.get(&format!("/prints/households/{code}/visit-sheet.pdf")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap().to_vec();
    if let Ok(dir) = std::env::var("PRINT_SAMPLES") {
        std::fs::write(format!("{dir}/visit-sheet.pdf"), &bytes).unwrap();
    }
    let pdf = tests::Pdf::from(bytes);
    assert_eq!(pdf.pages(), 1);
    assert!(pdf.page_size().contains("A4"), "{}", pdf.page_size());
    pdf.qpdf_check();
    let text = pdf.text();
    for expected in [
        "入户走访（监测帮扶）记录表",
        "张建国",
        "青龙村",
        "李秀英",
        "□达标",
        "□未达标",
        "走访人签字",
        "第 1 页 共 1 页",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    assert!(!text.contains(&head_id), "the ID number is masked on a visit sheet");
    assert!(text.contains(&format!("{}**********{}", &head_id[..4], &head_id[14..])), "{text}");
    tests::assert_snapshot("visit-sheet-blank", &text);
    assert!(pdf.len() < 200_000, "the font is subset: {} bytes", pdf.len());

    // Another village's contact prints nothing of this household.
    assert_eq!(other.get(&format!("/prints/households/{code}/visit-sheet.pdf")).await.status(), 404);
    assert_eq!(app.browser().get(&format!("/prints/households/{code}/commitment.pdf")).await.status(), 401);

    // The commitment: full IDs for the Party secretary (it authorises queries by ID), masked for the
    // discipline team; each print is audited.
    let full = tests::Pdf::from(
        shuji.get(&format!("/prints/households/{code}/commitment.pdf")).await.bytes().await.unwrap().to_vec(),
    );
    assert!(full.text().contains(&head_id), "{}", full.text());
    assert!(full.text().contains("授权有关部门依法查询"));
    let masked = jiwei.get(&format!("/prints/households/{code}/commitment.pdf")).await;
    assert_eq!(masked.status(), 200);
    let masked = tests::Pdf::from(masked.bytes().await.unwrap().to_vec());
    assert!(!masked.text().contains(&head_id));
    masked.qpdf_check();
    tests::assert_snapshot("commitment", &masked.text());
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    let prints: Vec<_> = records.iter().filter(|r| r.action == "print.household_form").collect();
    assert_eq!(prints.len(), 3, "one sheet and two letters; refusals print nothing");

    // The public notice waits for the notice step, then names the period in working days, no IDs.
    let early = shuji.get(&format!("/prints/households/{code}/public-notice.pdf")).await;
    let (status, message) = tests::error_message(early).await;
    assert_eq!(status, 409);
    assert!(message.contains("尚未进入公示环节"), "{message}");
    // The household and two more of the village: one posted on the same day (the same notice), one a
    // day earlier (a notice of its own).
    let same_day = app.household(GROUP_A1_1, 2, "王德明").await;
    let earlier = app.household(VILLAGE_A1, 3, "李桂兰").await;
    for (household, class, start) in [
        (&code, "突发严重困难户", "2026-03-02"),
        (&same_day, "边缘易致贫户", "2026-03-02"),
        (&earlier, "边缘易致贫户", "2026-03-01"),
    ] {
        let applied = shuji
            .server_fn::<ApplyIdentification>(&[
                ("code", household.as_str()),
                ("form[commitment_signed_on]", "2026-03-01"),
                ("form[class]", class),
            ])
            .await;
        assert_eq!(applied.status(), 200);
        for fields in [
            vec![("form[step]", "village_verify"), ("form[approve]", "yes"), ("form[note]", "评议通过")],
            vec![("form[step]", "post_notice"), ("form[start]", start)],
        ] {
            let mut form = vec![("code", household.as_str())];
            form.extend(fields);
            let stepped = shuji.server_fn::<IdentificationStep>(&form).await;
            assert_eq!(stepped.status(), 200, "{}", stepped.text().await.unwrap());
        }
    }
    let notice = tests::Pdf::from(
        shuji.get(&format!("/prints/households/{code}/public-notice.pdf")).await.bytes().await.unwrap().to_vec(),
    );
    let text = notice.text();
    assert!(text.contains("2026-03-02 至 2026-03-09（5 个工作日）"), "{text}");
    assert!(text.contains("突发严重困难户"), "{text}");
    assert!(!text.contains(&head_id[..6]), "no ID number on a public notice");
    // Posted on the village board: the class and what the notice is for, never the verdict's reasons
    // (they can name an illness or a disability).
    assert!(text.contains("拟纳入防止返贫监测对象"), "{text}");
    assert!(!text.contains("人均纯收入") && !text.contains("风险"), "{text}");
    // The notice as the village posts it: every household posted that day, in code order, each printed
    // audited; the one posted a day earlier is on its own notice.
    assert!(text.contains("1 张建国") && text.contains("2 王德明"), "{text}");
    assert!(!text.contains("李桂兰"), "{text}");
    notice.qpdf_check();
    tests::assert_snapshot("public-notice", &text);
    let from_the_other = tests::Pdf::from(
        shuji.get(&format!("/prints/households/{same_day}/public-notice.pdf")).await.bytes().await.unwrap().to_vec(),
    );
    assert_eq!(from_the_other.text(), text, "either household's link prints the same notice");
    let later = tests::Pdf::from(
        shuji.get(&format!("/prints/households/{earlier}/public-notice.pdf")).await.bytes().await.unwrap().to_vec(),
    );
    assert!(later.text().contains("1 李桂兰") && !later.text().contains("张建国"), "{}", later.text());

    // Neither letter nor notice prints for another village's contact; the scope check comes first.
    for form in ["commitment", "public-notice"] {
        assert_eq!(other.get(&format!("/prints/households/{code}/{form}.pdf")).await.status(), 404, "{form}");
    }
}

async fn long_tables_and_broken_templates(backend: tests::Backend) {
    let overrides = tempfile::tempdir().unwrap();
    let sheet = overrides.path().join("visit-sheet");
    std::fs::create_dir_all(&sheet).unwrap();
    std::fs::write(sheet.join("layout.toml"), "title = \"走访\"\n\n[[blocks]]\ntype = \"fields\"\ncolumns = \"两\"\n")
        .unwrap();
    // The operator's commitment: the built-in one, turned to landscape.
    let built_in = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../print-templates/commitment");
    let commitment = overrides.path().join("commitment");
    std::fs::create_dir_all(&commitment).unwrap();
    let layout = std::fs::read_to_string(built_in.join("layout.toml")).unwrap();
    std::fs::write(commitment.join("layout.toml"), format!("page = \"A4-landscape\"\n{layout}")).unwrap();
    std::fs::copy(built_in.join("text.txt"), commitment.join("text.txt")).unwrap();
    let dir = overrides.path().to_path_buf();
    let folder = dir.display().to_string();
    let app = TestApp::spawn_with(backend, |s| s.print_templates_dir = Some(dir)).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    app.members(&code, 40).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;

    // The operator's broken visit sheet: a clear Chinese refusal naming the form's file and line, not
    // the folder on the server.
    let (status, message) =
        tests::error_message(shuji.get(&format!("/prints/households/{code}/visit-sheet.pdf")).await).await;
    assert_eq!(status, 409);
    let refusal = "打印模板 visit-sheet/layout.toml 第 3 行有误，无法打印。请管理员检查该行（详细原因见服务器日志）。";
    assert!(message.contains(refusal), "{message}");
    assert!(!message.contains(&folder), "{message}");
    // The commitment still prints, on landscape A4; its 42-member table runs onto a second page with its header.
    let pdf = tests::Pdf::from(
        shuji.get(&format!("/prints/households/{code}/commitment.pdf")).await.bytes().await.unwrap().to_vec(),
    );
    assert!(pdf.page_size().starts_with("841.89 x 595.276"), "landscape: {}", pdf.page_size());
    assert!(pdf.pages() >= 2, "{} pages", pdf.pages());
    pdf.qpdf_check();
    let second = pdf.page_text(2);
    assert!(second.contains("与户主关系") && second.contains("本人签字"), "the header repeats:\n{second}");
    assert!(second.contains("第 2 页 共"), "{second}");
    assert!(pdf.text().contains("成员40"), "every member printed");
}

both_backends!(forms_print_in_scope_with_masking, forms_print_in_scope_with_masking);
both_backends!(long_tables_and_broken_templates, long_tables_and_broken_templates);

/// Without its font the server still starts; a print is refused with a Chinese message, not a crash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_font_is_a_clear_refusal() {
    let app = TestApp::spawn_with(tests::Backend::Sqlite, |s| s.print_font = "/nonexistent/font.ttc".into())
        .await
        .with_county()
        .await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let (status, message) =
        tests::error_message(shuji.get(&format!("/prints/households/{code}/visit-sheet.pdf")).await).await;
    assert_eq!(status, 409);
    assert!(message.contains("打印字体不可用"), "{message}");
}
