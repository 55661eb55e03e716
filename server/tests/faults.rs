//! Faults an operator meets, on the real binary: `server migrate` killed (SIGKILL) at random moments,
//! and `server demo-data` killed halfway through the households, then run again, on SQLite and PostgreSQL.

use std::io::BufRead;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use migrations::{Migrator, MigratorTrait};
use rand::Rng;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait};

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database and a data directory for one run of the binary.
struct Target {
    url: String,
    dir: tempfile::TempDir,
}

impl Target {
    async fn fresh(backend: Backend) -> Target {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.path().join("fanpin.db").display()),
            Backend::Postgres => fresh_pg_database().await,
        };
        Target { url, dir }
    }

    fn server(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .args(args)
            .env("DATABASE_URL", &self.url)
            .env("DATA_DIR", self.dir.path())
            .env("LOG_LEVEL", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Run the command to its end; it must succeed.
    fn run(&self, args: &[&str]) -> Output {
        let output = self.server(args).output().expect("the server binary runs");
        assert!(
            output.status.success(),
            "server {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Start the command and kill it with SIGKILL after `delay` (unless it has finished by then).
    async fn kill_after(&self, args: &[&str], delay: Duration) {
        let mut child = self.server(args).spawn().expect("the server binary starts");
        tokio::time::sleep(delay).await;
        child.kill().ok();
        child.wait().expect("the killed process is reaped");
    }

    async fn connect(&self) -> DatabaseConnection {
        Database::connect(&self.url).await.expect("the database opens")
    }
}

async fn fresh_pg_database() -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let admin_url =
        std::env::var("TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let admin = Database::connect(&admin_url).await.expect("PostgreSQL at 127.0.0.1:5432");
    let name = format!("fp_faults_{}_{}", std::process::id(), NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.expect("drop");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create database");
    admin.close().await.ok();
    let base = admin_url.rsplit_once('/').map(|(base, _)| base.to_string()).unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// How many migrations the database records (none before the first run has made the table).
async fn applied_count(target: &Target) -> usize {
    let db = target.connect().await;
    let applied = Migrator::get_applied_migrations(&db).await.map(|applied| applied.len()).unwrap_or_default();
    db.close().await.ok();
    applied
}

/// Kill `migrate` at random moments within the time a whole run takes, several times on the same
/// database, until enough kills have landed between the first and the last migration; after every
/// series `migrate` must complete and leave the whole schema.
async fn migrate_survives_being_killed(backend: Backend) {
    let all = Migrator::migrations().len();
    let started = Instant::now();
    let reference = Target::fresh(backend).await;
    reference.run(&["migrate"]);
    let whole_run = started.elapsed();
    assert_eq!(applied_count(&reference).await, all);

    let mut rng = rand::rng();
    let (mut kills, mut midway) = (0, 0);
    while midway < 3 {
        assert!(kills < 60, "only {midway} of {kills} kills landed during the migrations (a run takes {whole_run:?})");
        let target = Target::fresh(backend).await;
        for _ in 0..3 {
            let delay = whole_run.mul_f64(rng.random_range(0.0..1.0));
            target.kill_after(&["migrate"], delay).await;
            kills += 1;
            let applied = applied_count(&target).await;
            if applied > 0 && applied < all {
                midway += 1;
            }
        }
        target.run(&["migrate"]);
        let db = target.connect().await;
        let applied = Migrator::get_applied_migrations(&db).await.expect("the migration table reads");
        assert_eq!(applied.len(), all, "every migration is recorded once");
        assert!(Migrator::get_pending_migrations(&db).await.expect("status").is_empty());
        // The last migration's columns are there.
        db.execute_unprepared("SELECT class_since, liaison_since FROM household").await.expect("household columns");
        db.execute_unprepared("SELECT recorded_by FROM visit").await.expect("visit column");
        db.close().await.ok();
    }
    println!(
        "{backend:?}: {kills} kills, {midway} between the first and the last migration, a whole run {whole_run:?}"
    );
}

#[tokio::test]
async fn migrate_survives_being_killed_on_sqlite() {
    migrate_survives_being_killed(Backend::Sqlite).await;
}

#[tokio::test]
async fn migrate_survives_being_killed_on_postgres() {
    migrate_survives_being_killed(Backend::Postgres).await;
}

/// A demo load killed while it writes the households leaves nothing behind but the accounts file; loading
/// again succeeds, and the accounts file then names the accounts of the county that was loaded.
async fn demo_data_killed_halfway_loads_again(backend: Backend) {
    let target = Target::fresh(backend).await;
    target.run(&["migrate"]);
    let mut child = target.server(&["demo-data", "--households", "2000"]).spawn().expect("the server binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let progress = lines.by_ref().map_while(Result::ok).find(|line| line.contains("农户"));
    child.kill().expect("kill");
    child.wait().expect("the killed process is reaped");
    assert!(progress.is_some(), "the load got as far as the households");
    let logins_file = target.dir.path().join("demo-logins.txt");
    assert!(logins_file.exists(), "the accounts are written before the county can be committed");

    let db = target.connect().await;
    assert_eq!(entities::org_unit::Entity::find().count(&db).await.expect("count"), 0, "no half-built county");
    assert_eq!(entities::app_user::Entity::find().count(&db).await.expect("count"), 0);
    db.close().await.ok();

    let output = target.run(&["demo-data", "--households", "300"]);
    assert!(String::from_utf8_lossy(&output.stdout).contains("演示数据载入完成"));
    let db = target.connect().await;
    assert_eq!(entities::household::Entity::find().count(&db).await.expect("count"), 300);
    let users: Vec<String> =
        entities::app_user::Entity::find().all(&db).await.expect("users").into_iter().map(|u| u.username).collect();
    db.close().await.ok();
    let listed: Vec<String> = std::fs::read_to_string(&logins_file)
        .expect("the accounts file")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split('\t').next().map(str::to_string))
        .collect();
    assert_eq!(listed.len(), users.len());
    assert!(listed.iter().all(|name| users.contains(name)), "the file names the loaded county's accounts");
}

#[tokio::test]
async fn demo_data_killed_halfway_loads_again_on_sqlite() {
    demo_data_killed_halfway_loads_again(Backend::Sqlite).await;
}

#[tokio::test]
async fn demo_data_killed_halfway_loads_again_on_postgres() {
    demo_data_killed_halfway_loads_again(Backend::Postgres).await;
}
