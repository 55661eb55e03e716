//! The test harness shared by the integration suite (`tests/it/`) and the benchmarks (`benches/`): a fresh database per test (an SQLite file in a temporary directory, or a new
//! PostgreSQL database on the local server), the real application on a free port, a fixed clock,
//! and builders for the organisation and its users.

pub mod bench;
pub mod browser;
mod pdf;
mod peers;

pub use pdf::{Pdf, assert_snapshot};
pub use peers::{Received, S3Server, SmtpSink, closed_port};

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
        self.own_policy(org_code, year, Some(which), &app::policy::presets::preset(which)).await;
    }

    /// Store a policy as a county edits it (from a preset, or its own).
    pub async fn own_policy(
        &self,
        org_code: &str,
        year: i32,
        preset: Option<app::policy::presets::Preset>,
        policy: &app::policy::Policy,
    ) {
        let tx = app::db::begin_write(self.db()).await.expect("tx");
        app::policy::service::store(&tx, &Actor::operator(), self.clock_now(), org_code, year, preset, policy)
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
