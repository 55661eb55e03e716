//! Evidence kept in the database: who may attach it, listing it with its case, serving it within
//! scope, and withdrawing it with a reason (never deleting it). Every change is audited and shows in
//! the case's history.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{assistance_measure, case_event, evidence, risk_case};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::store::Stored;
use super::{Attachment, EvidenceView, Withdrawal, clean_file_name, kind_label};
use crate::audit::service::Actor;
use crate::authz::{self, Action};
use crate::cases::service::{Step, record};
use crate::cases::{Status, lifecycle::action_label};
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;

/// The case a caller wants to attach evidence to, if they may (checked before any byte is received).
pub async fn case_for_upload(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    case_id: i64,
) -> Result<risk_case::Model, AppError> {
    crate::cases::service::in_scope(db, now, ctx, case_id, Action::EditHousehold).await
}

/// Record an uploaded file as evidence of a case (or of one of its steps or measures); returns its id.
pub async fn attach(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    case: &risk_case::Model,
    attachment: &Attachment,
    file_name: &str,
    stored: &Stored,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let (event_id, measure_id, target) = match attachment {
        Attachment::Case => (None, None, "案件".to_string()),
        Attachment::Step(id) => {
            let event = case_event::Entity::find_by_id(*id)
                .filter(case_event::Column::CaseId.eq(case.id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::validation("attach", "所选办理步骤不属于该案件。"))?;
            (Some(event.id), None, format!("步骤：{}", action_label(&event.action)))
        }
        Attachment::Measure(id) => {
            let measure = assistance_measure::Entity::find_by_id(*id)
                .filter(assistance_measure::Column::CaseId.eq(case.id))
                .one(db)
                .await?
                .ok_or_else(|| AppError::validation("attach", "所选帮扶措施不属于该案件。"))?;
            (None, Some(measure.id), format!("措施：{}", measure.description))
        }
    };
    let file_name = clean_file_name(file_name);
    let status = Status::parse(&case.status).unwrap_or(Status::PendingVerification);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let row = evidence::ActiveModel {
        case_id: Set(case.id),
        case_event_id: Set(event_id),
        measure_id: Set(measure_id),
        org_code: Set(case.org_code.clone()),
        sha256: Set(stored.sha256.clone()),
        size_bytes: Set(stored.size_bytes as i64),
        mime: Set(stored.mime.clone()),
        file_name: Set(file_name.clone()),
        has_thumbnail: Set(stored.has_thumbnail),
        uploaded_by: Set(caller.user_id),
        uploaded_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    let note = format!("上传佐证资料《{file_name}》（{target}）");
    let step = Step {
        case_id: case.id,
        org_code: &case.org_code,
        action: "evidence",
        from: Some(status),
        to: status,
        note: &note,
        deadline: None,
        audit_action: "evidence.uploaded",
        changes: json!({ "after": { "evidence_id": row.id, "file_name": file_name, "sha256": stored.sha256,
            "mime": stored.mime, "size_bytes": stored.size_bytes, "attached_to": target } }),
    };
    record(&tx, step, &actor, caller.user_id, now).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// The evidence of a case, oldest first.
pub async fn of_case(
    db: &DatabaseConnection,
    caller: &crate::auth::Caller,
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
    let people = crate::users::service::display_names(
        db,
        rows.iter().flat_map(|r| std::iter::once(r.uploaded_by).chain(r.withdrawn_by)),
    )
    .await?;
    let name = |id: i64| people.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| EvidenceView {
            attached_to: match (r.case_event_id, r.measure_id) {
                (Some(e), _) => format!("步骤：{}", events.get(&e).cloned().unwrap_or_default()),
                (_, Some(m)) => format!("措施：{}", measures.get(&m).cloned().unwrap_or_default()),
                _ => "案件".into(),
            },
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
            uploaded_at: r.uploaded_at,
        })
        .collect())
}

/// A piece of evidence for serving, if the caller's scope covers its case (otherwise: not found).
pub async fn for_download(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<evidence::Model, AppError> {
    let found = evidence::Entity::find_by_id(id).one(db).await?;
    let org_code = found.as_ref().map(|e| e.org_code.clone()).unwrap_or_default();
    authz::check(db, now, ctx, Action::ReadHousehold, &org_code).await?;
    found.ok_or(AppError::NotFound)
}

fn may_withdraw(caller: &crate::auth::Caller, row: &evidence::Model) -> bool {
    row.uploaded_by == caller.user_id && authz::authorize(caller, Action::EditHousehold, &row.org_code).is_ok()
        || authz::authorize(caller, Action::AssignCadres, &row.org_code).is_ok()
}

/// Withdraw a mistaken upload with a reason: the uploader, or whoever assigns the unit's cadres. The
/// file and its row stay; lists show it struck through with the reason.
pub async fn withdraw(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let row = for_download(db, now, ctx, id).await?;
    if !may_withdraw(caller, &row) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::validation("reason", "请写明撤回的原因。"));
    }
    if reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "撤回原因不超过 200 字。"));
    }
    let case = risk_case::Entity::find_by_id(row.case_id).one(db).await?.ok_or(AppError::NotFound)?;
    let status = Status::parse(&case.status).unwrap_or(Status::PendingVerification);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let current = evidence::Entity::find_by_id(id).one(&tx).await?.ok_or(AppError::NotFound)?;
    if current.withdrawn_at.is_some() {
        return Err(AppError::Conflict("该资料已被撤回。".into()));
    }
    let mut active = current.clone().into_active_model();
    active.withdrawn_at = Set(Some(now));
    active.withdrawn_by = Set(Some(caller.user_id));
    active.withdraw_reason = Set(Some(reason.to_string()));
    active.update(&tx).await?;
    let note = format!("撤回佐证资料《{}》：{reason}", current.file_name);
    let step = Step {
        case_id: case.id,
        org_code: &case.org_code,
        action: "evidence_withdrawn",
        from: Some(status),
        to: status,
        note: &note,
        deadline: None,
        audit_action: "evidence.withdrawn",
        changes: json!({ "evidence_id": id, "file_name": current.file_name, "reason": reason }),
    };
    record(&tx, step, &actor, caller.user_id, now).await?;
    tx.commit().await?;
    Ok(())
}
