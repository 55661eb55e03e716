//! 交叉检查 sheets through the app: a checker fills a drawn household's sheet pre-filled from the register (a failed
//! answer needs a note; nothing is saved on a refusal), saves it once and adds notes and photos after; the sheets
//! print; the checked township hands the problems to owners as cases linked back to the sheet and assesses
//! itself; the score follows from the answers and the weights; at the window's end the checker's access stops.

use app::crosscheck::sheet::Answer;
use app::crosscheck::{ScoresView, SheetPage, TownshipFindings};
use app::permissions::Role;
use app::policy::presets::{Preset, preset};
use reqwest::multipart::{Form, Part};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use super::crosscheck::{county, get, open_check, post};
use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TOWNSHIP_B, VILLAGE_B1};

/// A sheet's form with every household indicator 符合 but those given.
fn sheet(unit: i64, questions: usize, failed: &[(usize, &str)]) -> Value {
    let answers: Vec<Value> = (0..questions)
        .map(|i| match failed.iter().find(|(at, _)| *at == i) {
            Some((_, note)) => json!({ "result": "fail", "note": note }),
            None => json!({ "result": "pass", "note": "" }),
        })
        .collect();
    json!({ "unit_id": unit.to_string(), "visited_on": "2026-03-02", "answers": answers, "inclusion": "proper",
        "acknowledgement": "confirmed", "acknowledged_by": "户主本人" })
}

async fn sheet_page(client: &Client, unit: i64) -> (u16, Option<SheetPage>) {
    let response = client.get(&format!("/api/cross-checks/units/{unit}/sheet")).await;
    let status = response.status().as_u16();
    (status, response.json().await.ok())
}

async fn upload_photo(client: &Client, sheet: i64) -> u16 {
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let form =
        Form::new().text("shown_on", "2026-03-02").part("file", Part::bytes(pdf).file_name("现场照片.pdf".to_string()));
    let url = client.url(&format!("/api/cross-checks/sheets/{sheet}/photos"));
    let response = client.http.post(url).header("origin", client.base.clone()).multipart(form).send().await.unwrap();
    response.status().as_u16()
}

