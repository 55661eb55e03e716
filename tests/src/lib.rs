//! The test harness shared by the integration suite (`tests/it/`) and the benchmarks (`benches/`): a fresh database per test (an SQLite file in a temporary directory, or a new
//! PostgreSQL database on the local server), the real application on a free port, a fixed clock,
//! and builders for the organisation and its users.

pub mod browser;

use std::sync::Arc;

use app::audit::service::Actor;
use app::time::FixedClock;
use app::users::NewUser;
use chrono::{TimeZone, Utc};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::config::Settings;
use server::startup::Application;

/// The two databases every integration test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Run one test body on both backends: `both_backends!(name, body_fn)`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$body($crate::Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$body($crate::Backend::Postgres).await;
            }
        }
    };
}

/// The PostgreSQL server used for test databases (trust auth on the local server).
fn pg_admin_url() -> String {
    std::env::var("TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The audit key of every test app.
pub const TEST_AUDIT_KEY: &str = "test-audit-key-0123456789abcdefghijklmnop";

pub const COUNTY: &str = "500152000000";
pub const TOWNSHIP_A: &str = "500152101000";
pub const TOWNSHIP_B: &str = "500152102000";
pub const VILLAGE_A1: &str = "500152101201";
pub const VILLAGE_A2: &str = "500152101202";
pub const VILLAGE_B1: &str = "500152102201";
pub const GROUP_A1_1: &str = "500152101201001";
/// A second county, to prove one county's staff never reach the other's records.
pub const OTHER_COUNTY: &str = "500111000000";
pub const OTHER_VILLAGE: &str = "500111101201";

pub struct TestApp {
    pub base: String,
    pub app_state: app::state::AppState,
    pub clock: Arc<FixedClock>,
    pub settings: Settings,
    pub backend: Backend,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A fresh database and a running app. The clock stands at 2026-03-02 09:00 Beijing time.
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// `spawn`, with settings changed before the app is built.
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display()),
            Backend::Postgres => fresh_pg_database().await,
        };
        let mut settings = Settings::from_env().expect("settings");
        settings.database_url = database_url;
        settings.data_dir = dir.path().to_path_buf();
        settings.evidence_dir = dir.path().join("evidence");
        settings.bind_addr = "127.0.0.1:0".parse().expect("address");
        settings.public_url = "http://127.0.0.1".into();
        settings.session_secret = None;
        // The audit key is process-wide (one server process serves one database): every test app shares it.
        settings.audit_key = Some(TEST_AUDIT_KEY.into());
        settings.db_max_connections = 5;
        if let Ok(site) = std::env::var("SITE_ROOT") {
            settings.site_root = site.into();
        }
        configure(&mut settings);
        let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).single().expect("time")));
        let application = Application::build(&settings, clock.clone()).await.expect("the app builds");
        let base = format!("http://127.0.0.1:{}", application.port());
        let app_state = application.state.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let server = tokio::spawn(application.run_until(async {
            if stopped.await.is_err() {
                // The test dropped its app: serve on until the test ends, as before.
                std::future::pending::<()>().await;
            }
        }));
        TestApp { base, app_state, clock, settings, backend, stop: Some(stop), server: Some(server), _dir: dir }
    }

    /// Shut the server down as SIGTERM does; returns when it has stopped.
    pub async fn shut_down(&mut self) {
        if let (Some(stop), Some(server)) = (self.stop.take(), self.server.take()) {
            stop.send(()).expect("the server is running");
            server.await.expect("the server task").expect("the server stops cleanly");
        }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.app_state.db
    }

    /// The PostgreSQL database of this app (none on SQLite).
    pub fn pg_database_name(&self) -> Option<String> {
        (self.backend == Backend::Postgres)
            .then(|| self.settings.database_url.rsplit('/').next().map(str::to_string))
            .flatten()
    }

    /// A client whose requests come from `address` (the app must trust `X-Forwarded-For`, as behind a proxy).
    pub fn browser_from(&self, address: &str) -> Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", address.parse().expect("an address"));
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .default_headers(headers)
            .timeout(std::time::Duration::from_secs(90))
            .build()
            .expect("client");
        Client { http, base: self.base.clone() }
    }

    /// County > two townships > three villages > one villager group.
    pub async fn with_county(self) -> TestApp {
        let actor = Actor::operator();
        let now = self.clock_now();
        let tx = app::db::begin_write(self.db()).await.expect("tx");
        for (parent, code, name) in [
            (None, COUNTY, "潼南区"),
            (Some(COUNTY), TOWNSHIP_A, "双江镇"),
            (Some(COUNTY), TOWNSHIP_B, "古溪镇"),
            (Some(TOWNSHIP_A), VILLAGE_A1, "青龙村"),
            (Some(TOWNSHIP_A), VILLAGE_A2, "金龙村"),
            (Some(TOWNSHIP_B), VILLAGE_B1, "大佛村"),
            (Some(VILLAGE_A1), GROUP_A1_1, "一组"),
        ] {
            app::org::service::insert(&tx, &actor, now, parent, code, name).await.expect("org unit");
        }
        tx.commit().await.expect("commit");
        self
    }

    /// A second county (大足区 > 龙水镇 > 红星村) beside `with_county`'s.
    pub async fn with_other_county(self) -> TestApp {
        let actor = Actor::operator();
        let now = self.clock_now();
        let tx = app::db::begin_write(self.db()).await.expect("tx");
        for (parent, code, name) in [
            (None, OTHER_COUNTY, "大足区"),
            (Some(OTHER_COUNTY), "500111101000", "龙水镇"),
            (Some("500111101000"), OTHER_VILLAGE, "红星村"),
        ] {
            app::org::service::insert(&tx, &actor, now, parent, code, name).await.expect("org unit");
        }
        tx.commit().await.expect("commit");
        self
    }

    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use app::time::Clock;
        self.clock.now()
    }

    /// Create a user with one role who has set their own password; returns it.
    pub async fn user(&self, username: &str, role: app::permissions::Role, org: &str) -> String {
        let password = self.new_user(username, role, org).await;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        entities::app_user::Entity::update_many()
            .col_expr(entities::app_user::Column::MustChangePassword, Expr::value(false))
            .filter(entities::app_user::Column::Username.eq(username))
            .exec(self.db())
            .await
            .expect("password set");
        password
    }

    /// Create a user with one role, as an administrator does; returns the one-time password, which allows
    /// nothing but setting their own.
    pub async fn new_user(&self, username: &str, role: app::permissions::Role, org: &str) -> String {
        let password = app::users::service::one_time_password();
        let hash = app::auth::service::hash_password(password.clone()).await.expect("hash");
        let tx = app::db::begin_write(self.db()).await.expect("tx");
        app::users::service::insert_user(
            &tx,
            &Actor::operator(),
            self.clock_now(),
            &NewUser {
                username: username.into(),
                display_name: format!("测试{username}"),
                role: role.as_str().into(),
                org_code: org.into(),
                department: (role == app::permissions::Role::DepartmentUser).then(|| "区医保局".to_string()),
                ..Default::default()
            },
            hash,
        )
        .await
        .expect("user");
        tx.commit().await.expect("commit");
        password
    }

    /// A household with two members in a unit (village or group); returns its code.
    pub async fn household(&self, org_code: &str, number: u32, head: &str) -> String {
        use entities::{household, household_member, org_unit};
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let unit = org_unit::Entity::find()
            .filter(org_unit::Column::Code.eq(org_code))
            .one(self.db())
            .await
            .expect("query")
            .expect("unit");
        let code = format!("{}{number:05}", &org_code[..12]);
        let now = self.clock_now();
        let h = household::ActiveModel {
            code: Set(code.clone()),
            org_unit_id: Set(unit.id),
            org_code: Set(unit.code.clone()),
            head_name: Set(head.into()),
            address: Set(format!("{}{number}号", unit.name)),
            phone: Set(None),
            monitoring_class: Set(Some("边缘易致贫户".into())),
            monitoring_status: Set("monitored".into()),
            house_type: Set("砖混".into()),
            dibao_status: Set("none".into()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(self.db())
        .await
        .expect("household");
        for (i, (name, relation)) in [(head, "户主"), ("李秀英", "配偶")].into_iter().enumerate() {
            let first17 = format!("500152196{}0101{:03}", 5 + i, number % 500 * 2 + 1);
            let id = format!("{first17}{}", app::households::ResidentId::check_char(&first17).expect("digits"));
            household_member::ActiveModel {
                household_id: Set(h.id),
                name: Set(name.into()),
                name_initials: Set(app::households::initials::name_initials(name)),
                resident_id: Set(id),
                relation: Set(relation.into()),
                sex: Set(if i == 0 { "M" } else { "F" }.into()),
                birth_date: Set(chrono::NaiveDate::from_ymd_opt(1965 + i as i32, 1, 1).expect("date")),
                labour_capacity: Set("普通劳动力".into()),
                health: Set("健康".into()),
                schooling: Set("非在校".into()),
                co_residence_note: Set(None),
                ..Default::default()
            }
            .insert(self.db())
            .await
            .expect("member");
        }
        code
    }

    /// A household's row by code.
    pub async fn household_row(&self, code: &str) -> entities::household::Model {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entities::household::Entity::find()
            .filter(entities::household::Column::Code.eq(code))
            .one(self.db())
            .await
            .expect("query")
            .expect("household")
    }

    /// `count` more members ("成员1" …) with valid synthetic ID numbers, for long printed tables.
    pub async fn members(&self, code: &str, count: u32) {
        use entities::household_member;
        use sea_orm::{ActiveModelTrait, Set};
        let h = self.household_row(code).await;
        for n in 1..=count {
            let first17 = format!("5001522001{:02}01{:03}", n % 12 + 1, n);
            let id = format!("{first17}{}", app::households::ResidentId::check_char(&first17).expect("digits"));
            household_member::ActiveModel {
                household_id: Set(h.id),
                name: Set(format!("成员{n}")),
                name_initials: Set("cy".into()),
                resident_id: Set(id),
                relation: Set("其他".into()),
                sex: Set("M".into()),
                birth_date: Set(chrono::NaiveDate::from_ymd_opt(2001, n % 12 + 1, 1).expect("date")),
                labour_capacity: Set("普通劳动力".into()),
                health: Set("健康".into()),
                schooling: Set("非在校".into()),
                co_residence_note: Set(None),
                ..Default::default()
            }
            .insert(self.db())
            .await
            .expect("member");
        }
    }

    /// The full resident ID of a household's member by name.
    pub async fn resident_id_of(&self, code: &str, name: &str) -> String {
        use entities::household_member;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let h = self.household_row(code).await;
        household_member::Entity::find()
            .filter(household_member::Column::HouseholdId.eq(h.id))
            .filter(household_member::Column::Name.eq(name))
            .one(self.db())
            .await
            .expect("query")
            .expect("member")
            .resident_id
    }

    /// A year's income record for a household (amounts in yuan; the rigid expenditure as medical bills).
    pub async fn income(&self, code: &str, year: i32, wage_yuan: i64, transfer_yuan: i64, rigid_yuan: i64) {
        use entities::household_income;
        use sea_orm::{ActiveModelTrait, Set};
        let h = self.household_row(code).await;
        household_income::ActiveModel {
            household_id: Set(h.id),
            year: Set(year),
            wage_fen: Set(wage_yuan * 100),
            business_fen: Set(0),
            property_fen: Set(0),
            transfer_fen: Set(transfer_yuan * 100),
            medical_fen: Set(rigid_yuan * 100),
            updated_at: Set(self.clock_now()),
            ..Default::default()
        }
        .insert(self.db())
        .await
        .expect("income");
    }

    /// A preset policy for a unit and year.
    pub async fn policy(&self, org_code: &str, year: i32, which: app::policy::presets::Preset) {
        let tx = app::db::begin_write(self.db()).await.expect("tx");
        app::policy::service::store(
            &tx,
            &Actor::operator(),
            self.clock_now(),
            org_code,
            year,
            Some(which),
            &app::policy::presets::preset(which),
        )
        .await
        .expect("policy");
        tx.commit().await.expect("commit");
    }

    /// A client with its own cookie jar, as one browser.
    pub fn browser(&self) -> Client {
        // A request that never answers fails the test (naming the address) instead of hanging the run.
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(std::time::Duration::from_secs(90))
            .build()
            .expect("client");
        Client { http, base: self.base.clone() }
    }

    /// A fresh client signed in as `username`.
    pub async fn signed_in(&self, username: &str, password: &str) -> Client {
        let client = self.browser();
        let response = client.login(username, password).await;
        assert_eq!(response.status(), 200, "sign-in of {username} should succeed");
        client
    }
}

/// Create an empty database on the local PostgreSQL server; returns its URL. The first call of a test process
/// also drops the databases that test processes no longer running left behind (a run that was killed).
async fn fresh_pg_database() -> String {
    let admin_url = pg_admin_url();
    let admin = Database::connect(&admin_url).await.expect("PostgreSQL at 127.0.0.1:5432 (start it with .ci/test)");
    LEFTOVERS_DROPPED.get_or_init(|| drop_leftover_databases(&admin)).await;
    let name = format!("fp_test_{}_{}", std::process::id(), NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.expect("drop");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url);
    format!("{base}/{name}")
}

static NEXT_DB: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static LEFTOVERS_DROPPED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();

/// The test databases (`fp_test_<pid>_<n>`) of processes that are gone.
async fn drop_leftover_databases(admin: &DatabaseConnection) {
    use sea_orm::{ConnectionTrait, Statement};
    let rows = admin
        .query_all_raw(Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'fp_test_%'",
        ))
        .await
        .expect("list test databases");
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        let pid = name.trim_start_matches("fp_test_").split('_').next().unwrap_or_default();
        if !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
        }
    }
}

