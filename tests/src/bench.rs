//! What the benchmarks share: timing a request as a user's browser makes it.

use std::time::Instant;

/// Median, best and worst in ms of `runs` timed GETs of `path` (after one to warm up), and the body's size.
pub async fn timed(client: &crate::Client, path: &str, runs: usize) -> (f64, f64, f64, usize) {
    let mut times = Vec::new();
    let mut bytes = 0;
    for run in 0..=runs {
        let started = Instant::now();
        let response = client.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        bytes = response.bytes().await.expect("body").len();
        if run > 0 {
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], times[0], times[times.len() - 1], bytes)
}

/// A fresh app on SQLite with the demo county of `HOUSEHOLDS` households (default 1,000,000; the small demo is 300)
/// generated around today, its clock reading today; prints how long the load took.
pub async fn demo_county() -> crate::TestApp {
    use app::time::Clock;
    let households: u64 = std::env::var("HOUSEHOLDS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let app = crate::TestApp::spawn(crate::Backend::Sqlite).await;
    app.clock.set(app::time::SystemClock.now());
    let started = Instant::now();
    let options = server::demo::DemoOptions { households, seed: 2026 };
    server::demo::load(app.db(), &options, app.clock.now(), None, &mut std::io::sink()).await.expect("demo county");
    println!("demo county: {households} households loaded in {:.1} s", started.elapsed().as_secs_f64());
    app
}
