//! The audit chain catches a changed record, a deleted record and a reordering.

use app::auth::Role;
use sea_orm::ConnectionTrait;

use tests::both_backends;
use tests::{Backend, TestApp, VILLAGE_A1};

/// Take away the database's protection, as someone with direct access to the files could.
async fn disable_protection(app: &TestApp) {
    let statements: &[&str] = match app.backend {
        Backend::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Backend::Postgres => &["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"],
    };
    for sql in statements {
        app.db().execute_unprepared(sql).await.unwrap();
    }
}

async fn busy_app(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await.with_county().await;
    let pw = app.user("zhang", Role::VillageCadre, VILLAGE_A1).await;
    app.signed_in("zhang", &pw).await;
    let report = app::audit::service::verify(app.db()).await.unwrap();
    assert_eq!(report.first_broken, None, "an untouched chain verifies");
    assert!(report.checked >= 10);
    app
}

async fn a_changed_record_is_caught(backend: Backend) {
    let app = busy_app(backend).await;
    disable_protection(&app).await;
    app.db().execute_unprepared("UPDATE audit_log SET actor = '别人' WHERE seq = 5").await.unwrap();
    let report = app::audit::service::verify(app.db()).await.unwrap();
    let broken = report.first_broken.expect("tampering is detected");
    assert_eq!(broken.seq, 5);
    assert!(broken.reason.contains("篡改"), "{}", broken.reason);
    assert_eq!(report.checked, 4);
}
both_backends!(tampered, a_changed_record_is_caught);

async fn a_deleted_record_is_caught(backend: Backend) {
    let app = busy_app(backend).await;
    disable_protection(&app).await;
    app.db().execute_unprepared("DELETE FROM audit_log WHERE seq = 3").await.unwrap();
    let broken = app::audit::service::verify(app.db()).await.unwrap().first_broken.expect("deletion is detected");
    assert_eq!(broken.seq, 3);
    assert!(broken.reason.contains("缺少第 3 条"), "{}", broken.reason);
}
both_backends!(deleted, a_deleted_record_is_caught);

async fn a_reordering_is_caught(backend: Backend) {
    let app = busy_app(backend).await;
    disable_protection(&app).await;
    // Swap the sequence numbers of records 2 and 3.
    for sql in [
        "UPDATE audit_log SET seq = -2 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = -2",
    ] {
        app.db().execute_unprepared(sql).await.unwrap();
    }
    let broken = app::audit::service::verify(app.db()).await.unwrap().first_broken.expect("reordering is detected");
    assert_eq!(broken.seq, 2);
}
both_backends!(reordered, a_reordering_is_caught);
