use sea_orm::entity::prelude::*;

/// The append-only, hash-chained audit log. The database refuses UPDATE and DELETE on this table.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// 1, 2, 3, ... without gaps: a missing number is a deleted record.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// RFC 3339 UTC time with microseconds, stored as text so the hashed bytes are the stored bytes.
    pub at: String,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub org_code: Option<String>,
    /// JSON: before/after of the changed fields, or details of the event.
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
