//! The assistance plan (一户一方案): a case's measures, who may work them, and saving one.

use super::steps::{Step, record};
use super::{in_scope, status_of};
use crate::audit::service::Actor;
use crate::authz::{self, Action};
use crate::cases::RiskType;
use crate::cases::lifecycle::Status;
use crate::cases::measures::{
    Category, InsuranceCause, MeasureForm, MeasureStatus, MeasureView, check_appraised, check_entitlement,
};
use crate::db::begin_write;
use crate::error::AppError;
use crate::permissions::Role;
use crate::policy::RosterGroup;
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::workflow::procedure::{Procedure, Stage};
use chrono::{DateTime, Datelike, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, TryIntoModel,
};
use serde_json::json;

/// Whether the caller may add or change a case's measures now.
pub(super) fn may_work_measures(status: Status, roles: &[Role], is_owner: bool) -> bool {
    matches!(status, Status::Assisting | Status::Rectifying)
        && crate::permissions::Step::CaseMeasures.allowed(roles, is_owner)
}

fn measure_view(m: entities::assistance_measure::Model) -> Result<MeasureView, AppError> {
    let category =
        Category::parse(&m.category).ok_or_else(|| AppError::internal(format!("measure {} category", m.id)))?;
    let status =
        MeasureStatus::parse(&m.status).ok_or_else(|| AppError::internal(format!("measure {} status", m.id)))?;
    Ok(MeasureView {
        id: m.id,
        case_id: m.case_id,
        category,
        category_label: category.label().into(),
        description: m.description,
        responsible_person: m.responsible_person,
        start_on: m.start_on,
        end_on: m.end_on,
        status,
        status_label: status.label().into(),
        insurance_cause: m.insurance_cause.as_deref().and_then(InsuranceCause::parse),
    })
}

/// The measures matching a condition, oldest first.
pub async fn measures_where(db: &DatabaseConnection, condition: Condition) -> Result<Vec<MeasureView>, AppError> {
    entities::assistance_measure::Entity::find()
        .filter(condition)
        .order_by_asc(entities::assistance_measure::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(measure_view)
        .collect()
}

/// The Huoshan roster the case's household is on under this year's policy for its unit (none for a unit
/// case, a household without a class, or a unit without a policy).
async fn roster_of_household(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    case: &entities::risk_case::Model,
) -> Result<Option<RosterGroup>, AppError> {
    let Some(id) = case.household_id else { return Ok(None) };
    let Some(household) = entities::household::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let Some(class) = household.monitoring_class else { return Ok(None) };
    match crate::policy::service::effective(db, &household.org_code, beijing_date(now).year()).await {
        Ok(view) => Ok(view.policy.category(&class).and_then(|c| c.roster)),
        Err(AppError::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// [F] 8: where the policy appraises measures, putting one into effect needs the household's confirmed
/// 落实帮扶措施 run (see [`check_appraised`]). Unit cases have no household to appraise.
async fn check_appraisal<C: sea_orm::ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    case: &entities::risk_case::Model,
    existing: Option<&entities::assistance_measure::Model>,
    to: MeasureStatus,
) -> Result<(), AppError> {
    use entities::identification;
    let Some(household_id) = case.household_id else { return Ok(()) };
    let appraise = match crate::policy::service::effective(db, &case.org_code, beijing_date(now).year()).await {
        Ok(view) => view.policy.appraise_measures,
        Err(AppError::Conflict(_)) => false,
        Err(e) => return Err(e),
    };
    if !appraise {
        return Ok(());
    }
    let confirmed = identification::Entity::find()
        .filter(identification::Column::HouseholdId.eq(household_id))
        .filter(identification::Column::Kind.eq(Procedure::Measures.as_str()))
        .filter(identification::Column::Stage.eq(Stage::Approved.as_str()))
        .order_by_desc(identification::Column::Id)
        .one(db)
        .await?
        .map(|run| run.created_at);
    let from = existing.map(|m| MeasureStatus::parse(&m.status)).unwrap_or(None);
    check_appraised(true, from, to, existing.map(|m| m.created_at), confirmed)
}

fn risk_type_of(case: &entities::risk_case::Model) -> Result<RiskType, AppError> {
    RiskType::parse(&case.risk_type).ok_or_else(|| AppError::internal(format!("case {} risk type", case.id)))
}

/// Add a measure to a case, or change one (its status above all), while the case is being assisted. A
/// subsidy for a 不享受政策的脱贫户 is refused unless the case is about 两不愁三保障 or a disaster [H].
pub async fn save_measure(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    case_id: i64,
    form: &MeasureForm,
) -> Result<(), AppError> {
    use entities::assistance_measure as measure;
    let row = in_scope(db, now, ctx, case_id, Action::ReadHousehold).await?;
    let caller = ctx.caller()?;
    let fields = form.parse()?;
    let status = status_of(&row)?;
    if !may_work_measures(status, &authz::roles_over(ctx.caller()?, &row.org_code), row.owner_user_id == caller.user_id)
    {
        return Err(AppError::Conflict(format!(
            "帮扶措施在案件“已纳入帮扶”或“整改中”时由责任人、村干部或镇街工作人员填写；案件当前为“{}”。",
            status.label()
        )));
    }
    check_entitlement(fields.category, roster_of_household(db, now, &row).await?, risk_type_of(&row)?)?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let existing = match form.measure_id.trim() {
        "" => None,
        id => Some(
            measure::Entity::find_by_id(id.parse::<i64>().map_err(|_| AppError::NotFound)?)
                .filter(measure::Column::CaseId.eq(row.id))
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
    };
    check_appraisal(&tx, now, &row, existing.as_ref(), fields.status).await?;
    let before = existing.clone().map(measure_view).transpose()?;
    let mut active = match existing {
        Some(m) => m.into_active_model(),
        None => measure::ActiveModel {
            case_id: Set(row.id),
            household_id: Set(row.household_id),
            org_code: Set(row.org_code.clone()),
            created_by: Set(caller.user_id),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.category = Set(fields.category.as_str().into());
    active.description = Set(fields.description.clone());
    active.responsible_person = Set(fields.responsible_person.clone());
    active.start_on = Set(fields.start_on);
    active.end_on = Set(fields.end_on);
    active.status = Set(fields.status.as_str().into());
    active.insurance_cause = Set(fields.insurance_cause.map(|c| c.as_str().to_string()));
    active.updated_at = Set(now);
    let saved = measure_view(active.save(&tx).await?.try_into_model()?)?;
    let note = match &before {
        None => format!(
            "新增措施：{}{} — {}（{}）",
            fields.category.label(),
            fields.insurance_cause.map(|c| format!("（{}）", c.label())).unwrap_or_default(),
            fields.description,
            fields.status.label()
        ),
        Some(b) => format!("措施“{}”：{} → {}", fields.description, b.status_label, saved.status_label),
    };
    let step = Step {
        case_id: row.id,
        org_code: &row.org_code,
        action: "measure",
        from: Some(status),
        to: status,
        note: &note,
        deadline: None,
        audit_action: "case.measure_saved",
        changes: json!({ "before": before, "after": saved }),
    };
    record(&tx, step, &actor, caller.user_id, now).await?;
    tx.commit().await?;
    Ok(())
}
