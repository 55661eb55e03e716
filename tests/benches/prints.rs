//! Printing a village's month of visit sheets: SHEETS households (default 40, the cross-check sample of
//! one village) due a visit, printed as one PDF through the real route (scope check, data gathering,
//! layout in the print engine, font subsetting). Prints the time per run and the bytes per page;
//! checks that every household's sheet is in the PDF and that qpdf passes it, asserts nothing about time.
//!
//! `cargo bench -p tests --bench prints`

use std::time::Instant;

use app::permissions::Role;
use app::policy::presets::Preset;
use tests::{Backend, COUNTY, Pdf, TestApp, VILLAGE_A1};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let sheets: u32 = std::env::var("SHEETS").ok().and_then(|v| v.parse().ok()).unwrap_or(40);
    let runs = 5;
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    app.policy(COUNTY, 2026, Preset::Fujian2021).await;
    let mut codes = Vec::new();
    for n in 1..=sheets {
        let code = app.household(VILLAGE_A1, n, &format!("户主{n}")).await;
        app.members(&code, n % 5).await;
        codes.push(code);
    }
    let shuji = app.signed_in("shuji", &app.user("shuji", Role::VillageSecretary, VILLAGE_A1).await).await;
    let path = format!("/prints/villages/{VILLAGE_A1}/visit-sheets.pdf?month=2026-03");

    let mut times = Vec::new();
    let mut last = Vec::new();
    for run in 0..=runs {
        let started = Instant::now();
        let response = shuji.get(&path).await;
        assert_eq!(response.status(), 200, "the batch prints");
        last = response.bytes().await.expect("body").to_vec();
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        if run > 0 {
            times.push(elapsed); // the first run warms the font and template caches
        }
    }
    times.sort_by(f64::total_cmp);
    let pdf = Pdf::from(last);
    pdf.qpdf_check();
    let text = pdf.text();
    let missing: Vec<&String> = codes.iter().filter(|code| !text.contains(code.as_str())).collect();
    assert!(missing.is_empty(), "every household due has its sheet; missing: {missing:?}");
    let pages = pdf.pages();
    println!("visit sheets: {sheets} households, {pages} A4 pages in one PDF");
    println!(
        "time per batch over {runs} runs: median {:.0} ms, best {:.0} ms, worst {:.0} ms ({:.1} ms per sheet, {:.1} ms per page)",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1],
        times[times.len() / 2] / f64::from(sheets),
        times[times.len() / 2] / pages.max(1) as f64
    );
    println!("size: {} bytes, {} bytes per page", pdf.len(), pdf.len() / pages.max(1));
}
