//! Department warnings against a large county: ROWS warnings (default 100,000) taken through the real
//! import (read the CSV, check every row, match by ID number, open or join cases with their events,
//! audit records and notices, keep unmatched rows, write the report) in one transaction, beside the raw
//! insert of the same rows into the same table. Prints figures; asserts nothing about time.
//!
//! `cargo bench -p tests --bench screening`: loads the demo county with HOUSEHOLDS households (default
//! 1,000,000) into a fresh SQLite file first, or uses the demo already loaded at BENCH_DATABASE_URL.

use std::time::Instant;

use app::screening::Department;
use app::screening::progress::Progress;
use app::screening::service::intake::read_file;
use app::screening::service::taking::{self, Begun, begin};
use app::time::Clock;
use entities::{app_user, household_member, screening_row};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let households = env_or("HOUSEHOLDS", 1_000_000);
    let rows = env_or("ROWS", 100_000) as usize;
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut settings = server::config::Settings::from_env().expect("settings");
    settings.data_dir = dir.path().to_path_buf();
    let reuse = std::env::var("BENCH_DATABASE_URL").ok();
    settings.database_url =
        reuse.clone().unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display()));
    let db = server::database::connect(&settings).await.expect("database");
    if reuse.is_none() {
        let started = Instant::now();
        let options = server::demo::DemoOptions { households, seed: 2026 };
        server::demo::load(&db, &options, app::time::SystemClock.now(), None, &mut std::io::sink())
            .await
            .expect("demo county");
        println!("demo county: {households} households loaded in {:.1} s", started.elapsed().as_secs_f64());
    }
    let registered = entities::household::Entity::find().count(&db).await.expect("count");
    println!(
        "database: {} ({registered} households)",
        if reuse.is_some() { "BENCH_DATABASE_URL" } else { "fresh SQLite file" }
    );

    // 95 % of the rows are registered people (spread over the register), 5 % are strangers.
    let members = household_member::Entity::find().count(&db).await.expect("count");
    let known = rows * 95 / 100;
    let step = (members / known.max(1) as u64).max(1);
    let ids: Vec<String> = household_member::Entity::find()
        .select_only()
        .column(household_member::Column::ResidentId)
        .order_by_asc(household_member::Column::Id)
        .into_tuple::<String>()
        .all(&db)
        .await
        .expect("members")
        .into_iter()
        .step_by(step as usize)
        .take(known)
        .collect();
    let mut csv = String::from("身份证号,姓名,预警类型,预警等级,预警内容\n");
    for (i, id) in ids.iter().enumerate() {
        let level = if i % 10 == 0 { "红色" } else { "一般" };
        csv.push_str(&format!("{id},某某,医疗,{level},2026年2月住院自付医疗费 {} 元\n", 10_000 + i));
    }
    let born = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).expect("date");
    for i in 0..rows - ids.len() {
        let birth = (born + chrono::Duration::days((i / 500) as i64)).format("%Y%m%d");
        let first17 = format!("500152{birth}{:03}", i % 500 * 2 + 1);
        let id = format!("{first17}{}", app::households::ResidentId::check_char(&first17).expect("digits"));
        csv.push_str(&format!("{id},外来人员,医疗,一般,门诊自付 {i} 元\n"));
    }
    let bytes = csv.into_bytes();
    println!("file: {rows} rows, {:.1} MB", bytes.len() as f64 / 1e6);

    let user =
        app_user::Entity::find().filter(app_user::Column::Username.eq("bm.yibao")).one(&db).await.expect("query");
    let now = chrono::Utc::now();
    let caller =
        app::auth::session::load_caller(&db, user.expect("the demo's 医保 user").id, now).await.expect("caller");
    let ctx = app::request::RequestContext { caller: caller.map(std::sync::Arc::new), ..Default::default() };

    let started = Instant::now();
    let prepared = read_file(&bytes, "bench.csv", Department::MedicalInsurance).expect("file");
    let read = started.elapsed();
    let job = match begin(&db, now, &ctx, prepared).await.expect("begin") {
        Begun::Run(job) => job,
        Begun::Done(report) => panic!("the file should be clean and new: {:?}", report.errors.first()),
    };
    let report = taking::run(&db, now, *job, &Progress::default()).await.expect("import");
    let total = started.elapsed();
    println!(
        "import:     {rows} rows in {:.1} s = {:>8.0} rows/s  (reading and checking the file {:.2} s; cases opened {}, joined {}, unmatched {})",
        total.as_secs_f64(),
        rows as f64 / total.as_secs_f64(),
        read.as_secs_f64(),
        report.cases_opened,
        report.cases_updated,
        report.unmatched
    );

    // The same rows inserted as they are, in one transaction, 1,000 per statement.
    let taken = screening_row::Entity::find().all(&db).await.expect("rows");
    let started = Instant::now();
    let tx = app::db::begin_write(&db).await.expect("tx");
    for chunk in taken.chunks(1000) {
        let copies = chunk.iter().map(|r| screening_row::ActiveModel {
            batch_id: Set(r.batch_id),
            department: Set("bench_raw".into()),
            row_key: Set(r.row_key.clone()),
            row_number: Set(r.row_number),
            resident_id: Set(r.resident_id.clone()),
            name: Set(r.name.clone()),
            risk_type: Set(r.risk_type.clone()),
            red_alert: Set(r.red_alert),
            description: Set(r.description.clone()),
            org_code: Set(r.org_code.clone()),
            household_id: Set(r.household_id),
            case_id: Set(r.case_id),
            outcome: Set(r.outcome.clone()),
            created_at: Set(r.created_at),
            ..Default::default()
        });
        screening_row::Entity::insert_many(copies).exec(&tx).await.expect("raw insert");
    }
    tx.commit().await.expect("commit");
    let raw = started.elapsed();
    println!(
        "raw insert: {} rows in {:.1} s = {:>8.0} rows/s  (the same rows, no checks, no cases)",
        taken.len(),
        raw.as_secs_f64(),
        taken.len() as f64 / raw.as_secs_f64()
    );
}
