use sea_orm::entity::prelude::*;

/// A photo or document (佐证资料) of a case, optionally tied to one of its steps or measures, a
/// photo of a visit, evidence of a supervision finding, or a photo of a cross-check sheet (exactly one of
/// `case_id`, `visit_id`, `finding_id` and `check_sheet_id` is set). The bytes
/// are in the evidence store under `sha256`; rows are never deleted, a mistaken upload is withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub case_id: Option<i64>,
    pub visit_id: Option<i64>,
    pub finding_id: Option<i64>,
    pub check_sheet_id: Option<i64>,
    pub case_event_id: Option<i64>,
    pub measure_id: Option<i64>,
    pub org_code: String,
    pub sha256: String,
    pub size_bytes: i64,
    /// The type found in the content (never the name or the browser's claim).
    pub mime: String,
    /// The uploaded name, cleaned; shown to people, never used as a path.
    pub file_name: String,
    pub has_thumbnail: bool,
    /// The date the photo or document shows (taken, signed), as its uploader states it; not the upload's.
    pub shown_on: Option<Date>,
    pub uploaded_by: i64,
    pub uploaded_at: DateTimeUtc,
    pub withdrawn_at: Option<DateTimeUtc>,
    pub withdrawn_by: Option<i64>,
    pub withdraw_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
