//! Spreadsheets through the app: importing households from CSV (UTF-8 and GBK) and .xlsx with a
//! row-by-row report, all or nothing, the same file twice changing nothing; exporting the ledgers and
//! rosters as real .xlsx files with ID numbers as text, masked for roles that may not see them.

use app::permissions::Role;
use app::policy::presets::Preset;
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use sea_orm::{EntityTrait, PaginatorTrait};

use tests::both_backends;
use tests::{COUNTY, Client, GROUP_A1_1, TestApp, VILLAGE_A1, VILLAGE_B1};

const HEADER: &str =
    "户号,村组代码,家庭住址,联系电话,住房类型,姓名,身份证号,与户主关系,劳动能力,健康状况,在校情况,共同生活情况";

fn id(birth: &str, seq: u32) -> String {
    let first17 = format!("500152{birth}{seq:03}");
    format!("{first17}{}", app::households::ResidentId::check_char(&first17).unwrap())
}

fn wrong_check_digit(id: &str) -> String {
    let last = if id.ends_with('1') { '2' } else { '1' };
    format!("{}{last}", &id[..17])
}

async fn upload(client: &Client, name: &str, bytes: Vec<u8>) -> (u16, serde_json::Value) {
    let response = client
        .http
        .post(client.url("/api/imports/households"))
        .header("x-file-name", name)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn households(app: &TestApp) -> u64 {
    entities::household::Entity::find().count(app.db()).await.unwrap()
}

fn good_csv() -> String {
    format!(
        "{HEADER}\n\
         A,{GROUP_A1_1},石桥村一组 3 号,13800001234,土坯房,单雄信,{},户主,普通劳动力,健康,非在校,\n\
         A,,,,,曾小燕,{},配偶,弱劳动力,长期慢性病,非在校,\n\
         B,{VILLAGE_A1},石桥村 9 号,,砖混,王德明,{},户主,丧失劳动力,残疾,非在校,户在人不在：在重庆务工\n",
        id("19700101", 11),
        id("19720202", 22),
        id("19500505", 33)
    )
}

async fn import_csv_gbk_twice_and_search(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Tongnan2020).await;
    let xinxi = app.signed_in("xinxi", &app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await).await;
    let before = households(&app).await;
    let text = good_csv();
    let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
    let (status, report) = upload(&xinxi, "%E5%86%9C%E6%88%B7.csv", gbk.to_vec()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["outcome"], "applied", "{report}");
    assert_eq!(report["encoding"], "GB18030");
    assert_eq!(report["file_name"], "农户.csv");
    assert_eq!(report["households_created"], 2);
    assert_eq!(report["members_created"], 3);
    assert_eq!(households(&app).await, before + 2);

    // The same file again changes nothing.
    let (_, again) = upload(&xinxi, "农户.csv", gbk.to_vec()).await;
    assert_eq!(again["outcome"], "duplicate");
    assert_eq!(households(&app).await, before + 2);
    // The same people in a new file are skipped, not duplicated.
    let (_, utf8) = upload(&xinxi, "again.csv", good_csv().into_bytes()).await;
    assert_eq!(utf8["outcome"], "applied", "{utf8}");
    assert_eq!(utf8["skipped"].as_array().unwrap().len(), 3);
    assert_eq!(households(&app).await, before + 2);

    // Imported people are found by pinyin initials with the surname's own reading (单 Shàn).
    let page: serde_json::Value = xinxi.get("/api/households?q=sxx").await.json().await.unwrap();
    assert_eq!(page["items"][0]["head_name"], "单雄信");
    let code = page["items"][0]["code"].as_str().unwrap().to_string();
    let detail: serde_json::Value = xinxi.get(&format!("/api/households/{code}")).await.json().await.unwrap();
    assert_eq!(detail["members"].as_array().unwrap().len(), 2);
    let flags = detail["risk"]["evaluation"]["flags"].to_string();
    assert!(flags.contains("唯一住房为土坯房"), "{flags}");
    assert_eq!(detail["history"][0]["action_label"], "导入农户");
}
both_backends!(import_csv, import_csv_gbk_twice_and_search);

async fn a_file_with_bad_rows_imports_nothing(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let xinxi = app.signed_in("xinxi", &app.user("xinxi", Role::InfoOfficer, VILLAGE_A1).await).await;
    let before = households(&app).await;
    let csv = format!(
        "{HEADER}\n\
         A,{GROUP_A1_1},石桥村一组 3 号,13800001234,砖混,张三,{},户主,普通劳动力,健康,非在校,\n\
         A,,,,,李四,{},配偶,普通劳动力,健康,非在校,\n\
         B,{VILLAGE_A1},石桥村 9 号,,砖混,王五,{},子,普通劳动力,健康,非在校,\n\
         C,{VILLAGE_B1},外村 1 号,,砖混,赵六,{},户主,普通劳动力,健康,非在校,\n\
         D,{GROUP_A1_1},石桥村一组 5 号,12345,砖混,钱七,{},户主,普通劳动力,健康,非在校,\n",
        id("19700101", 11),
        wrong_check_digit(&id("19710101", 15)),
        id("19800101", 12),
        id("19900101", 13),
        id("19600101", 14)
    );
    let (status, report) = upload(&xinxi, "bad.csv", csv.into_bytes()).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["outcome"], "rejected");
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["message"].as_str().unwrap().to_string()))
        .collect();
    let rows: Vec<u64> = errors.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows, vec![3, 4, 5, 6], "{errors:?}");
    assert!(errors[0].1.contains("校验位"), "{errors:?}");
    assert!(errors[1].1.contains("没有“与户主关系”为“户主”"), "{errors:?}");
    assert!(errors[2].1.contains("不在您的管理范围内"), "{errors:?}");
    assert!(errors[3].1.contains("联系电话"), "{errors:?}");
    assert_eq!(households(&app).await, before, "nothing half-imported");

    // The upload form redirects to the report page.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(good_csv().into_bytes()).file_name("农户.csv"));
    let response =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let _ = response;
    let posted = xinxi
        .http
        .post(xinxi.url("/imports/households"))
        .header("origin", xinxi.base.clone())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200, "the redirect lands on the report page");
    assert!(posted.url().path().starts_with("/imports/"), "{}", posted.url());
    let page = posted.text().await.unwrap();
    assert!(page.contains("导入结果") && page.contains("已导入"), "the report renders");
}
both_backends!(bad_rows, a_file_with_bad_rows_imports_nothing);

