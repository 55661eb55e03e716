//! 交叉检查 at scale. First the draw itself at the size [Y] names for a large county: 20 townships × 2 villages ×
//! 40 households out of a frame of 1,000,000 households (20 townships of 10 villages of 5,000), computed and
//! verified in memory. Then, on the demo county of HOUSEHOLDS households (default 1,000,000; the small demo is
//! 300): next year's draw through the API (frame read from the register, stored, grants given), its verification,
//! and the pages of this year's check as the county office and the checked township open them. Prints the median,
//! best and worst of five runs; asserts nothing about time.
//!
//! `cargo bench -p tests --bench crosscheck` (`HOUSEHOLDS=300` for the small county)

use std::time::Instant;

use app::crosscheck::Stratum;
use app::crosscheck::service::draw::{Frame, FrameHousehold, FrameTownship, FrameVillage, compute};
use app::permissions::Role;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tests::bench::timed;
use tests::{COUNTY, TestApp};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

/// Median, best and worst in ms of five runs of `f`.
fn timed_in_memory(mut f: impl FnMut()) -> (f64, f64, f64) {
    let mut times: Vec<f64> = (0..5)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[2], times[0], times[4])
}

/// A frame of 20 townships of 10 villages of 5,000 households (40% monitored, 10% warning, the rest other),
/// two villages of each drawn.
fn large_frame() -> Frame {
    let townships = (1..=20)
        .map(|t| {
            let villages: Vec<String> = (201..211).map(|v| format!("500152{t:03}{v:03}")).collect();
            let drawn = villages
                .iter()
                .take(2)
                .map(|code| FrameVillage {
                    code: code.clone(),
                    households: (0..5_000)
                        .map(|h| FrameHousehold {
                            code: format!("{code}{h:06}"),
                            stratum: match h % 10 {
                                0..=3 => Stratum::Monitored,
                                4 => Stratum::Warning,
                                _ => Stratum::Other,
                            },
                        })
                        .collect(),
                })
                .collect();
            FrameTownship { code: format!("500152{t:03}000"), villages, drawn }
        })
        .collect();
    Frame { villages_per_township: 2, households_per_village: 40, strata_percent: [40, 20, 40], townships }
}

async fn run() {
    let frame = large_frame();
    let stored = serde_json::to_string(&frame).expect("frame");
    let (median, best, worst) = timed_in_memory(|| {
        let _ = compute("20261201", &frame);
    });
    println!(
        "draw of 20 townships × 2 villages × 40 households (frame of 20 × 10 × 5,000; 200,000 households in the drawn villages): median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms"
    );
    let drawn = compute("20261201", &frame);
    let (median, best, worst) = timed_in_memory(|| {
        let again: Frame = serde_json::from_str(&stored).expect("stored frame");
        assert_eq!(compute("20261201", &again), drawn);
        let _ = app::crosscheck::service::draw::frame_sha256(&stored);
    });
    println!(
        "its verification (read the stored frame, hash it, draw again, compare): median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms"
    );

    let app = tests::bench::demo_county().await;
    let office = app.signed_in("bench.fupin", &app.user("bench.fupin", Role::CountyOffice, COUNTY).await).await;
    let township =
        app.signed_in("bench.jingfa", &app.user("bench.jingfa", Role::TownshipStaff, "500152001000").await).await;
    let check = entities::cross_check::Entity::find().one(app.db()).await.expect("query").expect("the demo check");
    next_years_draw(&app, &office, check.year + 1).await;

    let runs = 5;
    let sheet = entities::cross_check_sheet::Entity::find()
        .filter(entities::cross_check_sheet::Column::HouseholdId.is_not_null())
        .one(app.db())
        .await
        .expect("query")
        .expect("a saved demo sheet");
    let lines = [
        ("check page (teams, pairing, the draw's lists)", &office, format!("/api/cross-checks/{}", check.id)),
        ("a saved household sheet", &township, format!("/api/cross-checks/units/{}/sheet", sheet.unit_id)),
        (
            "a township's problems",
            &township,
            format!("/api/cross-checks/{}/townships/{}/findings", check.id, sheet.township_code),
        ),
        ("scores and ranking", &office, format!("/api/cross-checks/{}/scores", check.id)),
        ("ranking as .xlsx", &office, format!("/api/cross-checks/{}/report.xlsx", check.id)),
        ("report PDF", &office, format!("/prints/cross-checks/{}/report.pdf", check.id)),
        ("filled sheet PDF", &township, format!("/prints/cross-checks/units/{}/sheet.pdf", sheet.unit_id)),
        (
            "a village's blank sheets PDF (40 households and the village)",
            &office,
            format!("/prints/cross-checks/{}/villages/{}/sheets.pdf", check.id, sheet.village_code),
        ),
    ];
    for (what, client, path) in lines {
        let (median, best, worst, bytes) = timed(client, &path, runs).await;
        println!("{what}: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms ({bytes} bytes)");
    }
}

/// Plan next year's check, form a team of each township's cross-checker, pair, and time the draw (once: a check
/// is drawn once) and its verification.
async fn next_years_draw(app: &TestApp, office: &tests::Client, year: i32) {
    let post = |path: String, body: serde_json::Value| async move {
        let response = office.http.post(office.url(&path)).json(&body).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json::<serde_json::Value>().await.unwrap_or_default())
    };
    app.policy(COUNTY, year, app::policy::presets::Preset::Tongnan2020).await;
    let form = json!({ "org_code": COUNTY, "year": year.to_string(), "title": format!("{year} 年交叉检查"),
        "window_start": format!("{year}-10-12T08:00"), "window_end": format!("{year}-10-16T18:00") });
    let (status, body) = post("/api/cross-checks".into(), form).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_i64().expect("check id");
    for code in ["001", "101", "102", "103"] {
        let user = app.user_id(&format!("z{code}.jiancha")).await.to_string();
        let team = json!({ "name": format!("{code} 检查组"), "members": [user.clone()], "leader_user_id": user });
        assert_eq!(post(format!("/api/cross-checks/{id}/teams"), team).await.0, 201);
    }
    assert_eq!(post(format!("/api/cross-checks/{id}/pairing"), json!({})).await.0, 204);
    let started = Instant::now();
    let (status, body) = post(format!("/api/cross-checks/{id}/draw"), json!({ "seed": "20271012" })).await;
    assert_eq!(status, 201, "{body}");
    println!(
        "next year's draw through the API (4 townships × 2 villages × 40 households, frame from the register): {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let (median, best, worst, _) = timed(office, &format!("/api/cross-checks/{id}/verification"), 5).await;
    println!("its verification through the API: median {median:.0} ms, best {best:.0} ms, worst {worst:.0} ms");
}
