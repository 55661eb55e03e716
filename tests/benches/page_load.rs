//! How long a phone on a 3G link waits before the app works: the sign-in page opened in headless Chromium with
//! DevTools' "Fast 3G" profile (562.5 ms latency, 1.44 Mbit/s down, 675 kbit/s up), from an empty cache and
//! again with the cache the first visit left, until the browser bundle has hydrated the page (`data-hydrated`).
//! Also loads once with compression refused (`Accept-Encoding: identity`), as every load was before the bundle
//! was precompressed and cached. Prints the time and the bytes that crossed the link; asserts nothing about time.
//!
//! `bash .ci/build-site bundle && SITE_ROOT=$CARGO_TARGET_DIR/release/site cargo bench -p tests --bench page_load`

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use tests::browser::{ChromeDriver, browser, devtools};
use tests::{Backend, TestApp};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let app = TestApp::spawn(Backend::Sqlite).await.with_county().await;
    let bundle = std::fs::read_to_string(app.settings.site_root.join("pkg/bundle.txt"))
        .expect("the release bundle: run .ci/build-site bundle and set SITE_ROOT");
    let wasm = app.settings.site_root.join(format!("pkg/{}_bg.wasm", bundle.trim()));
    for (what, file) in
        [("raw", wasm.clone()), ("gzip", wasm.with_extension("wasm.gz")), ("brotli", wasm.with_extension("wasm.br"))]
    {
        let bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or_default();
        println!("bundle {}: wasm {what} {bytes} bytes", bundle.trim());
    }

    let driver = ChromeDriver::start().await;
    let profile = tempfile::tempdir().expect("profile");
    let client = browser(&driver, profile.path()).await;
    devtools(&client, "Network.enable", serde_json::json!({})).await;
    devtools(
        &client,
        "Network.emulateNetworkConditions",
        serde_json::json!({
            "offline": false,
            "latency": 562.5,
            "downloadThroughput": 1.6 * 1024.0 * 1024.0 / 8.0 * 0.9,
            "uploadThroughput": 750.0 * 1024.0 / 8.0 * 0.9,
        }),
    )
    .await;
    let login = format!("{}/login", app.base);

    devtools(&client, "Network.clearBrowserCache", serde_json::json!({})).await;
    report("Fast 3G, empty cache", &client, &login).await;
    report("Fast 3G, cached bundle (second visit)", &client, &login).await;

    devtools(&client, "Network.clearBrowserCache", serde_json::json!({})).await;
    devtools(
        &client,
        "Network.setExtraHTTPHeaders",
        serde_json::json!({ "headers": { "Accept-Encoding": "identity" } }),
    )
    .await;
    report("Fast 3G, empty cache, no compression", &client, &login).await;
    client.close().await.expect("close");
}

/// Open `url`, wait until the page has hydrated, and print the time and the bytes transferred.
async fn report(what: &str, client: &Client, url: &str) {
    let started = Instant::now();
    client.goto(url).await.expect("page");
    client
        .wait()
        .at_most(Duration::from_secs(300))
        .for_element(Locator::Css("body[data-hydrated]"))
        .await
        .expect("the page hydrates");
    let elapsed = started.elapsed().as_secs_f64();
    let transferred = client
        .execute(
            "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))\
             .reduce((sum, e) => sum + (e.transferSize || 0), 0);",
            vec![],
        )
        .await
        .expect("resource timing");
    println!(
        "{what}: interactive after {elapsed:.1} s, {} bytes transferred",
        transferred.as_f64().unwrap_or_default()
    );
}