async fn xlsx_in_and_out(backend: tests::Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Huoshan2020).await;
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let jiwei = app.signed_in("jiwei", &app.user("jiwei", Role::DisciplineTeam, COUNTY).await).await;

    // An operator's workbook: one ID typed as a number (Excel kept only 15 digits).
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (i, h) in HEADER.split(',').enumerate() {
        sheet.write_string(0, i as u16, h).unwrap();
    }
    let head_id = id("19700101", 11);
    let row1 = [
        "1",
        GROUP_A1_1,
        "石桥村一组 3 号",
        "",
        "砖混",
        "张建国",
        head_id.as_str(),
        "户主",
        "普通劳动力",
        "健康",
        "非在校",
        "",
    ];
    for (i, v) in row1.iter().enumerate() {
        sheet.write_string(1, i as u16, *v).unwrap();
    }
    let row2 = ["1", "", "", "", "", "张小红", "", "女", "无劳动力", "健康", "小学", ""];
    for (i, v) in row2.iter().enumerate() {
        sheet.write_string(2, i as u16, *v).unwrap();
    }
    sheet.write_number(2, 6, 500152201505050026.0).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let (_, report) = upload(&shuji, "book.xlsx", bytes).await;
    assert_eq!(report["outcome"], "rejected", "{report}");
    assert_eq!(report["errors"][0]["row"], 3);
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("存成了数字"), "{report}");

    // Households of Huoshan's classes, exported.
    let edge = app.household(VILLAGE_A1, 1, "张建国").await;
    let far = app.household(VILLAGE_B1, 2, "刘志成").await;
    {
        use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
        entities::household::Entity::update_many()
            .col_expr(entities::household::Column::MonitoringClass, Expr::value("边缘户"))
            .filter(entities::household::Column::Code.is_in([edge.clone(), far.clone()]))
            .exec(app.db())
            .await
            .unwrap();
    }
    let download = |client: &Client, path: &'static str| {
        let http = client.http.clone();
        let url = client.url(path);
        async move {
            let response = http.get(url).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert!(response.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
            let bytes = response.bytes().await.unwrap();
            let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
            let range = book.worksheet_range_at(0).unwrap().unwrap();
            range.rows().map(|r| r.to_vec()).collect::<Vec<Vec<Data>>>()
        }
    };
    let rows = download(&shuji, "/api/exports/edge-survey").await;
    assert!(matches!(&rows[0][0], Data::String(t) if t.starts_with("边缘户摸底表")));
    assert_eq!(rows[1][8], Data::String("身份证号".into()));
    assert_eq!(rows.len(), 4, "title, header and the two members of the village's one edge household");
    let Data::String(full) = &rows[2][8] else { panic!("IDs are text: {:?}", rows[2][8]) };
    assert_eq!(full.len(), 18, "the Party secretary sees full numbers");
    assert!(rows.iter().all(|r| r[4] != Data::String(far.clone())), "another village is not exported");

    let rows = download(&jiwei, "/api/exports/edge-survey").await;
    assert_eq!(rows.len(), 6, "the county-level team sees both villages");
    let Data::String(masked) = &rows[2][8] else { panic!() };
    assert!(masked.contains("**********"), "the discipline team sees masked numbers: {masked}");

    // Which classes a roster lists is the policy's: Ganzhou's 贫困边缘户 are Huoshan's 边缘户 [H][G].
    app.policy(COUNTY, 2026, Preset::Ganzhou2020).await;
    {
        use sea_orm::{ColumnTrait, QueryFilter, sea_query::Expr};
        entities::household::Entity::update_many()
            .col_expr(entities::household::Column::MonitoringClass, Expr::value("贫困边缘户"))
            .filter(entities::household::Column::Code.is_in([edge.clone(), far.clone()]))
            .exec(app.db())
            .await
            .unwrap();
    }
    let rows = download(&jiwei, "/api/exports/edge-survey").await;
    assert_eq!(rows.len(), 6, "Ganzhou's 贫困边缘户 are on the 边缘户 roster");
    let rows = download(&jiwei, "/api/exports/monitored-survey").await;
    assert_eq!(rows.len(), 3, "title, header and the line saying why it is empty: no 脱贫监测户");
    assert_eq!(rows[2][0], Data::String("（无符合条件的农户）".into()));

    let ledger = download(&shuji, "/api/exports/monitoring-ledger").await;
    assert_eq!(ledger[1][12], Data::String("主要风险".into()));
    let records = app::audit::service::recent(app.db(), sea_orm::Condition::all(), true, 50).await.unwrap();
    assert_eq!(records.iter().filter(|r| r.action == "export.downloaded").count(), 5);
}
both_backends!(xlsx, xlsx_in_and_out);