/// Drop one test database, ending the connections the test's app still holds.
fn drop_pg_database(name: String) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        if let Ok(admin) = Database::connect(&pg_admin_url()).await {
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
            admin.close().await.ok();
        }
    });
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if self.backend != Backend::Postgres {
            return;
        }
        if let Some(name) = self.pg_database_name() {
            // On its own thread: the test's runtime cannot be blocked on from inside.
            std::thread::spawn(move || drop_pg_database(name)).join().ok();
        }
    }
}

/// A browser-like HTTP client.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("request")
    }

    /// Call a server function the way the browser does (form-encoded POST).
    pub async fn server_fn<S: leptos::server_fn::ServerFn>(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.http.post(self.url(S::PATH)).header("origin", self.base.clone()).form(form).send().await.expect("request")
    }
}

/// The `message` of a JSON error body, or the text of an error page (prints answer failures as a page).
pub async fn error_message(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(body) => (status, body["message"].as_str().unwrap_or_default().to_string()),
        Err(_) => (status, text),
    }
}

/// One message as an SMTP server received it.
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent after DATA (headers and body), dot-stuffing removed.
    pub data: String,
}

impl Received {
    /// The value of a header (first occurrence), e.g. `Message-ID`.
    pub fn header(&self, name: &str) -> Option<String> {
        self.data.lines().take_while(|l| !l.is_empty()).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }

