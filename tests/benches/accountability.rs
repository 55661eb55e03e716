//! 问责与考核 at scale, on the demo county of HOUSEHOLDS households (default 1,000,000; the small demo is 300): the
//! candidates for the whole county over the half-year as the county's discipline team asks for them, computing the
//! year's assessment of every township and village (once a year, at the county office), and the table, a unit's
//! facts, the vetoes and the exports as their users open them. Prints the median, best and worst of five runs;
//! asserts nothing about time.
//!
//! `cargo bench -p tests --bench accountability` (`HOUSEHOLDS=300` for the small county)

use std::time::Instant;

use app::permissions::Role;
use sea_orm::EntityTrait;
use tests::COUNTY;
use tests::bench::timed;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let app = tests::bench::demo_county().await;
    let office = app.signed_in("bench.fupin", &app.user("bench.fupin", Role::CountyOffice, COUNTY).await).await;
    let jiwei = app.signed_in("bench.jiwei", &app.user("bench.jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let veto = entities::assessment_veto::Entity::find().one(app.db()).await.expect("query").expect("the demo veto");
    let year = veto.year;
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let response = office.http.post(office.url(&format!("/api/assessments/{year}/computation"))).send().await;
        assert_eq!(response.expect("request").status(), 201);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "computing the county's {year} assessment (every township and village, stored): median {:.0} ms, best {:.0} ms, worst {:.0} ms",
        times[1], times[0], times[2]
    );
    let township = format!("{}000", &veto.org_code[..9]);
    let lines = [
        (
            "candidates of the whole county, this half-year",
            &jiwei,
            format!("/api/accountability/candidates?area={COUNTY}"),
        ),
        ("assessment table (townships)", &office, format!("/api/assessments/{year}")),
        (
            "assessment table with a township's villages",
            &office,
            format!("/api/assessments/{year}?township={township}"),
        ),
        ("a village's assessment with its facts", &jiwei, format!("/api/assessments/{year}/units/{}", veto.org_code)),
        ("vetoes of the year", &jiwei, format!("/api/assessments/{year}/vetoes")),
        ("a veto", &jiwei, format!("/api/vetoes/{}", veto.id)),
        ("assessment table as .xlsx (every unit)", &office, format!("/api/assessments/{year}/table.xlsx")),
        ("assessment table PDF (every unit)", &office, format!("/prints/assessments/{year}/table.pdf")),
        ("veto decision PDF", &jiwei, format!("/prints/assessments/vetoes/{}/decision.pdf", veto.id)),
    ];
    for (what, client, path) in lines {
        let (median, best, worst, bytes) = timed(client, &path, 5).await;
        println!("{what}: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms ({bytes} bytes)");
    }
}
