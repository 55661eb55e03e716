use sea_orm::entity::prelude::*;

/// One notice to one person (the in-app list); e-mail copies are in `mail_outbox`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// `assignment`, `due_soon`, `overdue`, `escalation`, `red_alert`, `digest`.
    pub category: String,
    pub title: String,
    pub body: String,
    /// Where the notice leads in the app (`/cases/12`).
    pub link: String,
    /// Set by scheduled jobs: the same notice is never written twice (`overdue:12:2026-03-09:7`).
    #[sea_orm(unique)]
    pub dedupe_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
