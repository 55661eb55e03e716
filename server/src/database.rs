//! Opening the database: SQLite (the default, a file created on first start) or PostgreSQL,
//! migrations, and the secrets kept in the database.

use std::time::Duration;

use anyhow::Context;
use app::time::{Clock, SystemClock};
use entities::app_secret;
use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ActiveModelTrait, ConnectOptions, Database, DatabaseConnection, EntityTrait, Set};

use crate::config::Settings;

/// Connect and migrate. SQLite runs in WAL mode with `synchronous=FULL` (an acknowledged write
/// survives a power cut), foreign keys on, and a busy timeout.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    if settings.is_sqlite() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("cannot create the data directory {}", settings.data_dir.display()))?;
    }
    let mut options = ConnectOptions::new(settings.database_url.clone());
    options
        .max_connections(settings.db_max_connections)
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(30))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
        });
    let db = Database::connect(options)
        .await
        .with_context(|| format!("cannot open the database {}", redact(&settings.database_url)))?;
    Migrator::up(&db, None).await.context("database migration failed")?;
    Ok(db)
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

/// The key for session and token hashes: `SESSION_SECRET` if set, else the one generated on the
/// first start and kept in the database (shared by every instance).
pub async fn session_key(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &settings.session_secret {
        return Ok(secret.as_bytes().to_vec());
    }
    const NAME: &str = "session_key";
    if let Some(found) = app_secret::Entity::find_by_id(NAME).one(db).await? {
        return Ok(found.value.into_bytes());
    }
    let generated = app::token::new_token();
    let insert =
        app_secret::ActiveModel { name: Set(NAME.into()), value: Set(generated), created_at: Set(SystemClock.now()) }
            .insert(db)
            .await;
    if let Err(e) = insert {
        // Another instance may have won the race; use its key.
        tracing::debug!(error = %e, "session key insert lost a race");
    }
    let stored = app_secret::Entity::find_by_id(NAME).one(db).await?.context("the session key could not be stored")?;
    Ok(stored.value.into_bytes())
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(super::redact("postgres://fp:secret@db:5432/fp"), "postgres://fp:***@db:5432/fp");
        assert_eq!(super::redact("sqlite://data/fanpin.db?mode=rwc"), "sqlite://data/fanpin.db?mode=rwc");
    }
}
