//! Hostile input: text that used to panic the server and drop the connection (an ID number whose 17th
//! character is Chinese, an 18-byte search with a Chinese character), LIKE wildcards in a search, a
//! large body from a client who may not send warnings, and server functions answering a refusal with
//! its own status and a Chinese message.

use app::error::AppError;
use app::household_file::api::GetHouseholdFile;
use app::households::api::CreateHousehold;
use app::households::{HouseholdForm, HouseholdPage, MemberForm};
use app::permissions::Role;
use app::policy::presets::Preset;
use app::screening::ScreeningReport;
use app::screening::api::GetScreeningReport;
use sea_orm::{EntityTrait, PaginatorTrait};

use tests::both_backends;
use tests::{COUNTY, Client, GROUP_A1_1, TestApp, VILLAGE_A1};

/// 18 characters whose 17th is Chinese: a byte-counting split at 17 cut the character in two.
const CHINESE_IN_ID: &str = "1234567890123456中1";
/// 18 bytes whose 16th to 18th are one character: slicing the first 17 bytes cut it in two.
const CHINESE_IN_SEARCH: &str = "123456789012345中";
const ID_NOT_DIGITS: &str = "身份证号码前 17 位应为数字。";

fn member(name: &str, resident_id: &str, relation: &str) -> MemberForm {
    MemberForm {
        name: name.into(),
        resident_id: resident_id.into(),
        relation: relation.into(),
        labour_capacity: "普通劳动力".into(),
        health: "健康".into(),
        schooling: "非在校".into(),
        ..Default::default()
    }
}

async fn post_json(client: &Client, path: &str, body: &serde_json::Value) -> reqwest::Response {
    client.http.post(client.url(path)).header("origin", client.base.clone()).json(body).send().await.unwrap()
}

async fn search(client: &Client, q: &str) -> HouseholdPage {
    let response = client.http.get(client.url("/api/households")).query(&[("q", q)]).send().await.unwrap();
    assert_eq!(response.status(), 200, "q={q}");
    response.json().await.unwrap()
}