    /// The body as text, decoded when it was sent in base64 (lettre's choice for most non-ASCII text).
    pub fn body_text(&self) -> String {
        use base64::Engine;
        let body = self.data.split_once("\n\n").map(|(_, body)| body).unwrap_or_default();
        if !self.header("Content-Transfer-Encoding").is_some_and(|e| e.eq_ignore_ascii_case("base64")) {
            return body.to_string();
        }
        let compact: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD.decode(compact).expect("a base64 body");
        String::from_utf8(bytes).expect("a UTF-8 body")
    }
}

/// A real SMTP server on 127.0.0.1 that keeps what it receives: greeting, EHLO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT, as lettre speaks them.
pub struct SmtpSink {
    pub port: u16,
    pub received: Arc<std::sync::Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl SmtpSink {
    /// Listen on `port` (0: any free port).
    pub async fn start(port: u16) -> SmtpSink {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("SMTP port");
        let port = listener.local_addr().expect("address").port();
        let received: Arc<std::sync::Mutex<Vec<Received>>> = Arc::default();
        let store = received.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let (reader, mut writer) = socket.into_split();
                    let mut reader = BufReader::new(reader);
                    let (mut current, mut line) = (Received::default(), String::new());
                    if writer.write_all(b"220 sink ESMTP ready\r\n").await.is_err() {
                        return;
                    }
                    loop {
                        line.clear();
                        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let raw = line.trim_end().to_string();
                        let command = raw.to_ascii_uppercase();
                        let reply: &[u8] = if command.starts_with("EHLO") {
                            b"250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                        } else if command.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if command.starts_with("MAIL FROM:") {
                            current = Received { from: raw[10..].to_string(), ..Default::default() };
                            b"250 2.1.0 OK\r\n"
                        } else if command.starts_with("RCPT TO:") {
                            current.to.push(raw[8..].to_string());
                            b"250 2.1.5 OK\r\n"
                        } else if command == "DATA" {
                            if writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await.is_err() {
                                return;
                            }
                            loop {
                                line.clear();
                                if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
                                    return;
                                }
                                if line == ".\r\n" {
                                    break;
                                }
                                let text = line.strip_prefix('.').unwrap_or(&line).replace("\r\n", "\n");
                                current.data.push_str(&text);
                            }
                            store.lock().expect("lock").push(std::mem::take(&mut current));
                            b"250 2.0.0 OK queued\r\n"
                        } else if command == "RSET" || command == "NOOP" {
                            b"250 2.0.0 OK\r\n"
                        } else if command == "QUIT" {
                            let _ = writer.write_all(b"221 2.0.0 Bye\r\n").await;
                            return;
                        } else {
                            b"502 5.5.2 Command not recognized\r\n"
                        };
                        if writer.write_all(reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        SmtpSink { port, received, task }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A real S3-compatible object store on 127.0.0.1 (moto's server, installed by `.ci/setup`), with one
/// empty bucket. Stopped when dropped.
pub struct S3Server {
    pub endpoint: String,
    pub bucket: String,
    child: std::process::Child,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let port = closed_port().await;
        let child = std::process::Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto_server (pip install 'moto[server]'; .ci/setup does)");
        // Owned at once, so a failed start still stops the process (Drop).
        let server =
            S3Server { endpoint: format!("http://127.0.0.1:{port}"), bucket: "evidence-test".to_string(), child };
        let http = reqwest::Client::new();
        for _ in 0..100 {
            let created = http.put(format!("{}/{}", server.endpoint, server.bucket)).send().await;
            if created.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("the S3 server on {} did not start", server.endpoint);
    }

    /// The settings that point the app at this bucket under `prefix`.
    pub fn config(&self, prefix: &str) -> app::evidence::store::S3Config {
        app::evidence::store::S3Config {
            url: format!("s3://{}/{prefix}", self.bucket),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
        }
    }

    /// The keys in the bucket (a plain ListObjectsV2 call, which moto answers without signing).
    pub async fn keys(&self) -> Vec<String> {
        let xml = reqwest::get(format!("{}/{}?list-type=2", self.endpoint, self.bucket))
            .await
            .expect("list")
            .text()
            .await
            .expect("body");
        xml.split("<Key>").skip(1).filter_map(|part| part.split_once("</Key>").map(|(k, _)| k.to_string())).collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// A port on 127.0.0.1 where nothing listens (an SMTP server that is down).
pub async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("port");
    listener.local_addr().expect("address").port()
}

impl TestApp {
    /// A user's id by username.
    pub async fn user_id(&self, username: &str) -> i64 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        entities::app_user::Entity::find()
            .filter(entities::app_user::Column::Username.eq(username))
            .one(self.db())
            .await
            .expect("query")
            .expect("user")
            .id
    }

    /// Give a user an e-mail address.
    pub async fn email(&self, username: &str, address: &str) {
        use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
        let id = self.user_id(username).await;
        let user = <entities::app_user::Entity as sea_orm::EntityTrait>::find_by_id(id)
            .one(self.db())
            .await
            .expect("query")
            .expect("user");
        let mut active = user.into_active_model();
        active.email = Set(Some(address.into()));
        active.update(self.db()).await.expect("email");
    }
}

/// A PDF the app produced, read with the real tools: poppler's pdftotext and pdfinfo, and qpdf.
pub struct Pdf {
    file: tempfile::NamedTempFile,
    len: usize,
}

impl Pdf {
    pub fn from(bytes: Vec<u8>) -> Pdf {
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {}", String::from_utf8_lossy(&bytes[..bytes.len().min(200)]));
        let file = tempfile::Builder::new().suffix(".pdf").tempfile().expect("temp file");
        std::fs::write(file.path(), &bytes).expect("write PDF");
        Pdf { file, len: bytes.len() }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn run(&self, program: &str, args: &[&str]) -> String {
        let output = std::process::Command::new(program)
            .args(args)
            .arg(self.file.path())
            .args(if program == "pdftotext" { &["-"][..] } else { &[][..] })
            .output()
            .unwrap_or_else(|e| panic!("{program} (poppler-utils, qpdf; .ci/setup installs them): {e}"));
        assert!(output.status.success(), "{program} failed: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    fn info(&self, key: &str) -> String {
        self.run("pdfinfo", &[])
            .lines()
            .find_map(|l| l.strip_prefix(key).map(|v| v.trim_start_matches(':').trim().to_string()))
            .unwrap_or_default()
    }

    pub fn pages(&self) -> usize {
        self.info("Pages").parse().expect("page count")
    }

    pub fn page_size(&self) -> String {
        self.info("Page size")
    }

    /// The whole text, in reading order.
    pub fn text(&self) -> String {
        self.run("pdftotext", &["-raw", "-enc", "UTF-8"])
    }

    /// The text of one page (1-based).
    pub fn page_text(&self, page: usize) -> String {
        let page = page.to_string();
        self.run("pdftotext", &["-raw", "-enc", "UTF-8", "-f", &page, "-l", &page])
    }

    /// `qpdf --check` finds no error.
    pub fn qpdf_check(&self) {
        let out = self.run("qpdf", &["--check"]);
        assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    }
}

/// Compare `text` with `tests/snapshots/<name>.txt` (write it with `UPDATE_SNAPSHOTS=1`).
pub fn assert_snapshot(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots").join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, text).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no snapshot {} (run the test once with UPDATE_SNAPSHOTS=1)", path.display()));
    assert_eq!(text, expected, "the text of {name} differs from {}", path.display());
}

/// The visit form as a contact fills it in: everything fine unless `extra` says otherwise.
pub fn visit_form<'a>(code: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("form[household]", code),
        ("form[visited_on]", "2026-03-02"),
        ("form[mode]", "in_person"),
        ("form[food]", "ok"),
        ("form[clothing]", "ok"),
        ("form[education]", "ok"),
        ("form[medical]", "ok"),
        ("form[housing]", "ok"),
        ("form[water]", "ok"),
        ("form[acknowledgement]", "signed"),
        ("form[acknowledged_by]", "张建国"),
    ];
    for (key, value) in extra {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    form
}
