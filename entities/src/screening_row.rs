use sea_orm::entity::prelude::*;

/// One warning pushed by a department (部门筛查预警) and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "screening_row")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The `import_batch` it arrived in (a file or an API call).
    pub batch_id: i64,
    /// The department's code (`health`, `education`, ...).
    pub department: String,
    /// SHA-256 of the warning's content (ID number, type, description): the same warning is taken once.
    pub row_key: String,
    /// Its row in the file (1 = header), or its position in an API call.
    pub row_number: i32,
    pub resident_id: String,
    pub name: String,
    pub risk_type: String,
    pub red_alert: bool,
    pub description: String,
    /// The matched household's unit, or the unit named in the row, or the department's unit.
    pub org_code: String,
    pub household_id: Option<i64>,
    pub case_id: Option<i64>,
    /// `opened` (a new case), `updated` (an open case of the same kind), `unmatched`.
    pub outcome: String,
    pub created_at: DateTimeUtc,
    /// For unmatched rows: the township's verification.
    pub resolved_at: Option<DateTimeUtc>,
    pub resolved_by: Option<i64>,
    pub resolution: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
