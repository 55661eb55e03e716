//! Driving Debian's headless Chromium through chromedriver: start it, sign in, wait for hydration, read what
//! the page and the browser console say. The browser tests run the release bundle the demo serves.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

/// A chromedriver process on a free port, stopped when dropped.
pub struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    pub async fn start() -> ChromeDriver {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed by .ci/setup (Debian package chromium-driver)");
        let driver = ChromeDriver { child, url: format!("http://127.0.0.1:{port}") };
        for _ in 0..100 {
            if reqwest::get(format!("{}/status", driver.url)).await.is_ok() {
                return driver;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("chromedriver did not start on port {port}");
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn browser(driver: &ChromeDriver, profile: &std::path::Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=zh-CN", "--window-size=390,844",
                format!("--user-data-dir={}", profile.display()),
            ]
        }),
    );
    // Keep the browser console, so a test can read the errors and panics a page logged.
    caps.insert("goog:loggingPrefs".into(), serde_json::json!({ "browser": "ALL" }));
    ClientBuilder::new(HttpConnector::new()).capabilities(caps).connect(&driver.url).await.expect("a Chromium session")
}

pub async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..100 {
        if client.current_url().await.map(|u| u.path() == path).unwrap_or(false) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the browser never reached {path} (at {:?})", client.current_url().await.map(|u| u.to_string()));
}

/// Sign in through the login page.
pub async fn sign_in(client: &Client, base: &str, username: &str, password: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    client.wait().for_element(Locator::Css("#username")).await.unwrap().send_keys(username).await.unwrap();
    client.find(Locator::Css("#password")).await.unwrap().send_keys(password).await.unwrap();
    wait_for_hydration(client).await;
    client.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_path(client, "/").await;
}

/// Wait until the browser bundle has hydrated the page (forms then submit in place).
pub async fn wait_for_hydration(client: &Client) {
    let hydrated =
        client.wait().at_most(Duration::from_secs(60)).for_element(Locator::Css("body[data-hydrated]")).await;
    if hydrated.is_err() {
        let at = client.current_url().await.map(|u| u.to_string()).unwrap_or_default();
        panic!("the page {at} never hydrated; the browser console says: {:#?}", console_errors(client).await);
    }
}

/// Open the phone navigation drawer. The button only works once the page has hydrated (a sign-in ends in a full
/// page load), so wait for that first, then for the drawer to be open.
pub async fn open_menu(client: &Client) {
    wait_for_hydration(client).await;
    client.find(Locator::Css(".menu-toggle")).await.unwrap().click().await.unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".app.menu-open .sidenav"))
        .await
        .expect("the navigation drawer opens");
}

pub async fn text_of(client: &Client, css: &str) -> String {
    let element = client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await.expect(css);
    element.text().await.unwrap()
}

/// Scroll an element to the middle of the screen (clear of the sticky top bar) and click it.
pub async fn click(client: &Client, locator: Locator<'_>) {
    let element = client.wait().at_most(Duration::from_secs(10)).for_element(locator).await.unwrap();
    client
        .execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&element).unwrap()])
        .await
        .unwrap();
    element.click().await.unwrap();
}

/// Keep a screenshot for people to look at (in the system temp directory, `fanpin-e2e/`).
pub async fn save_screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "a real PNG screenshot");
    let dir = std::env::temp_dir().join("fanpin-e2e");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

/// One of chromedriver's own commands: a POST of `body` to `session/{id}/{path}`.
#[derive(Debug)]
struct ChromeCommand {
    path: &'static str,
    body: String,
}

impl fantoccini::wd::WebDriverCompatibleCommand for ChromeCommand {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/{}", session.unwrap_or_default(), self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}

/// The console errors (a panic of the browser bundle, an uncaught exception, a failed request) logged since the
/// last call, each as "level: message".
pub async fn console_errors(client: &Client) -> Vec<String> {
    // chromedriver's log command: the browser console since the last call.
    let command = ChromeCommand { path: "se/log", body: r#"{"type":"browser"}"#.into() };
    let log = client.issue_cmd(command).await.expect("the browser console");
    log.as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry["level"] == "SEVERE")
        .map(|entry| format!("{}: {}", entry["level"], entry["message"].as_str().unwrap_or_default()))
        .collect()
}

/// Send one DevTools command (network throttling, clearing the cache) and return its answer.
pub async fn devtools(client: &Client, command: &str, params: serde_json::Value) -> serde_json::Value {
    let body = serde_json::json!({ "cmd": command, "params": params }).to_string();
    client
        .issue_cmd(ChromeCommand { path: "goog/cdp/execute", body })
        .await
        .unwrap_or_else(|e| panic!("DevTools {command}: {e}"))
}
