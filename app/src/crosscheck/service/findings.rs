//! The problems the check sheets found, as the checked township sees them and hands each to an owner: a case in
//! the problem's village (source 交叉检查) with a deadline, linked back to the sheet. A household that should be
//! monitored (应纳未纳) starts as a case to verify; every other problem as one to rectify.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entities::{cross_check_finding, cross_check_self_score, cross_check_sheet, household};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;

use super::{audit_change, check_in_sight, may_manage, team_place, window_open};
use crate::audit::service::Actor;
use crate::authz::{self, Action};
use crate::cases::service::opening::{Opening, open};
use crate::cases::{RiskType, Source, Status};
use crate::crosscheck::score::points;
use crate::crosscheck::sheet::FindingKind;
use crate::crosscheck::{FindingView, HandOverForm, TownshipFindings, Unit};
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// Findings as pages show them, with their villages', households' and handers' names.
pub(crate) async fn views<C: ConnectionTrait>(
    db: &C,
    rows: Vec<cross_check_finding::Model>,
) -> Result<Vec<FindingView>, AppError> {
    let villages =
        crate::org::service::display_names(db, rows.iter().map(|f| f.village_code.clone()).collect()).await?;
    let heads: HashMap<i64, String> = household::Entity::find()
        .filter(household::Column::Id.is_in(rows.iter().filter_map(|f| f.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h.head_name))
        .collect();
    let handers = crate::users::service::display_names(db, rows.iter().filter_map(|f| f.handed_by)).await?;
    let units: HashMap<i64, (i64, NaiveDate)> = cross_check_sheet::Entity::find()
        .filter(cross_check_sheet::Column::Id.is_in(rows.iter().map(|f| f.sheet_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, (s.unit_id, s.visited_on)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|f| {
            let (unit_id, found_on) = units.get(&f.sheet_id).copied().unwrap_or((0, beijing_date(f.created_at)));
            FindingView {
                id: f.id,
                unit_id,
                village: villages.get(&f.village_code).cloned().unwrap_or_default(),
                village_code: f.village_code,
                household: f.household_id.map(|id| format!("{}户", heads.get(&id).cloned().unwrap_or_default())),
                title: f.title,
                note: f.note,
                found_on,
                case_id: f.case_id,
                handed: f.handed_at.zip(f.handed_by).map(|(at, by)| {
                    format!("{} {}交办", beijing_date(at), handers.get(&by).cloned().unwrap_or_default())
                }),
            }
        })
        .collect())
}

/// Whether the caller sees a checked township's problems: the county office, the team that checks it while the
/// window is open, and whoever reads the township's households.
async fn sees_township<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    caller: &crate::permissions::Caller,
    check: &entities::cross_check::Model,
    township: &str,
) -> Result<bool, AppError> {
    Ok(may_manage(caller, check)
        || authz::authorize(caller, Action::ReadHousehold, township).is_ok()
        || (window_open(check, now) && team_place(db, caller, check, township).await?.is_some()))
}

/// A checked township's problems, for the county office, the team that checks it (in the window) and whoever reads
/// the township; with the owners the township may choose, when the caller answers for it.
pub async fn township(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    check_id: i64,
    township: &str,
) -> Result<TownshipFindings, AppError> {
    let caller = ctx.caller()?;
    let check = check_in_sight(db, caller, check_id).await?;
    if !super::townships_of(&check).iter().any(|t| t == township) {
        return Err(AppError::NotFound);
    }
    if !sees_township(db, now, caller, &check, township).await? {
        return Err(AppError::NotFound);
    }
    let rows = cross_check_finding::Entity::find()
        .filter(cross_check_finding::Column::CheckId.eq(check.id))
        .filter(cross_check_finding::Column::TownshipCode.eq(township))
        .order_by_asc(cross_check_finding::Column::VillageCode)
        .order_by_asc(cross_check_finding::Column::Id)
        .all(db)
        .await?;
    let may_answer = authz::authorize(caller, Action::AnswerCrossCheck, township).is_ok();
    let mut owners = Vec::new();
    if may_answer {
        let mut villages: Vec<String> =
            rows.iter().filter(|f| f.case_id.is_none()).map(|f| f.village_code.clone()).collect();
        villages.dedup();
        for village in villages {
            let eligible = crate::households::register::candidates(db, &village, Action::OwnCase.roles()).await?;
            owners.push((village, eligible));
        }
    }
    let self_score = cross_check_self_score::Entity::find()
        .filter(cross_check_self_score::Column::CheckId.eq(check.id))
        .filter(cross_check_self_score::Column::TownshipCode.eq(township))
        .one(db)
        .await?
        .map(|s| points(s.score_tenths.max(0) as u32));
    let name = crate::org::service::display_names(db, vec![township.to_string()]).await?.remove(township);
    Ok(TownshipFindings {
        township: Unit { code: township.to_string(), name: name.unwrap_or_default() },
        findings: views(db, rows).await?,
        owners,
        may_answer,
        self_score,
        self_assessment_percent: super::rules_of(&check).self_assessment_percent,
    })
}

/// Hand a problem to an owner of its village (the township's leaders and staff): a case of source 交叉检查, due by
/// the township's date or the policy's working days for rectification, linked back to the sheet. Returns the
/// case's id.
pub async fn hand_over(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &HandOverForm,
) -> Result<i64, AppError> {
    let caller = ctx.caller()?;
    let finding_id: i64 = form.finding_id.trim().parse().map_err(|_| AppError::NotFound)?;
    let finding = cross_check_finding::Entity::find_by_id(finding_id).one(db).await?.ok_or(AppError::NotFound)?;
    let check = check_in_sight(db, caller, finding.check_id).await?;
    if !sees_township(db, now, caller, &check, &finding.township_code).await? {
        return Err(AppError::NotFound);
    }
    authz::authorize(caller, Action::AnswerCrossCheck, &finding.village_code)?;
    if finding.case_id.is_some() {
        return Err(AppError::Conflict("该问题已交办。".into()));
    }
    let (owner, deadline) = crate::cases::service::opening::handover_terms(
        db,
        &finding.village_code,
        &form.owner_user_id,
        &form.deadline,
        beijing_date(now),
        "责任人应为该村的干部，请从列表中选择。",
    )
    .await?;
    let household = match finding.household_id {
        Some(id) => household::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let (risk_type, status) = match FindingKind::parse(&finding.kind) {
        Some(FindingKind::ShouldInclude) => (RiskType::Income, Status::PendingVerification),
        _ => (RiskType::Other, Status::Rectifying),
    };
    let description = format!("{}发现（{}）：{}", check.title, finding.title, finding.note);
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let opening = Opening {
        household: household.as_ref(),
        org_code: &finding.village_code,
        source: Source::CrossCheck,
        risk_type,
        red_alert: false,
        description: &description,
        owner,
        department: "",
        responsible_person: "",
        deadline,
        status,
        notify_owner: true,
    };
    let case_id = open(&tx, now, &actor, opening).await?;
    // Taken only if nobody handed it over meanwhile (a second click, a colleague): else nothing is kept.
    let taken = cross_check_finding::Entity::update_many()
        .col_expr(cross_check_finding::Column::CaseId, Expr::value(case_id))
        .col_expr(cross_check_finding::Column::HandedBy, Expr::value(caller.user_id))
        .col_expr(cross_check_finding::Column::HandedAt, Expr::value(now))
        .filter(cross_check_finding::Column::Id.eq(finding.id))
        .filter(cross_check_finding::Column::CaseId.is_null())
        .exec(&tx)
        .await?;
    if taken.rows_affected == 0 {
        return Err(AppError::Conflict("该问题已交办。".into()));
    }
    let changes = json!({ "after": { "finding_id": finding.id, "title": finding.title, "case_id": case_id,
        "owner_user_id": owner, "deadline": deadline } });
    audit_change(&tx, &actor, now, &check, "crosscheck.handed_over", changes).await?;
    tx.commit().await?;
    Ok(case_id)
}