async fn text_that_used_to_panic_is_refused_in_chinese(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let cadre = app.signed_in("cunganbu", &app.user("cunganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let households = || entities::household::Entity::find().count(app.db());
    let before = households().await.unwrap();

    // A new household and a new member: the ID is refused, field named, in Chinese.
    let household = HouseholdForm {
        org_code: GROUP_A1_1.into(),
        address: "石桥村一组 8 号".into(),
        house_type: "砖混".into(),
        ..Default::default()
    };
    let body = serde_json::json!({ "household": household, "head": member("李四", CHINESE_IN_ID, "户主") });
    let (status, message) = tests::error_message(post_json(&cadre, "/api/households", &body).await).await;
    assert_eq!((status, message.as_str()), (422, ID_NOT_DIGITS));
    let body = serde_json::json!(member("张小明", CHINESE_IN_ID, "子"));
    let path = format!("/api/households/{code}/members");
    let (status, message) = tests::error_message(post_json(&cadre, &path, &body).await).await;
    assert_eq!((status, message.as_str()), (422, ID_NOT_DIGITS));

    // The same through the page's server function: 422, and the body is the app's own error.
    let head = [
        ("household[org_code]", GROUP_A1_1),
        ("household[address]", "石桥村一组 8 号"),
        ("household[house_type]", "砖混"),
        ("head[name]", "李四"),
        ("head[resident_id]", CHINESE_IN_ID),
        ("head[relation]", "户主"),
        ("head[labour_capacity]", "普通劳动力"),
        ("head[health]", "健康"),
        ("head[schooling]", "非在校"),
    ];
    let response = cadre.server_fn::<CreateHousehold>(&head).await;
    assert_eq!(response.status(), 422);
    let refused: AppError = response.json().await.unwrap();
    assert_eq!(refused.field_message("resident_id").as_deref(), Some(ID_NOT_DIGITS), "{refused:?}");

    // Searches find nothing instead of failing.
    for q in [CHINESE_IN_SEARCH, CHINESE_IN_ID] {
        let page = search(&cadre, q).await;
        assert_eq!((page.total, page.items.len()), (0, 0), "q={q}");
    }

    // An import file: the row is reported in Chinese and nothing is taken.
    let csv = format!(
        "户号,村组代码,家庭住址,联系电话,住房类型,姓名,身份证号,与户主关系,劳动能力,健康状况,在校情况,共同生活情况\n\
         A,{GROUP_A1_1},石桥村一组 3 号,,砖混,单雄信,{CHINESE_IN_ID},户主,普通劳动力,健康,非在校,\n"
    );
    let response = cadre
        .http
        .post(cadre.url("/api/imports/households"))
        .header("origin", cadre.base.clone())
        .header("x-file-name", "import.csv")
        .body(csv.clone())
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();
    assert!(text.contains(ID_NOT_DIGITS), "{text}");
    // The same file through the page's upload form: the page it lands on names the problem.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("农户.csv"));
    let response =
        cadre.http.post(cadre.url("/imports/households")).header("origin", cadre.base.clone()).multipart(form).send();
    let page = response.await.unwrap().text().await.unwrap();
    assert!(page.contains(ID_NOT_DIGITS), "{page}");

    // A department's warning: the report names the row's problem, and nothing is taken.
    let body = serde_json::json!({ "department": "health", "warnings": [
        { "resident_id": CHINESE_IN_ID, "name": "张建国", "description": "住院" }
    ]});
    let response = post_json(&fupin, "/api/screening/warnings", &body).await;
    let status = response.status();
    let report: ScreeningReport = response.json().await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(report.cases_opened, 0);
    let problems: Vec<&str> = report.errors.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(problems, [format!("身份证号：{ID_NOT_DIGITS}")], "{report:?}");
    // The same row as a file through the page's upload form: its batch reports it.
    let file = format!(
        "身份证号,姓名,预警类型,预警等级,预警内容,乡镇（街道）,村（社区）\n{CHINESE_IN_ID},张建国,医疗,,住院,,\n"
    );
    let form = reqwest::multipart::Form::new()
        .text("department", "health")
        .part("file", reqwest::multipart::Part::bytes(file.into_bytes()).file_name("预警.csv"));
    let response =
        fupin.http.post(fupin.url("/screening/upload")).header("origin", fupin.base.clone()).multipart(form).send();
    let landed = response.await.unwrap().url().path().to_string();
    let batch = landed.strip_prefix("/screening/batches/").unwrap_or_else(|| panic!("landed on {landed}"));
    let mut report: ScreeningReport =
        fupin.server_fn::<GetScreeningReport>(&[("id", batch)]).await.json().await.unwrap();
    for _ in 0..100 {
        if report.outcome != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        report = fupin.server_fn::<GetScreeningReport>(&[("id", batch)]).await.json().await.unwrap();
    }
    let problems: Vec<String> = report.errors.iter().map(|e| e.message.clone()).collect();
    assert_eq!(problems, [format!("身份证号：{ID_NOT_DIGITS}")], "{report:?}");

    assert_eq!(households().await.unwrap(), before, "nothing was registered");
    assert_eq!(cadre.get(&format!("/api/households/{code}")).await.status(), 200, "the server still serves");
}
both_backends!(text_that_used_to_panic_is_refused_in_chinese, text_that_used_to_panic_is_refused_in_chinese);

async fn like_wildcards_in_a_search_match_only_themselves(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.household(VILLAGE_A1, 1, "张三").await;
    let underscore = app.household(VILLAGE_A1, 2, "王_五").await;
    let cadre = app.signed_in("cunganbu", &app.user("cunganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let codes = |page: HouseholdPage| page.items.into_iter().map(|h| h.code).collect::<Vec<_>>();

    assert_eq!(codes(search(&cadre, "%").await), Vec::<String>::new(), "no name holds a %");
    for q in ["_", "王_"] {
        assert_eq!(codes(search(&cadre, q).await), [underscore.as_str()], "only the name with an underscore: {q}");
    }
    assert_eq!(codes(search(&cadre, "张%").await), Vec::<String>::new());
    assert_eq!(search(&cadre, "李秀").await.total, 2, "an ordinary search still finds both spouses");
}
both_backends!(like_wildcards_in_a_search_match_only_themselves, like_wildcards_in_a_search_match_only_themselves);

async fn warnings_from_a_client_who_may_not_send_them_are_refused_unread(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    // Not JSON at all (it never closes): read first, it would be refused as a malformed body instead.
    let junk = format!("{{\"department\": \"health\", \"warnings\": [{}", "{\"resident_id\": \"1\"},".repeat(10_000));
    let send = |client: &Client| {
        client
            .http
            .post(client.url("/api/screening/warnings"))
            .header("origin", client.base.clone())
            .header("content-type", "application/json")
            .body(junk.clone())
            .send()
    };

    let (status, message) = tests::error_message(send(&app.browser()).await.unwrap()).await;
    assert_eq!((status, message), (401, AppError::Unauthenticated.to_string()));
    let cadre = app.signed_in("cunganbu", &app.user("cunganbu", Role::VillageCadre, VILLAGE_A1).await).await;
    let (status, message) = tests::error_message(send(&cadre).await.unwrap()).await;
    assert_eq!((status, message), (403, AppError::Forbidden.to_string()));
    // A caller who may send warnings gets the body read, and refused as malformed.
    let fupin = app.signed_in("fupin", &app.user("fupin", Role::CountyOffice, COUNTY).await).await;
    let status = send(&fupin).await.unwrap().status();
    assert!(status.is_client_error() && status != 401 && status != 403, "{status}");
}
both_backends!(
    warnings_from_a_client_who_may_not_send_them_are_refused_unread,
    warnings_from_a_client_who_may_not_send_them_are_refused_unread
);

async fn server_functions_answer_a_refusal_with_its_status(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let code = app.household(VILLAGE_A1, 1, "张建国").await;
    let other_village = app.household(tests::VILLAGE_B1, 1, "李四").await;
    let cadre = app.signed_in("cunganbu", &app.user("cunganbu", Role::VillageCadre, VILLAGE_A1).await).await;

    let refusal = |response: reqwest::Response| async move {
        let status = response.status().as_u16();
        (status, response.json::<AppError>().await.unwrap())
    };
    assert_eq!(
        refusal(app.browser().server_fn::<GetHouseholdFile>(&[("code", &code)]).await).await,
        (401, AppError::Unauthenticated)
    );
    for missing in [other_village.as_str(), "50015210120199999"] {
        let response = cadre.server_fn::<GetHouseholdFile>(&[("code", missing)]).await;
        assert_eq!(refusal(response).await, (404, AppError::NotFound), "{missing}");
    }
    let response = cadre.server_fn::<GetHouseholdFile>(&[("code", &code)]).await;
    assert_eq!(response.status(), 200);
    let detail: app::households::HouseholdDetail = response.json().await.unwrap();
    assert_eq!(detail.summary.head_name, "张建国");
}
both_backends!(server_functions_answer_a_refusal_with_its_status, server_functions_answer_a_refusal_with_its_status);
