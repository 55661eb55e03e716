//! Writing and verifying the audit chain.
//!
//! Each record holds the hash of the previous record (`prev_hash`) and of its own canonical content
//! (`hash`); sequence numbers have no gaps. From the `audit.keyed` record on, the hash is an HMAC-SHA256
//! under the audit key, which is kept outside the database (see [`install_key`]): someone who can write
//! the database but lacks the key cannot recompute the chain after changing a record. Records before it
//! (written by versions without the key) keep their plain SHA-256 and stay verifiable, because the keyed
//! `audit.keyed` record holds the last of them. Appends are serialised: on SQLite by the write transaction
//! (`db::begin_write` takes the write lock at BEGIN), on PostgreSQL by a transaction-scoped advisory lock.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, SecondsFormat, Utc};
use entities::audit_log;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, Statement,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::checkpoint::Checkpoint;
use super::{BrokenLink, ChainReport};
use crate::audit::RequestMeta;
use crate::error::AppError;
use crate::permissions::Caller;
use crate::token::keyed_digest;

/// The hash before the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Advisory lock key that serialises audit appends on PostgreSQL ("audit" in ASCII).
const PG_AUDIT_LOCK: i64 = 0x0061_7564_6974;
/// The record from which the chain is keyed.
pub const KEYED_ACTION: &str = "audit.keyed";

/// The audit key of this process. One server process serves one database, so the key is process-wide;
/// it is installed at start-up, before any record is written.
static KEY: OnceLock<Arc<[u8]>> = OnceLock::new();

/// Install the audit key (at start-up). Installing the same key again is harmless; a different one is
/// refused, since records written under two keys would not verify.
pub fn install_key(key: &[u8]) -> Result<(), AppError> {
    let installed = KEY.get_or_init(|| key.into());
    if installed.as_ref() == key {
        Ok(())
    } else {
        Err(AppError::internal("a different audit key is already installed"))
    }
}

/// The installed audit key.
pub fn key() -> Result<Arc<[u8]>, sea_orm::DbErr> {
    KEY.get().cloned().ok_or_else(|| sea_orm::DbErr::Custom("the audit key is not installed".into()))
}

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

/// The canonical bytes of a record: what its hash covers.
fn canonical_bytes(record: &audit_log::Model) -> Vec<u8> {
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
    serde_json::to_vec(&canonical).unwrap_or_default()
}

/// The plain SHA-256 of a record, as records before `audit.keyed` are hashed (and as anyone can compute).
pub fn unkeyed_hash(record: &audit_log::Model) -> String {
    hex::encode(Sha256::digest(canonical_bytes(record)))
}

/// The keyed hash of a record.
fn keyed_hash(key: &[u8], record: &audit_log::Model) -> String {
    keyed_digest(key, &canonical_bytes(record))
}

/// Take the chain for this transaction (PostgreSQL; on SQLite the write transaction holds it already).
async fn lock_chain<C: ConnectionTrait>(tx: &C) -> Result<(), sea_orm::DbErr> {
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        tx.execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [sea_orm::Value::from(PG_AUDIT_LOCK)],
        ))
        .await?;
    }
    Ok(())
}

/// The newest record.
pub async fn head<C: ConnectionTrait>(db: &C) -> Result<Option<audit_log::Model>, sea_orm::DbErr> {
    audit_log::Entity::find().order_by_desc(audit_log::Column::Seq).limit(1).one(db).await
}