async fn a_sheet_becomes_a_case_and_a_score(backend: tests::Backend) {
    let app = county(backend).await;
    // The township's self-assessment counts half.
    let mut policy = preset(Preset::Tongnan2020);
    policy.cross_check.households_per_village = 5;
    policy.cross_check.self_assessment_percent = 50;
    app.own_policy(COUNTY, 2026, Some(Preset::Tongnan2020), &policy).await;
    let office = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let a_password = app.user("jiancha_a", Role::CrossChecker, TOWNSHIP_A).await;
    let a = app.signed_in("jiancha_a", &a_password).await;
    let b = app.signed_in("jiancha_b", &app.user("jiancha_b", Role::CrossChecker, TOWNSHIP_B).await).await;
    let staff_password = app.user("jingfa_b", Role::TownshipStaff, TOWNSHIP_B).await;
    let staff = app.signed_in("jingfa_b", &staff_password).await;
    app.user("shuji_b", Role::VillageSecretary, VILLAGE_B1).await;
    // The window is open now (the clock stands at 2026-03-02 09:00 Beijing time).
    let check = open_check(&app, &office, "7").await;

    // 第一检查组 (双江镇's checker) checks 古溪镇: 大佛村 and its drawn households.
    let (_, view) = get(&a, &format!("/api/cross-checks/{check}")).await;
    let village = &view["draw"]["townships"][1]["villages"][0];
    assert_eq!(view["draw"]["townships"][1]["may_fill"], true, "{view}");
    let household_unit = village["households"][0]["unit_id"].as_i64().unwrap();
    let head = village["households"][0]["head_name"].as_str().unwrap().to_string();
    let village_unit = village["unit_id"].as_i64().unwrap();

    // The sheet to fill: the register's facts and the household indicators as questions.
    let (status, page) = sheet_page(&a, household_unit).await;
    let Some(SheetPage::Start(start)) = page else { panic!("{status}: not a sheet to fill") };
    let facts = start.household.clone().expect("a household's sheet");
    assert_eq!(facts.head_name, head);
    let questions = start.questions.len();
    assert_eq!(
        start.questions.iter().map(|q| q.name.as_str()).collect::<Vec<_>>(),
        policy.cross_check.indicators.iter().filter(|i| !i.village).map(|i| i.name.as_str()).collect::<Vec<_>>()
    );
    // Another team, and the county office, may not fill it.
    assert_eq!(sheet_page(&b, household_unit).await.0, 404);
    let mut failed = sheet(household_unit, questions, &[(0, "")]);
    assert_eq!(post(&b, "/api/cross-checks/sheets", failed.clone()).await.0, 404);
    assert_eq!(post(&office, "/api/cross-checks/sheets", failed.clone()).await.0, 403);
    // A failed answer without a note, and 应纳未纳 without its basis, are refused by name; nothing is saved.
    failed["inclusion"] = json!("should_include");
    let (status, refused) = post(&a, "/api/cross-checks/sheets", failed).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> =
        refused["errors"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["answers.0.note", "inclusion_note"], "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("请写明发现的问题"), "{refused}");
    assert!(entities::cross_check_sheet::Entity::find().all(app.db()).await.unwrap().is_empty());

    // Saved: a failed indicator, 应纳未纳 with its basis, and a contact number that differs from the register.
    let mut form = sheet(household_unit, questions, &[(0, "住房漏雨，未纳入危房改造")]);
    form["inclusion"] = json!("should_include");
    form["inclusion_note"] = json!("户主今年住院，自付医疗费用约 4 万元");
    form["mismatches"] = json!(["", "", "登记电话已停机"]);
    let (status, saved) = post(&a, "/api/cross-checks/sheets", form.clone()).await;
    assert_eq!(status, 201, "{saved}");
    let sheet_id = saved["id"].as_i64().unwrap();
    let (status, again) = post(&a, "/api/cross-checks/sheets", form).await;
    assert_eq!(status, 409);
    assert!(again["message"].as_str().unwrap().contains("只能追加补充说明"), "{again}");
    assert_eq!(
        post(
            &a,
            &format!("/api/cross-checks/sheets/{sheet_id}/addenda"),
            json!({ "text": "户主补充：已申请危房改造" })
        )
        .await
        .0,
        204
    );
    assert_eq!(upload_photo(&b, sheet_id).await, 404, "another team attaches nothing");
    assert_eq!(upload_photo(&a, sheet_id).await, 201);
    let (_, page) = sheet_page(&a, household_unit).await;
    let Some(SheetPage::Saved(saved)) = page else { panic!("not saved") };
    assert_eq!(saved.answers[0].answer, Answer::Fail);
    assert_eq!(saved.answers[0].note, "住房漏雨，未纳入危房改造");
    assert_eq!(saved.mismatches, [("联系方式、住址".to_string(), "登记电话已停机".to_string())]);
    let titles: Vec<&str> = saved.findings.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, [start.questions[0].name.as_str(), "应纳未纳", "信息与登记不一致：联系方式、住址"]);
    assert_eq!(saved.addenda[0].text, "户主补充：已申请危房改造");
    assert_eq!(saved.photos[0].file_name, "现场照片.pdf");
    // The filled sheet prints as recorded, with the register's facts and the addendum.
    let response = a.get(&format!("/prints/cross-checks/units/{household_unit}/sheet.pdf")).await;
    assert_eq!(response.status(), 200);
    let text = tests::Pdf::from(response.bytes().await.unwrap().to_vec()).text();
    for expected in [
        "交叉检查入户核查表",
        head.as_str(),
        "住房漏雨，未纳入危房改造",
        "应纳未纳",
        "登记电话已停机",
        "户主补充：已申请危房改造",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }

    // The village's sheet: the village-level indicator failed.
    let village_form = json!({ "unit_id": village_unit.to_string(), "visited_on": "2026-03-02",
        "answers": [{ "result": "fail", "note": "10 月研判会议记录无签字" }],
        "acknowledgement": "confirmed", "acknowledged_by": "村支书" });
    assert_eq!(post(&a, "/api/cross-checks/sheets", village_form).await.0, 201);
    // The village's blank sheets print in visiting order: every drawn household's, then the village's.
    let response = a.get(&format!("/prints/cross-checks/{check}/villages/{VILLAGE_B1}/sheets.pdf")).await;
    assert_eq!(response.status(), 200);
    let text = tests::Pdf::from(response.bytes().await.unwrap().to_vec()).text();
    assert_eq!(text.matches("交叉检查入户核查表").count(), 5, "{text}");
    assert!(text.contains("交叉检查村级核查表") && text.contains("□不符合"), "{text}");

    // The township sees the four problems and hands 应纳未纳 to the village's secretary: a case to verify, of
    // source 交叉检查, linked back to the sheet.
    let response = staff.get(&format!("/api/cross-checks/{check}/townships/{TOWNSHIP_B}/findings")).await;
    let found: TownshipFindings = response.json().await.unwrap();
    assert_eq!(found.findings.len(), 4);
    assert!(found.may_answer);
    let secretary_id = app.user_id("shuji_b").await;
    assert!(found.owners[0].1.iter().any(|o| o.user_id == secretary_id), "{:?}", found.owners);
    let unseen = found.findings.iter().find(|f| f.title == "应纳未纳").unwrap();
    let path = format!("/api/cross-checks/findings/{}/handover", unseen.id);
    let hand = json!({ "owner_user_id": secretary_id.to_string(), "deadline": "" });
    assert_eq!(post(&a, &path, hand.clone()).await.0, 403, "the checker does not hand over");
    let (status, handed) = post(&staff, &path, hand.clone()).await;
    assert_eq!(status, 201, "{handed}");
    assert_eq!(post(&staff, &path, hand).await.0, 409);
    let case_id = handed["case_id"].as_i64().unwrap();
    let case: Value = staff.get(&format!("/api/cases/{case_id}")).await.json().await.unwrap();
    assert_eq!(case["summary"]["source_label"], "交叉检查", "{case}");
    assert_eq!(case["summary"]["status_label"], "待核实");
    assert_eq!(case["checked"]["unit_id"], household_unit);
    assert!(case["summary"]["description"].as_str().unwrap().contains("户主今年住院"), "{case}");

    // The score: the household answered 5 of 6 indicators 符合 (the first, weighing 20, failed) and the village
    // failed its one (5): 75 of 100; with a self-assessment of 90 at half, 82.5. 双江镇, unchecked, has no score.
    let self_score = json!({ "township": TOWNSHIP_B, "score": "90", "note": "按自查台账评分" });
    assert_eq!(post_put(&a, &format!("/api/cross-checks/{check}/self-scores"), self_score.clone()).await, 403);
    assert_eq!(post_put(&staff, &format!("/api/cross-checks/{check}/self-scores"), self_score).await, 204);
    let scores: ScoresView = office.get(&format!("/api/cross-checks/{check}/scores")).await.json().await.unwrap();
    let guxi = scores.townships.iter().find(|t| t.township.code == TOWNSHIP_B).unwrap();
    let weights: Vec<u32> = policy.cross_check.indicators.iter().map(|i| i.weight).collect();
    let earned: u32 = weights.iter().skip(1).take(questions - 1).sum();
    assert_eq!(guxi.check_tenths, Some(earned * 10), "{guxi:?}");
    assert_eq!(guxi.score_tenths, Some((earned * 10 + 900) / 2));
    assert_eq!(
        (guxi.rank, guxi.household_sheets, guxi.village_sheets, guxi.findings, guxi.handed_over),
        (Some(1), 1, 1, 4, 1)
    );
    let shuangjiang = scores.townships.iter().find(|t| t.township.code == TOWNSHIP_A).unwrap();
    assert_eq!((shuangjiang.score_tenths, shuangjiang.rank), (None, None));
    // The report as a workbook and a PDF.
    let response = office.get(&format!("/api/cross-checks/{check}/report.xlsx")).await;
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0).unwrap().unwrap();
    let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.contains(&"古溪镇".to_string()) && cells.contains(&score_text(guxi.score_tenths)), "{cells:?}");
    let response = office.get(&format!("/prints/cross-checks/{check}/report.pdf")).await;
    let text = tests::Pdf::from(response.bytes().await.unwrap().to_vec()).text();
    assert!(
        text.contains("情况通报") && text.contains("古溪镇") && text.contains(&score_text(guxi.score_tenths)),
        "{text}"
    );

    // At the window's end + 1 s the checker reaches nothing: not the sheet, not a new one.
    app.clock.set(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 31, 10, 0, 1).unwrap());
    let (a, staff) = (app.signed_in("jiancha_a", &a_password).await, app.signed_in("jingfa_b", &staff_password).await);
    assert_eq!(sheet_page(&a, household_unit).await.0, 404);
    let second = village["households"][1]["unit_id"].as_i64().unwrap();
    assert_eq!(post(&a, "/api/cross-checks/sheets", sheet(second, questions, &[])).await.0, 404);
    // The township still reads the sheet its case links to, but no longer changes its self-assessment.
    assert_eq!(sheet_page(&staff, household_unit).await.0, 200);
    let late = json!({ "township": TOWNSHIP_B, "score": "99", "note": "" });
    assert_eq!(post_put(&staff, &format!("/api/cross-checks/{check}/self-scores"), late).await, 409);

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 300).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!(
        [
            count("crosscheck.sheet_saved"),
            count("crosscheck.sheet_amended"),
            count("crosscheck.photo_uploaded"),
            count("crosscheck.handed_over"),
            count("crosscheck.self_scored")
        ],
        [2, 1, 1, 1, 1]
    );
}
both_backends!(a_sheet, a_sheet_becomes_a_case_and_a_score);

async fn post_put(client: &Client, path: &str, body: Value) -> u16 {
    let response = client.http.put(client.url(path)).json(&body).send().await.unwrap();
    response.status().as_u16()
}

/// A township's score as the report writes it.
fn score_text(tenths: Option<u32>) -> String {
    app::crosscheck::score::shown(tenths)
}
