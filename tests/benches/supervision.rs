//! 专项督查 on a county of HOUSEHOLDS households (default 1,000,000; the small demo is 300): the work paper
//! (督查底稿) of a covered township as data and as a PDF, the round's page data (the summary per unit, the
//! findings with their evidence, the follow-up), the summary PDF and 举一反三 of a closed finding over the whole
//! county, each through the real API as the county's discipline team. Prints the median, best and worst of five runs;
//! asserts nothing about time.
//!
//! `cargo bench -p tests --bench supervision` (`HOUSEHOLDS=300` for the small county)

use app::permissions::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tests::COUNTY;
use tests::bench::timed;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let app = tests::bench::demo_county().await;
    let jiwei = app.signed_in("bench.jiwei", &app.user("bench.jiwei", Role::DisciplineTeam, COUNTY).await).await;
    let round = entities::supervision_round::Entity::find()
        .filter(entities::supervision_round::Column::Status.eq("rectifying"))
        .one(app.db())
        .await
        .expect("query")
        .expect("the demo round");
    let covered: Vec<String> = serde_json::from_str(&round.units).expect("units");
    let township = covered.first().expect("a covered township");
    let runs = 5;
    let paper = format!("/api/supervision/rounds/{}/units/{township}/workpaper", round.id);
    let (median, best, worst, bytes) = timed(&jiwei, &paper, runs).await;
    println!("work paper of a township: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms ({bytes} bytes)");
    let page = format!("/api/supervision/rounds/{}", round.id);
    let (median, best, worst, bytes) = timed(&jiwei, &page, runs).await;
    println!(
        "round summary and findings: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms ({bytes} bytes)"
    );
    let (median, best, worst, _) = timed(&jiwei, "/api/supervision/rounds", runs).await;
    println!("list of rounds: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms");
    let pdf = format!("/prints/supervision/{}/units/{township}/workpaper.pdf", round.id);
    let (median, best, worst, bytes) = timed(&jiwei, &pdf, runs).await;
    println!("work paper PDF: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms ({bytes} bytes)");
    let pdf = format!("/prints/supervision/{}/summary.pdf", round.id);
    let (median, best, worst, bytes) = timed(&jiwei, &pdf, runs).await;
    println!("summary PDF: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms ({bytes} bytes)");
    for item in ["风险案件按期核实办结", "走访记录按频次完整"] {
        let closed = entities::supervision_finding::Entity::find()
            .filter(entities::supervision_finding::Column::Item.eq(item))
            .filter(entities::supervision_finding::Column::Status.is_in(["closed", "corrected_on_spot"]))
            .one(app.db())
            .await
            .expect("query")
            .expect("a closed demo finding of the item");
        let similar = format!("/api/supervision/findings/{}/similar", closed.id);
        let (median, best, worst, _) = timed(&jiwei, &similar, runs).await;
        println!("举一反三 over the county ({item}): median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms");
    }
}
