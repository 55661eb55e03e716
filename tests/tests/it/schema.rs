//! Migrations run on both databases; the audit table is append-only at the database.

use migrations::MigratorTrait;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use tests::both_backends;
use tests::{Backend, TestApp};

async fn schema_is_created_and_migrating_again_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let db = app.db();
    assert_eq!(entities::org_unit::Entity::find().count(db).await.unwrap(), 7);
    assert_eq!(entities::household::Entity::find().count(db).await.unwrap(), 0);
    assert!(entities::audit_log::Entity::find().count(db).await.unwrap() >= 7, "creating units is audited");
    migrations::Migrator::up(db, None).await.expect("a second run is a no-op");
    let applied = migrations::Migrator::get_applied_migrations(db).await.unwrap();
    assert_eq!(applied.len(), migrations::Migrator::migrations().len());
    let health = reqwest::get(format!("{}/healthz", app.base)).await.unwrap();
    assert_eq!(health.status(), 200);
}
both_backends!(schema, schema_is_created_and_migrating_again_changes_nothing);

async fn the_database_refuses_to_change_or_delete_audit_records(backend: Backend) {
    let app = TestApp::spawn(backend).await.with_county().await;
    let db = app.db();
    let update = db.execute_unprepared("UPDATE audit_log SET actor = 'someone else' WHERE seq = 1").await;
    assert!(update.is_err(), "UPDATE on audit_log must fail");
    assert!(update.unwrap_err().to_string().contains("append-only"));
    let delete = db.execute_unprepared("DELETE FROM audit_log WHERE seq = 1").await;
    assert!(delete.is_err(), "DELETE on audit_log must fail");
    if backend == Backend::Postgres {
        assert!(db.execute_unprepared("TRUNCATE audit_log").await.is_err(), "TRUNCATE must fail");
    }
    let report = app::audit::service::verify(db, &[]).await.unwrap();
    assert_eq!(report.first_broken, None);
    assert_eq!(report.checked, 8, "the record that keys the chain and the seven units");
}
both_backends!(append_only, the_database_refuses_to_change_or_delete_audit_records);

async fn sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db();
    if backend == Backend::Sqlite {
        let row = |sql: &'static str| async move {
            let r = db
                .query_one_raw(sea_orm::Statement::from_string(sea_orm::DatabaseBackend::Sqlite, sql))
                .await
                .unwrap()
                .unwrap();
            r.try_get_by_index::<String>(0)
                .map(|s| s.to_lowercase())
                .or_else(|_| r.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .unwrap()
        };
        assert_eq!(row("PRAGMA journal_mode").await, "wal");
        assert_eq!(row("PRAGMA synchronous").await, "2", "2 is FULL");
        assert_eq!(row("PRAGMA foreign_keys").await, "1");
        let busy: i64 = row("PRAGMA busy_timeout").await.parse().unwrap();
        assert!(busy >= 5000);
    }
    // A child row pointing at nothing is refused on both databases.
    let orphan = db
        .execute_unprepared("INSERT INTO user_role (user_id, role, org_unit_id, created_at) VALUES (999, 'admin', 999, '2026-01-01T00:00:00Z')")
        .await;
    assert!(orphan.is_err(), "foreign keys are enforced");
}
both_backends!(durability, sqlite_runs_in_wal_mode_with_full_sync_and_foreign_keys);

/// Migration 10 splits rigid expenditure into items and keeps what was recorded: the deductible part
/// becomes medical, the rest "other"; going down and up again gives the same numbers.
async fn rigid_expenditure_moves_into_items(backend: Backend) {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let app = TestApp::spawn(backend).await.with_county().await;
    let code = app.household(tests::VILLAGE_A1, 1, "张建国").await;
    let db = app.db();
    let after_nine = (migrations::Migrator::migrations().len() - 9) as u32;
    migrations::Migrator::down(db, Some(after_nine)).await.expect("down to migration 9");
    // The household's id, read as a bare column: the entity has columns that later migrations add.
    let household_id: i64 = entities::household::Entity::find()
        .select_only()
        .column(entities::household::Column::Id)
        .filter(entities::household::Column::Code.eq(&code))
        .into_tuple()
        .one(db)
        .await
        .unwrap()
        .unwrap();
    db.execute_unprepared(&format!(
        "INSERT INTO household_income (household_id, year, wage_fen, business_fen, property_fen, transfer_fen, \
         rigid_expenditure_fen, deductible_fen, updated_at) VALUES ({household_id}, 2025, 1000000, 0, 0, 0, 800000, 500000, '2026-03-01T00:00:00Z')",
    ))
    .await
    .unwrap();
    migrations::Migrator::up(db, None).await.expect("up again");
    let income = entities::household_income::Entity::find()
        .filter(entities::household_income::Column::HouseholdId.eq(household_id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((income.medical_fen, income.other_rigid_fen, income.schooling_fen), (500_000, 300_000, 0));
}
both_backends!(rigid_items, rigid_expenditure_moves_into_items);

/// A PostgreSQL test database is dropped with its app: runs leave no databases behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_test_database_is_dropped_with_its_app() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let name = app.pg_database_name().expect("a PostgreSQL database");
    let exists = |name: String| async move {
        let admin = sea_orm::Database::connect("postgres://postgres@127.0.0.1:5432/postgres").await.unwrap();
        let row = admin
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT count(*) AS n FROM pg_database WHERE datname = $1",
                [name.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get::<i64>("", "n").unwrap() == 1
    };
    assert!(exists(name.clone()).await, "the database exists while the app runs");
    drop(app);
    assert!(!exists(name).await, "the database is gone once the app is dropped");
}