/// Append one record inside the caller's write transaction.
pub async fn append<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: Entry,
) -> Result<i64, sea_orm::DbErr> {
    let key = key()?;
    lock_chain(tx).await?;
    let (seq, prev_hash) = match head(tx).await? {
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
    record.hash = keyed_hash(&key, &record);
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

/// Whether the chain has its `audit.keyed` record.
pub async fn is_keyed<C: ConnectionTrait>(db: &C) -> Result<bool, sea_orm::DbErr> {
    Ok(audit_log::Entity::find().filter(audit_log::Column::Action.eq(KEYED_ACTION)).one(db).await?.is_some())
}

/// Key the chain, once: when it has no `audit.keyed` record yet (a new database, or one written by a
/// version without the key), append it, naming the last unkeyed record. Returns the new record's number.
pub async fn ensure_keyed(db: &DatabaseConnection, at: DateTime<Utc>) -> Result<Option<i64>, sea_orm::DbErr> {
    let tx = crate::db::begin_write(db).await?;
    lock_chain(&tx).await?;
    if is_keyed(&tx).await? {
        return Ok(None);
    }
    let unkeyed_until = head(&tx).await?.map(|h| h.seq).unwrap_or(0);
    let system = Actor { user_id: None, name: "系统".into(), ip: None };
    let entry = Entry {
        action: KEYED_ACTION,
        entity_type: "audit_log",
        entity_id: String::new(),
        org_code: None,
        changes: serde_json::json!({ "unkeyed_until": unkeyed_until }),
    };
    let seq = append(&tx, &system, at, entry).await?;
    tx.commit().await?;
    Ok(Some(seq))
}

/// Walk the whole chain in order and name the first record that does not fit: a record whose hash (keyed
/// from `audit.keyed` on) does not match its content, a gap, a broken link, a record that differs from
/// a checkpoint, or records a checkpoint saw that are gone.
pub async fn verify(db: &DatabaseConnection, checkpoints: &[Checkpoint]) -> Result<ChainReport, sea_orm::DbErr> {
    const PAGE: u64 = 2000;
    let key = key()?;
    let anchors: BTreeMap<i64, &Checkpoint> = checkpoints.iter().map(|c| (c.seq, c)).collect();
    let latest = checkpoints.iter().max_by_key(|c| c.seq);
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS_HASH.to_string();
    let mut checked = 0;
    let mut keyed = false;
    let report = |checked: u64, broken: Option<BrokenLink>| ChainReport {
        checked,
        first_broken: broken,
        checkpoint: latest.map(Checkpoint::describe),
    };
    let mut pages = audit_log::Entity::find().order_by_asc(audit_log::Column::Seq).paginate(db, PAGE);
    while let Some(records) = pages.fetch_and_next().await? {
        for record in records {
            let broken =
                |reason: &str| report(checked, Some(BrokenLink { seq: expected_seq, reason: reason.to_string() }));
            if record.seq != expected_seq {
                return Ok(broken(&format!(
                    "缺少第 {expected_seq} 条记录（下一条是第 {} 条）：记录被删除或顺序被改动",
                    record.seq
                )));
            }
            if record.prev_hash != prev_hash {
                return Ok(broken("前一条记录的哈希不符：记录被删除、插入或调换了顺序"));
            }
            keyed |= record.action == KEYED_ACTION;
            let hash = if keyed { keyed_hash(&key, &record) } else { unkeyed_hash(&record) };
            if hash != record.hash {
                return Ok(broken("记录内容与其哈希不符：记录被篡改（或其后的哈希被不持有审计密钥的人重算）"));
            }
            if let Some(anchor) = anchors.get(&record.seq)
                && anchor.hash != record.hash
            {
                return Ok(broken(&format!("与{}不符：审计链被改写", anchor.describe())));
            }
            prev_hash = record.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    if let Some(latest) = latest
        && latest.seq >= expected_seq
    {
        let reason = format!(
            "缺少第 {expected_seq} 至第 {last} 条记录：{} 的检查点记录审计链已到第 {last} 条，末尾的记录被删除",
            latest.time(),
            last = latest.seq
        );
        return Ok(report(checked, Some(BrokenLink { seq: expected_seq, reason })));
    }
    if checked > 0 && !keyed {
        let reason = "没有“审计链启用密钥”记录：它和其后的记录被删除，或整条链被改写";
        return Ok(report(checked, Some(BrokenLink { seq: expected_seq, reason: reason.into() })));
    }
    Ok(report(checked, None))
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
        action_label: super::labels::action_label(&r.action).to_string(),
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        ip: r.ip,
        action: r.action,
        entity_type: r.entity_type,
        entity_id: r.entity_id,
        changes: super::labels::describe_changes(&r.changes),
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
