//! Evidence kept in the database: who may attach it to a case, a visit or a supervision finding, the date
//! it shows, serving it within scope, and withdrawing it with a reason (never deleting it). Every change is
//! audited and shows in the case's history.

use chrono::{DateTime, NaiveDate, Utc};
use entities::{
    assistance_measure, case_event, cross_check_sheet, evidence, household, risk_case, supervision_finding, visit,
};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;

use super::listing::may_withdraw;
use super::store::Stored;
use super::{Attachment, clean_file_name};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::service::steps::{Step, record};
use crate::cases::{Status, lifecycle::action_label};
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;

/// What an upload is for, as the request names it.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Case(i64),
    Visit(i64),
    Finding(i64),
    CheckSheet(i64),
}

/// What an upload belongs to, once the caller may attach to it. A supervision rectification case carries
/// the day its finding was found, which its evidence may not precede.
pub enum Owner {
    Case(risk_case::Model, Option<NaiveDate>),
    Visit(visit::Model),
    Finding(supervision_finding::Model),
    CheckSheet(cross_check_sheet::Model),
}

/// The case or visit a caller wants to attach files to, if they may (checked before any byte is received).
pub async fn owner_for_upload(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    target: Target,
) -> Result<Owner, AppError> {
    Ok(match target {
        Target::Case(id) => {
            let case = crate::cases::service::in_scope(db, now, ctx, id, Action::EditHousehold).await?;
            let found_on = crate::supervision::service::findings::of_case(db, case.id).await?.map(|f| f.found_on);
            Owner::Case(case, found_on)
        }
        Target::Visit(id) => {
            Owner::Visit(crate::visits::service::in_scope(db, now, ctx, id, Action::RecordVisit).await?)
        }
        Target::Finding(id) => Owner::Finding(crate::supervision::service::findings::for_evidence(db, ctx, id).await?),
        Target::CheckSheet(id) => {
            Owner::CheckSheet(crate::crosscheck::service::sheets::for_photos(db, now, ctx, id).await?)
        }
    })
}

/// The date a piece of evidence shows, checked for what it is attached to: never after today; required for a
/// finding and for the rectification of one, and a rectification's evidence not dated before the finding (a
/// photo from before cannot show the problem put right).
pub fn check_shown_on(owner: &Owner, shown_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), AppError> {
    let required = matches!(owner, Owner::Finding(_) | Owner::CheckSheet(_) | Owner::Case(_, Some(_)));
    match shown_on {
        None if required => Err(AppError::validation("shown_on", "请填写照片或资料所示的日期（拍摄或形成日期）。")),
        Some(day) if day > today => Err(AppError::validation("shown_on", "资料日期不能晚于今天。")),
        Some(day) => match owner {
            Owner::Case(_, Some(found_on)) if day < *found_on => Err(AppError::validation(
                "shown_on",
                format!(
                    "整改佐证应为问题发现之后形成的资料：所填日期 {day} 早于问题发现日期 {found_on}，不能证明已整改。"
                ),
            )),
            _ => Ok(()),
        },
        None => Ok(()),
    }
}

/// An upload's file and what its form said about it.
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub stored: &'a Stored,
    pub attachment: &'a Attachment,
    pub shown_on: Option<NaiveDate>,
}

/// Record an uploaded file as evidence of a case (or of one of its steps or measures), as a photo of
/// a visit or as evidence of a supervision finding; returns its id. The date it shows is checked first
/// (`check_shown_on`).
pub async fn attach(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    owner: &Owner,
    upload: &Upload<'_>,
) -> Result<i64, AppError> {
    match owner {
        Owner::Case(case, _) => attach_to_case(db, now, ctx, case, upload).await,
        Owner::Visit(visit) if *upload.attachment == Attachment::Case => {
            attach_to_visit(db, now, ctx, visit, upload).await
        }
        Owner::Finding(finding) if *upload.attachment == Attachment::Case => {
            attach_to_finding(db, now, ctx, finding, upload).await
        }
        Owner::CheckSheet(sheet) if *upload.attachment == Attachment::Case => {
            attach_to_sheet(db, now, ctx, sheet, upload).await
        }
        Owner::Visit(_) | Owner::Finding(_) | Owner::CheckSheet(_) => {
            Err(AppError::validation("attach", "该资料不属于案件的步骤或措施。"))
        }
    }
}

