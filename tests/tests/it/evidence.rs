//! Evidence on cases: a phone photo with its EXIF orientation, documents, the size limit, content
//! that lies about its type, path tricks in names, scope, withdrawal with a reason, and the case
//! page's upload form.

use app::cases::api::{CreateCase, GetCase};
use app::evidence::api::WithdrawEvidence;
use app::permissions::Role;
use app::policy::presets::Preset;
use reqwest::multipart::{Form, Part};
use sha2::{Digest, Sha256};

use tests::both_backends;
use tests::{COUNTY, Client, TestApp, VILLAGE_A1, VILLAGE_B1};

/// A 60×30 JPEG whose EXIF says "rotate 90° clockwise to show" (orientation 6), as phones write them.
fn sideways_photo() -> Vec<u8> {
    let image = image::RgbImage::from_fn(60, 30, |x, _| image::Rgb([(x * 4) as u8, 90, 160]));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&image).unwrap();
    // APP1 "Exif": a big-endian TIFF header and one IFD entry: Orientation (0x0112), SHORT, 1, value 6.
    let tiff: Vec<u8> = [
        b"MM\x00\x2a\x00\x00\x00\x08".as_slice(),
        b"\x00\x01",
        b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00",
        b"\x00\x00\x00\x00",
    ]
    .concat();
    let payload = [b"Exif\x00\x00".as_slice(), &tiff].concat();
    let length = (payload.len() + 2) as u16;
    [&jpeg[..2], b"\xff\xe1", &length.to_be_bytes(), &payload, &jpeg[2..]].concat()
}

fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

async fn upload(client: &Client, case_id: &str, attach: &str, files: Vec<(&str, Vec<u8>)>) -> reqwest::Response {
    let mut form = Form::new().text("attach", attach.to_string());
    for (name, bytes) in files {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_string()));
    }
    client
        .http
        .post(client.url(&format!("/api/cases/{case_id}/evidence")))
        .header("origin", client.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn case(client: &Client, id: &str) -> serde_json::Value {
    client.server_fn::<GetCase>(&[("id", id)]).await.json().await.unwrap()
}

async fn evidence_of_a_case(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let other_pw = app.user("dafo", Role::MonitoringContact, VILLAGE_B1).await;
    let shuji_pw = app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await;
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let created = lianxi
        .server_fn::<CreateCase>(&[
            ("form[household]", code.as_str()),
            ("form[source]", "visit"),
            ("form[risk_type]", "housing"),
            ("form[description]", "房屋墙体开裂"),
        ])
        .await;
    let id = created.text().await.unwrap();
    let create_event = case(&lianxi, &id).await["events"][0]["id"].as_i64().unwrap();

    // A phone photo, attached to the registration step, and a PDF named with a path trick.
    let photo = sideways_photo();
    let response = upload(
        &lianxi,
        &id,
        &format!("step:{create_event}"),
        vec![("IMG_0001.jpg", photo.clone()), ("../../x", pdf_bytes())],
    )
    .await;
    assert_eq!(response.status(), 201);
    let ids: Vec<i64> = response.json::<serde_json::Value>().await.unwrap()["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    let c = case(&lianxi, &id).await;
    let items = c["evidence"].as_array().unwrap();
    assert_eq!(items[0]["mime"], "image/jpeg");
    assert_eq!(items[0]["attached_to"], "步骤：登记");
    assert_eq!(items[0]["has_thumbnail"], true);
    assert_eq!(items[1]["file_name"], "x", "only the last part of a name is kept");
    assert_eq!(items[1]["mime"], "application/pdf");
    assert_eq!(items[0]["sha256"], hex::encode(Sha256::digest(&photo)));
    // Stored by hash inside the evidence directory; nothing lands where the name pointed.
    let sha = items[1]["sha256"].as_str().unwrap();
    assert!(app.settings.evidence_dir.join(&sha[..2]).join(&sha[2..4]).join(sha).is_file());
    assert!(!app.settings.evidence_dir.join("../../x").exists() && !app.settings.evidence_dir.join("../x").exists());

    // The photo comes back byte for byte; its thumbnail is upright (taller than wide).
    let file = lianxi.get(&format!("/evidence/{}", ids[0])).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    assert_eq!(file.bytes().await.unwrap().as_ref(), photo.as_slice());
    let thumb = lianxi.get(&format!("/evidence/{}/thumbnail", ids[0])).await;
    assert_eq!(thumb.status(), 200);
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert!(thumb.height() > thumb.width(), "EXIF orientation 6 applied: {}x{}", thumb.width(), thumb.height());

    // HTML named as a PDF, an empty upload, a measure of another case: refused with reasons.
    let response =
        upload(&lianxi, &id, "", vec![("报告.pdf", b"<!DOCTYPE html><script>alert(1)</script>".to_vec())]).await;
    let (status, message) = tests::error_message(response).await;
    assert_eq!(status, 422);
    assert!(message.contains("只能上传照片"), "{message}");
    let (_, message) =
        tests::error_message(upload(&lianxi, &id, "measure:999", vec![("a.pdf", pdf_bytes())]).await).await;
    assert!(message.contains("所选帮扶措施不属于该案件"), "{message}");
    // Over the 20 MB limit: refused, and no temporary file is left behind.
    let mut big = pdf_bytes();
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let (status, message) = tests::error_message(upload(&lianxi, &id, "", vec![("扫描件.pdf", big)]).await).await;
    assert_eq!(status, 422);
    assert!(message.contains("超过 20 MB"), "{message}");
    let leftovers = std::fs::read_dir(app.settings.evidence_dir.join("incoming")).unwrap().count();
    assert_eq!(leftovers, 0, "temporary files are removed");
    assert_eq!(case(&lianxi, &id).await["evidence"].as_array().unwrap().len(), 2, "nothing recorded by refusals");

    // Another village's contact sees none of it and cannot add to it.
    let other = app.signed_in("dafo", &other_pw).await;
    assert_eq!(other.get(&format!("/evidence/{}", ids[0])).await.status(), 404);
    assert_eq!(other.get(&format!("/evidence/{}/thumbnail", ids[0])).await.status(), 404);
    assert_eq!(upload(&other, &id, "", vec![("a.pdf", pdf_bytes())]).await.status(), 404);
    let refused = other.server_fn::<WithdrawEvidence>(&[("id", &ids[1].to_string()), ("reason", "误传")]).await;
    assert!(refused.text().await.unwrap().contains("NotFound"));
    assert_eq!(app.browser().get(&format!("/evidence/{}", ids[0])).await.status(), 401, "signed out");

    // Withdrawal needs a reason, keeps the file, and shows in the history and the audit log.
    let no_reason = lianxi.server_fn::<WithdrawEvidence>(&[("id", &ids[1].to_string()), ("reason", " ")]).await;
    assert!(no_reason.text().await.unwrap().contains("请写明撤回的原因"));
    let shuji = app.signed_in("shuji", &shuji_pw).await;
    let done = shuji.server_fn::<WithdrawEvidence>(&[("id", &ids[1].to_string()), ("reason", "传错了户")]).await;
    assert_eq!(done.status(), 200);
    let c = case(&lianxi, &id).await;
    assert_eq!(c["evidence"][1]["withdrawn"]["reason"], "传错了户");
    assert_eq!(c["evidence"][1]["may_withdraw"], false);
    let last = c["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action_label"], "撤回佐证资料");
    assert_eq!(lianxi.get(&format!("/evidence/{}", ids[1])).await.status(), 200, "never deleted");
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 100).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action == "evidence.uploaded").count(), 2);
    assert_eq!(records.iter().filter(|r| r.action == "evidence.withdrawn").count(), 1);

    // The case page's form: an empty camera field plus a chosen file, and a refused file.
    let no_redirects =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form_client = Client { http: no_redirects, base: lianxi.base.clone() };
    assert_eq!(form_client.login("lianxi", &lianxi_pw).await.status(), 200);
    let post = |files: Vec<(&'static str, Vec<u8>)>| {
        let mut form = Form::new().text("attach", "");
        for (name, bytes) in files {
            form = form.part("file", Part::bytes(bytes).file_name(name));
        }
        form_client
            .http
            .post(form_client.url(&format!("/cases/{id}/evidence")))
            .header("origin", form_client.base.clone())
            .multipart(form)
            .send()
    };
    let ok = post(vec![("", Vec::new()), ("照片.jpg", sideways_photo())]).await.unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers()["location"], format!("/cases/{id}?uploaded=1#evidence"));
    let bad = post(vec![("a.pdf", b"MZ\x90\x00 not a pdf".to_vec())]).await.unwrap();
    let location = bad.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&format!("/cases/{id}?upload_error=")), "{location}");
    let page = lianxi.get(&location).await.text().await.unwrap();
    assert!(page.contains("只能上传照片"), "the page shows why the upload was refused");
}

