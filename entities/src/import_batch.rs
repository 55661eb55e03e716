use sea_orm::entity::prelude::*;

/// One uploaded spreadsheet and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_batch")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `households`
    pub kind: String,
    pub file_name: String,
    /// SHA-256 of the file's bytes, hex.
    pub file_hash: String,
    /// `applied` or `rejected`.
    pub outcome: String,
    /// The row-by-row report as JSON.
    pub report: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