/// A new evidence row for `stored`.
fn row_of(
    upload: &Upload<'_>,
    org_code: &str,
    file_name: &str,
    uploaded_by: i64,
    now: DateTime<Utc>,
) -> evidence::ActiveModel {
    let stored = upload.stored;
    evidence::ActiveModel {
        org_code: Set(org_code.to_string()),
        sha256: Set(stored.sha256.clone()),
        size_bytes: Set(stored.size_bytes as i64),
        mime: Set(stored.mime.clone()),
        file_name: Set(file_name.to_string()),
        has_thumbnail: Set(stored.has_thumbnail),
        shown_on: Set(upload.shown_on),
        uploaded_by: Set(uploaded_by),
        uploaded_at: Set(now),
        ..Default::default()
    }
}

/// What a visit's or a finding's upload is recorded under in the audit log.
struct Audited {
    action: &'static str,
    entity_type: &'static str,
    entity_id: String,
    /// Said about the owner besides the file (`{"visit_id": 3}`).
    about: serde_json::Value,
}

/// Insert an evidence row of `org_code` (`tie` sets what it belongs to) with its audit record, in one
/// transaction; returns its id.
async fn insert_audited(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    upload: &Upload<'_>,
    org_code: &str,
    tie: impl FnOnce(&mut evidence::ActiveModel),
    audited: Audited,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let (file_name, stored) = (clean_file_name(upload.file_name), upload.stored);
    let tx = begin_write(db).await?;
    let mut row = row_of(upload, org_code, &file_name, caller.user_id, now);
    tie(&mut row);
    let row = row.insert(&tx).await?;
    let mut after = json!({ "evidence_id": row.id, "file_name": file_name, "sha256": stored.sha256,
        "mime": stored.mime, "size_bytes": stored.size_bytes, "shown_on": upload.shown_on });
    if let (Some(after), Some(about)) = (after.as_object_mut(), audited.about.as_object()) {
        after.extend(about.clone());
    }
    let entry = Entry {
        action: audited.action,
        entity_type: audited.entity_type,
        entity_id: audited.entity_id,
        org_code: Some(org_code.to_string()),
        changes: json!({ "after": after }),
    };
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, entry).await?;
    tx.commit().await?;
    Ok(row.id)
}

async fn attach_to_visit(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    visit: &visit::Model,
    upload: &Upload<'_>,
) -> Result<i64, AppError> {
    let household = household::Entity::find_by_id(visit.household_id).one(db).await?.ok_or(AppError::NotFound)?;
    let audited = Audited {
        action: "visit.photo_uploaded",
        entity_type: "household",
        entity_id: household.code,
        about: json!({ "visit_id": visit.id }),
    };
    insert_audited(db, now, ctx, upload, &visit.org_code, |row| row.visit_id = Set(Some(visit.id)), audited).await
}

async fn attach_to_finding(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    finding: &supervision_finding::Model,
    upload: &Upload<'_>,
) -> Result<i64, AppError> {
    let audited = Audited {
        action: "supervision.evidence_uploaded",
        entity_type: "supervision_finding",
        entity_id: finding.id.to_string(),
        about: json!({}),
    };
    let tie = |row: &mut evidence::ActiveModel| row.finding_id = Set(Some(finding.id));
    insert_audited(db, now, ctx, upload, &finding.org_code, tie, audited).await
}

async fn attach_to_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    sheet: &cross_check_sheet::Model,
    upload: &Upload<'_>,
) -> Result<i64, AppError> {
    let audited = Audited {
        action: "crosscheck.photo_uploaded",
        entity_type: "cross_check_sheet",
        entity_id: sheet.id.to_string(),
        about: json!({ "check_id": sheet.check_id, "unit_id": sheet.unit_id }),
    };
    let tie = |row: &mut evidence::ActiveModel| row.check_sheet_id = Set(Some(sheet.id));
    insert_audited(db, now, ctx, upload, &sheet.village_code, tie, audited).await
}

