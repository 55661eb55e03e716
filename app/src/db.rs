//! Database helpers shared by every service.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Begin a transaction that will write. On SQLite it takes the write lock at BEGIN (waiting up to the
/// busy timeout), so a transaction that reads before it writes never fails with a stale snapshot.
/// PostgreSQL ignores the SQLite mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
