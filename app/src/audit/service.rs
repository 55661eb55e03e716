//! Writing and verifying the audit chain.
//!
//! Each record holds the SHA-256 of the previous record (`prev_hash`) and of its own canonical content
//! (`hash`); sequence numbers have no gaps. Appends are serialised: on SQLite by the write transaction
//! (`db::begin_write` takes the write lock at BEGIN), on PostgreSQL by a transaction-scoped advisory lock.

use chrono::{DateTime, SecondsFormat, Utc};
use entities::audit_log;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{BrokenLink, ChainReport};
use crate::auth::Caller;
use crate::request::RequestMeta;

/// The hash before the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Advisory lock key that serialises audit appends on PostgreSQL ("audit" in ASCII).
const PG_AUDIT_LOCK: i64 = 0x0061_7564_6974;

/// Who did it, from where.
#[derive(Clone, Debug)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: Option<String>,
}

impl Actor {
    pub fn user(caller: &Caller, meta: &RequestMeta) -> Actor {
        Actor {
            user_id: Some(caller.user_id),
            name: format!("{}（{}）", caller.display_name, caller.username),
            ip: meta.ip.clone(),
        }
    }

    /// Someone not signed in (failed sign-ins, public pages).
    pub fn anonymous(label: &str, meta: &RequestMeta) -> Actor {
        Actor { user_id: None, name: label.to_string(), ip: meta.ip.clone() }
    }

    /// The operator at the server's command line.
    pub fn operator() -> Actor {
        let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
        Actor { user_id: None, name: format!("命令行操作员（{who}）"), ip: None }
    }
}

/// What happened to which record.
#[derive(Clone, Debug)]
pub struct Entry {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub org_code: Option<String>,
    /// Before/after of the changed fields, or the details of the event.
    pub changes: serde_json::Value,
}

/// The exact content that is hashed, in a fixed field order.
#[derive(Serialize)]
struct Canonical<'a> {
    seq: i64,
    at: &'a str,
    actor_user_id: Option<i64>,
    actor: &'a str,
    ip: Option<&'a str>,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    org_code: Option<&'a str>,
    changes: &'a str,
    prev_hash: &'a str,
}

fn hash_of(record: &audit_log::Model) -> String {
    let canonical = Canonical {
        seq: record.seq,
        at: &record.at,
        actor_user_id: record.actor_user_id,
        actor: &record.actor,
        ip: record.ip.as_deref(),
        action: &record.action,
        entity_type: &record.entity_type,
        entity_id: &record.entity_id,
        org_code: record.org_code.as_deref(),
        changes: &record.changes,
        prev_hash: &record.prev_hash,
    };
    let bytes = serde_json::to_vec(&canonical).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// Append one record inside the caller's write transaction.
pub async fn append<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: Entry,
) -> Result<i64, sea_orm::DbErr> {
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        tx.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [sea_orm::Value::from(PG_AUDIT_LOCK)],
        ))
        .await?;
    }
    let last = audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).limit(1).one(tx).await?;
    let (seq, prev_hash) = match last {
        Some(last) => (last.seq + 1, last.hash),
        None => (1, GENESIS_HASH.to_string()),
    };
    let mut record = audit_log::Model {
        seq,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor_user_id: actor.user_id,
        actor: actor.name.clone(),
        ip: actor.ip.clone(),
        action: entry.action.to_string(),
        entity_type: entry.entity_type.to_string(),
        entity_id: entry.entity_id,
        org_code: entry.org_code,
        changes: entry.changes.to_string(),
        prev_hash,
        hash: String::new(),
    };
    record.hash = hash_of(&record);
    audit_log::Entity::insert(audit_log::ActiveModel {
        seq: Set(record.seq),
        at: Set(record.at),
        actor_user_id: Set(record.actor_user_id),
        actor: Set(record.actor),
        ip: Set(record.ip),
        action: Set(record.action),
        entity_type: Set(record.entity_type),
        entity_id: Set(record.entity_id),
        org_code: Set(record.org_code),
        changes: Set(record.changes),
        prev_hash: Set(record.prev_hash),
        hash: Set(record.hash),
    })
    .exec_without_returning(tx)
    .await?;
    Ok(seq)
}

/// Record a security event (failed sign-in, refused access) in its own transaction.
pub async fn record_event(
    db: &DatabaseConnection,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: Entry,
) -> Result<(), sea_orm::DbErr> {
    let tx = crate::db::begin_write(db).await?;
    append(&tx, actor, at, entry).await?;
    tx.commit().await
}

/// Walk the whole chain in order and name the first record that does not fit.
pub async fn verify(db: &DatabaseConnection) -> Result<ChainReport, sea_orm::DbErr> {
    const PAGE: u64 = 2000;
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut checked = 0;
    let mut pages = audit_log::Entity::find().order_by_asc(audit_log::Column::Seq).paginate(db, PAGE);
    while let Some(records) = pages.fetch_and_next().await? {
        for record in records {
            let broken = |reason: &str| ChainReport {
                checked,
                first_broken: Some(BrokenLink { seq: expected_seq, reason: reason.to_string() }),
            };
            if record.seq != expected_seq {
                return Ok(broken(&format!(
                    "缺少第 {expected_seq} 条记录（下一条是第 {} 条）：记录被删除或顺序被改动",
                    record.seq
                )));
            }
            if record.prev_hash != prev_hash {
                return Ok(broken("前一条记录的哈希不符：记录被删除、插入或调换了顺序"));
            }
            if hash_of(&record) != record.hash {
                return Ok(broken("记录内容与其哈希不符：记录被篡改"));
            }
            prev_hash = record.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    Ok(ChainReport { checked, first_broken: None })
}

/// The newest records whose unit lies in the given scope, newest first.
pub async fn recent(
    db: &DatabaseConnection,
    scope: sea_orm::Condition,
    include_unscoped: bool,
    limit: u64,
) -> Result<Vec<audit_log::Model>, sea_orm::DbErr> {
    let mut cond = sea_orm::Condition::any().add(scope);
    if include_unscoped {
        cond = cond.add(audit_log::Column::OrgCode.is_null());
    }
    audit_log::Entity::find().filter(cond).order_by_desc(audit_log::Column::Seq).limit(limit).all(db).await
}

/// A record as the browser shows it.
pub fn view_of(r: audit_log::Model) -> super::AuditRecordView {
    super::AuditRecordView {
        action_label: super::action_label(&r.action).to_string(),
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        ip: r.ip,
        action: r.action,
        entity_type: r.entity_type,
        entity_id: r.entity_id,
        changes: super::describe_changes(&r.changes),
    }
}

/// The newest records about one entity (a household's history), newest first. The caller has already
/// been authorised to read the entity.
pub async fn of_entity(
    db: &DatabaseConnection,
    entity_type: &str,
    entity_id: &str,
    limit: u64,
) -> Result<Vec<super::AuditRecordView>, sea_orm::DbErr> {
    Ok(audit_log::Entity::find()
        .filter(audit_log::Column::EntityType.eq(entity_type))
        .filter(audit_log::Column::EntityId.eq(entity_id))
        .order_by_desc(audit_log::Column::Seq)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(view_of)
        .collect())
}