async fn attach_to_case(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    case: &risk_case::Model,
    upload: &Upload<'_>,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let stored = upload.stored;
    let (event_id, measure_id, target) = match upload.attachment {
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
    let file_name = clean_file_name(upload.file_name);
    let status = Status::parse(&case.status).unwrap_or(Status::PendingVerification);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let mut row = row_of(upload, &case.org_code, &file_name, caller.user_id, now);
    row.case_id = Set(Some(case.id));
    row.case_event_id = Set(event_id);
    row.measure_id = Set(measure_id);
    let row = row.insert(&tx).await?;
    let dated = upload.shown_on.map(|d| format!("，资料日期 {d}")).unwrap_or_default();
    let note = format!("上传佐证资料《{file_name}》（{target}{dated}）");
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
            "mime": stored.mime, "size_bytes": stored.size_bytes, "attached_to": target, "shown_on": upload.shown_on } }),
    };
    record(&tx, step, &actor, caller.user_id, now).await?;
    tx.commit().await?;
    Ok(row.id)
}

/// A piece of evidence for serving, if the caller's scope covers its case or visit, or they see its finding
/// (otherwise: not found).
pub async fn for_download(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<evidence::Model, AppError> {
    let found = evidence::Entity::find_by_id(id).one(db).await?;
    match found.as_ref().map(|e| (e.finding_id, e.check_sheet_id)) {
        Some((Some(finding_id), _)) => {
            crate::supervision::service::findings::visible(db, ctx, finding_id).await?;
            found.ok_or(AppError::NotFound)
        }
        Some((_, Some(sheet_id))) => {
            crate::crosscheck::service::sheets::visible(db, now, ctx, sheet_id).await?;
            found.ok_or(AppError::NotFound)
        }
        _ => authz::found_in_scope(db, now, ctx, Action::ReadHousehold, found, |e| &e.org_code).await,
    }
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
    let changes = json!({ "evidence_id": id, "file_name": current.file_name, "reason": reason });
    match (current.case_id, current.visit_id, current.finding_id) {
        (Some(case_id), _, _) => {
            let case = risk_case::Entity::find_by_id(case_id).one(&tx).await?.ok_or(AppError::NotFound)?;
            let status = Status::parse(&case.status).unwrap_or(Status::PendingVerification);
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
                changes,
            };
            record(&tx, step, &actor, caller.user_id, now).await?;
        }
        (None, Some(visit_id), _) => {
            let household = match visit::Entity::find_by_id(visit_id).one(&tx).await? {
                Some(v) => household::Entity::find_by_id(v.household_id).one(&tx).await?,
                None => None,
            }
            .ok_or(AppError::NotFound)?;
            let entry = Entry {
                action: "visit.photo_withdrawn",
                entity_type: "household",
                entity_id: household.code,
                org_code: Some(current.org_code.clone()),
                changes,
            };
            audit::append(&tx, &actor, now, entry).await?;
        }
        (None, None, Some(finding_id)) => {
            let entry = Entry {
                action: "supervision.evidence_withdrawn",
                entity_type: "supervision_finding",
                entity_id: finding_id.to_string(),
                org_code: Some(current.org_code.clone()),
                changes,
            };
            audit::append(&tx, &actor, now, entry).await?;
        }
        (None, None, None) => {
            let sheet_id = current
                .check_sheet_id
                .ok_or_else(|| AppError::internal(format!("evidence {id} belongs to nothing")))?;
            let entry = Entry {
                action: "crosscheck.photo_withdrawn",
                entity_type: "cross_check_sheet",
                entity_id: sheet_id.to_string(),
                org_code: Some(current.org_code.clone()),
                changes,
            };
            audit::append(&tx, &actor, now, entry).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
