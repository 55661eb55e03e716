//! A finding's evidence with the date it shows, the rectification's evidence that may not be dated before the
//! finding, the re-check request to the round's members, and the work paper and summary as PDFs.

use app::permissions::Role;
use app::policy::presets::Preset;
use reqwest::multipart::{Form, Part};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use super::{case_step, finding, get, post, started_round};
use tests::both_backends;
use tests::{COUNTY, Client, TOWNSHIP_A, TestApp, VILLAGE_A1, VILLAGE_B1};

/// A small real JPEG.
pub(super) fn photo() -> Vec<u8> {
    let image = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([(x * 6) as u8, (y * 8) as u8, 120]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&image).unwrap();
    jpeg
}

/// Upload one photo to `path` with the date it shows (none: the field is not sent); returns status and body.
async fn upload(client: &Client, path: &str, shown_on: Option<&str>) -> (u16, Value) {
    let mut form = Form::new();
    if let Some(day) = shown_on {
        form = form.text("shown_on", day.to_string());
    }
    form = form.part("file", Part::bytes(photo()).file_name("现场照片.jpg"));
    let response =
        client.http.post(client.url(path)).header("origin", client.base.clone()).multipart(form).send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn pdf_text(client: &Client, path: &str) -> String {
    let response = client.http.get(client.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let pdf = tests::Pdf::from(response.bytes().await.unwrap().to_vec());
    pdf.qpdf_check();
    pdf.text()
}

async fn evidence_rechecks_and_prints(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let jiwei_pw = app.user("jiwei", Role::DisciplineTeam, COUNTY).await;
    let jiwei = app.signed_in("jiwei", &jiwei_pw).await;
    let fupin_pw = app.user("fupin", Role::CountyOffice, COUNTY).await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let far_pw = app.user("dafo", Role::VillageSecretary, VILLAGE_B1).await;
    let far = app.signed_in("dafo", &far_pw).await;
    app.signed_in("fupin", &fupin_pw).await;
    let round = started_round(&app, (&jiwei, "jiwei"), "2026 年上半年专项督查", &["fupin"], "2026-03-02").await;
    let (status, body) = post(
        &jiwei,
        &format!("/api/supervision/rounds/{round}/findings"),
        finding(VILLAGE_A1, "", "研判会议召开并专人专本记录", None),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().unwrap();

    // The team's photo of the problem: the date it shows is required and not in the future.
    let path = format!("/api/supervision/findings/{id}/evidence");
    let (status, body) = upload(&jiwei, &path, None).await;
    assert_eq!((status, body["field"].as_str()), (422, Some("shown_on")), "{body}");
    let (status, body) = upload(&jiwei, &path, Some("2026-03-03")).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("不能晚于今天"), "{body}");
    // Only the team records it: the village sees its finding but attaches nothing; another village sees none.
    assert_eq!(upload(&lianxi, &path, Some("2026-03-02")).await.0, 403);
    assert_eq!(upload(&far, &path, Some("2026-03-02")).await.0, 404);
    let (status, body) = upload(&jiwei, &path, Some("2026-03-01")).await;
    assert_eq!(status, 201, "{body}");
    let photo_id = body["ids"][0].as_i64().unwrap();
    let (_, view) = get(&jiwei, &format!("/api/supervision/rounds/{round}")).await;
    let evidence = &view["findings"][0]["evidence"][0];
    assert_eq!((evidence["id"].as_i64(), &evidence["shown_on"]), (Some(photo_id), &json!("2026-03-01")), "{view}");
    assert_eq!(evidence["file_name"], "现场照片.jpg");
    // The finding's photo is served to those who see the finding.
    let file = |client: &Client| {
        let request = client.http.get(client.url(&format!("/evidence/{photo_id}")));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!((file(&jiwei).await, file(&lianxi).await, file(&far).await), (200, 200, 404));
    // The round page's form comes back to the finding's evidence.
    let no_redirects =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form_client = Client { http: no_redirects, base: jiwei.base.clone() };
    assert_eq!(form_client.login("jiwei", &jiwei_pw).await.status(), 200);
    let form = Form::new().text("shown_on", "2026-03-02").part("file", Part::bytes(photo()).file_name("台账.jpg"));
    let response = form_client
        .http
        .post(form_client.url(&format!("/supervision/findings/{id}/evidence")))
        .header("origin", form_client.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/supervision/{round}?at=finding-{id}-evidence&uploaded=1#finding-{id}-evidence")
    );

    // Handed over; a week later the village's rectification evidence may not predate the finding (2026-03-02).
    let lianxi_id = app.user_id("lianxi").await.to_string();
    let (status, body) =
        post(&jiwei, &format!("/api/supervision/findings/{id}/hand-over"), json!({ "owner_user_id": lianxi_id })).await;
    assert_eq!(status, 201, "{body}");
    let case_id = body["id"].as_i64().unwrap();
    // A week later (signed in afresh: sessions end when idle).
    app.clock.advance(chrono::Duration::days(7));
    let (jiwei, fupin, lianxi, far) = (
        app.signed_in("jiwei", &jiwei_pw).await,
        app.signed_in("fupin", &fupin_pw).await,
        app.signed_in("lianxi", &lianxi_pw).await,
        app.signed_in("dafo", &far_pw).await,
    );
    let case_path = format!("/api/cases/{case_id}/evidence");
    let (status, body) = upload(&lianxi, &case_path, Some("2026-03-01")).await;
    assert_eq!(status, 422);
    assert!(body["message"].as_str().unwrap().contains("早于问题发现日期 2026-03-02"), "{body}");
    assert_eq!(upload(&lianxi, &case_path, None).await.0, 422);
    let (status, body) = upload(&lianxi, &case_path, Some("2026-03-08")).await;
    assert_eq!(status, 201, "{body}");
    let case: Value =
        lianxi.server_fn::<app::cases::api::GetCase>(&[("id", &case_id.to_string())]).await.json().await.unwrap();
    assert_eq!(case["rectifies"]["found_on"], "2026-03-02", "{case}");
    assert_eq!(case["rectifies"]["finding_id"], id);
    assert_eq!(case["evidence"][0]["shown_on"], "2026-03-08");

    // Submitted, it asks the round's members for the re-check, not the one who submitted it.
    assert_eq!(case_step(&lianxi, case_id, "submit", "3 月 8 日补开研判会议").await.0, 200);
    let told = entities::notification::Entity::find()
        .filter(entities::notification::Column::Title.eq("督查问题待复核：研判会议召开并专人专本记录"))
        .all(app.db())
        .await
        .unwrap();
    let mut told: Vec<i64> = told.iter().map(|n| n.user_id).collect();
    told.sort();
    let mut members = vec![app.user_id("jiwei").await, app.user_id("fupin").await];
    members.sort();
    assert_eq!(told, members);
    assert_eq!(
        post(&fupin, &format!("/api/supervision/findings/{id}/recheck"), json!({ "result": "pass", "note": "已补开" }))
            .await
            .0,
        204
    );

    // The work paper of 双江镇 and the round's summary as PDFs, for the team; the summary for the village too.
    let paper = pdf_text(&jiwei, &format!("/prints/supervision/{round}/units/{TOWNSHIP_A}/workpaper.pdf")).await;
    let joined: String = paper.lines().collect();
    assert!(joined.contains("双江镇督查底稿") && joined.contains("核实情况"), "{paper}");
    tests::assert_snapshot("supervision-workpaper", &paper);
    let summary = pdf_text(&jiwei, &format!("/prints/supervision/{round}/summary.pdf")).await;
    let joined: String = summary.lines().collect();
    assert!(joined.contains("按期销号率") && joined.contains("100%") && joined.contains("已销号"), "{summary}");
    tests::assert_snapshot("supervision-summary", &summary);
    let status = |client: &Client, path: String| {
        let request = client.http.get(client.url(&path));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(&lianxi, format!("/prints/supervision/{round}/summary.pdf")).await, 200);
    assert_eq!(status(&far, format!("/prints/supervision/{round}/summary.pdf")).await, 404);
    assert_eq!(status(&lianxi, format!("/prints/supervision/{round}/units/{TOWNSHIP_A}/workpaper.pdf")).await, 404);

    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 200).await.unwrap();
    let count = |action: &str| records.iter().filter(|r| r.action == action).count();
    assert_eq!(
        (
            count("supervision.evidence_uploaded"),
            count("print.supervision_workpaper"),
            count("print.supervision_summary")
        ),
        (2, 1, 2)
    );
}
both_backends!(evidence_rechecks_and_prints, evidence_rechecks_and_prints);
