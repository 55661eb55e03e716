//! The evidence of a case, a visit or supervision findings as their pages list it. Attaching and withdrawing
//! are in `service`.

use std::collections::HashMap;

use entities::{assistance_measure, case_event, evidence};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{EvidenceView, Withdrawal, kind_label};
use crate::authz::{self, Action};
use crate::cases::lifecycle::action_label;
use crate::error::AppError;

/// The photos of a visit, oldest first.
pub async fn of_visit(
    db: &DatabaseConnection,
    caller: &crate::permissions::Caller,
    visit_id: i64,
) -> Result<Vec<EvidenceView>, AppError> {
    of_owner(db, caller, evidence::Column::VisitId, visit_id, "走访照片").await
}

/// The photos of a cross-check sheet, oldest first.
pub async fn of_check_sheet(
    db: &DatabaseConnection,
    caller: &crate::permissions::Caller,
    sheet_id: i64,
) -> Result<Vec<EvidenceView>, AppError> {
    of_owner(db, caller, evidence::Column::CheckSheetId, sheet_id, "核查照片").await
}

/// The evidence whose `column` is `id`, oldest first, each said to be `label`.
async fn of_owner(
    db: &DatabaseConnection,
    caller: &crate::permissions::Caller,
    column: evidence::Column,
    id: i64,
    label: &'static str,
) -> Result<Vec<EvidenceView>, AppError> {
    let rows = evidence::Entity::find().filter(column.eq(id)).order_by_asc(evidence::Column::Id).all(db).await?;
    views(db, caller, rows, |_| label.into()).await
}

/// The evidence of each of the findings `ids`, oldest first (one query for a round's findings).
pub async fn of_findings(
    db: &DatabaseConnection,
    caller: &crate::permissions::Caller,
    ids: Vec<i64>,
) -> Result<HashMap<i64, Vec<EvidenceView>>, AppError> {
    let rows = evidence::Entity::find()
        .filter(evidence::Column::FindingId.is_in(ids))
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?;
    let owners: Vec<i64> = rows.iter().filter_map(|r| r.finding_id).collect();
    let mut by_finding: HashMap<i64, Vec<EvidenceView>> = HashMap::new();
    for (finding, view) in owners.into_iter().zip(views(db, caller, rows, |_| "督查问题".into()).await?) {
        by_finding.entry(finding).or_default().push(view);
    }
    Ok(by_finding)
}

/// The evidence of a case, oldest first.
pub async fn of_case(
    db: &DatabaseConnection,
    caller: &crate::permissions::Caller,
    case_id: i64,
) -> Result<Vec<EvidenceView>, AppError> {
    let rows = evidence::Entity::find()
        .filter(evidence::Column::CaseId.eq(case_id))
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?;
    let events: HashMap<i64, String> = case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, action_label(&e.action).to_string()))
        .collect();
    let measures: HashMap<i64, String> = assistance_measure::Entity::find()
        .filter(assistance_measure::Column::CaseId.eq(case_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.description))
        .collect();
    views(db, caller, rows, |r| match (r.case_event_id, r.measure_id) {
        (Some(e), _) => format!("步骤：{}", events.get(&e).cloned().unwrap_or_default()),
        (_, Some(m)) => format!("措施：{}", measures.get(&m).cloned().unwrap_or_default()),
        _ => "案件".into(),
    })
    .await
}

/// Evidence rows as people see them; `attached_to` says what each belongs to.
async fn views(
    db: &DatabaseConnection,
    caller: &crate::permissions::Caller,
    rows: Vec<evidence::Model>,
    attached_to: impl Fn(&evidence::Model) -> String,
) -> Result<Vec<EvidenceView>, AppError> {
    let people = crate::users::service::display_names(
        db,
        rows.iter().flat_map(|r| std::iter::once(r.uploaded_by).chain(r.withdrawn_by)),
    )
    .await?;
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| EvidenceView {
            attached_to: attached_to(&r),
            kind_label: kind_label(&r.mime).into(),
            is_image: r.mime.starts_with("image/"),
            withdrawn: r.withdrawn_at.map(|at| Withdrawal {
                by: r.withdrawn_by.map(name).unwrap_or_default(),
                at,
                reason: r.withdraw_reason.clone().unwrap_or_default(),
            }),
            may_withdraw: r.withdrawn_at.is_none() && may_withdraw(caller, &r),
            uploaded_by: name(r.uploaded_by),
            id: r.id,
            file_name: r.file_name,
            mime: r.mime,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            has_thumbnail: r.has_thumbnail,
            shown_on: r.shown_on,
            uploaded_at: r.uploaded_at,
        })
        .collect())
}

/// Who may withdraw a piece of evidence: its uploader while they still edit the unit's households, or whoever
/// assigns the unit's cadres; a finding's evidence or a check sheet's photo, only the team member who uploaded it.
pub fn may_withdraw(caller: &crate::permissions::Caller, row: &evidence::Model) -> bool {
    if row.finding_id.is_some() || row.check_sheet_id.is_some() {
        return row.uploaded_by == caller.user_id;
    }
    row.uploaded_by == caller.user_id && authz::authorize(caller, Action::EditHousehold, &row.org_code).is_ok()
        || authz::authorize(caller, Action::AssignCadres, &row.org_code).is_ok()
}