both_backends!(evidence_of_a_case, evidence_of_a_case);

/// With `EVIDENCE_S3_URL` set, files go to the bucket (none to the local directory) and come back
/// byte for byte, thumbnails included: what several instances behind a load balancer share.
async fn evidence_in_an_object_store(backend: tests::Backend) {
    let s3 = tests::S3Server::start().await;
    let config = s3.config("county");
    let app = TestApp::spawn_with(backend, |settings| settings.evidence_s3 = Some(config)).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let lianxi_pw = app.user("lianxi", Role::MonitoringContact, VILLAGE_A1).await;
    let lianxi = app.signed_in("lianxi", &lianxi_pw).await;
    let created = lianxi
        .server_fn::<CreateCase>(&[
            ("form[household]", code.as_str()),
            ("form[source]", "visit"),
            ("form[risk_type]", "housing"),
            ("form[description]", "房屋墙体开裂"),
        ])
        .await;
    let id = created.text().await.unwrap();
    let photo = sideways_photo();
    let response = upload(&lianxi, &id, "", vec![("IMG_0002.jpg", photo.clone()), ("鉴定.pdf", pdf_bytes())]).await;
    assert_eq!(response.status(), 201);
    let ids: Vec<i64> = response.json::<serde_json::Value>().await.unwrap()["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let sha = hex::encode(Sha256::digest(&photo));
    let mut keys = s3.keys().await;
    keys.sort();
    let photo_key = format!("county/{}/{}/{sha}", &sha[..2], &sha[2..4]);
    assert!(keys.contains(&photo_key), "{keys:?}");
    assert!(keys.contains(&format!("{photo_key}.thumb.jpg")), "{keys:?}");
    assert_eq!(keys.len(), 3, "the photo, its thumbnail and the PDF: {keys:?}");
    assert!(!app.settings.evidence_dir.join(&sha[..2]).exists(), "nothing kept locally");
    let file = lianxi.get(&format!("/evidence/{}", ids[0])).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap().as_ref(), photo.as_slice());
    let thumb = lianxi.get(&format!("/evidence/{}/thumbnail", ids[0])).await;
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert!(thumb.height() > thumb.width());
    // The same photo again is stored once.
    let again = upload(&lianxi, &id, "", vec![("IMG_0002 (1).jpg", photo.clone())]).await;
    assert_eq!(again.status(), 201);
    assert_eq!(s3.keys().await.len(), 3);
}

both_backends!(evidence_in_an_object_store, evidence_in_an_object_store);
