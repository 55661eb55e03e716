//! The risk verdict of households: one evaluated now from its facts, many at once, and the stored
//! verdicts kept fresh after a change of facts or policy.

use super::reading::{latest_assessments, latest_per_item};
use crate::authz::{self};
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::{AssessmentView, RiskView};
use crate::risk::{
    AssessmentStatus, ChildStatus, Health, HouseType, HouseholdFacts, IncomeFacts, Labour, MemberFacts, Schooling,
    SecurityItem, evaluate, formerly_poor_roster,
};
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, household_income, household_member, security_assessment};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The household's evaluation under this year's policy as of `now`, with its members' labour capacity
/// and the year of its latest income record (for the risk-elimination rules). No policy: a Conflict.
pub async fn evaluate_now<C: ConnectionTrait>(
    db: &C,
    household: &household::Model,
    now: DateTime<Utc>,
) -> Result<(crate::risk::Evaluation, Vec<Labour>, Option<i32>), AppError> {
    let members =
        household_member::Entity::find().filter(household_member::Column::HouseholdId.eq(household.id)).all(db).await?;
    let incomes = household_income::Entity::find()
        .filter(household_income::Column::HouseholdId.eq(household.id))
        .order_by_desc(household_income::Column::Year)
        .limit(2)
        .all(db)
        .await?;
    let assessments = latest_assessments(db, household.id).await?;
    let risk = risk_view(db, household, &members, &incomes, &assessments, now).await?;
    let evaluation = match (risk.evaluation, risk.unavailable) {
        (Some(e), _) => e,
        (None, message) => return Err(AppError::Conflict(message.unwrap_or_default())),
    };
    let labour = members.iter().map(|m| Labour::from_label(&m.labour_capacity)).collect();
    Ok((evaluation, labour, incomes.first().map(|i| i.year)))
}

/// What the risk rules need, read from the register: members, the latest two years' finances, the
/// latest assessments, and the household's recorded house type, failed industry, disaster and other hardship.
pub(super) fn facts(
    household: &household::Model,
    members: &[household_member::Model],
    incomes: &[household_income::Model],
    assessments: &[(SecurityItem, AssessmentStatus)],
    today: NaiveDate,
) -> HouseholdFacts {
    let income_facts = |i: &household_income::Model| IncomeFacts {
        wage_fen: i.wage_fen,
        business_fen: i.business_fen,
        property_fen: i.property_fen,
        transfer_fen: i.transfer_fen,
        medical_fen: i.medical_fen,
        schooling_fen: i.schooling_fen,
        disaster_fen: i.disaster_fen,
        other_rigid_fen: i.other_rigid_fen,
    };
    let latest = incomes.first();
    let previous = latest.and_then(|l| incomes.iter().find(|i| i.year == l.year - 1));
    HouseholdFacts {
        members: members
            .iter()
            .map(|m| MemberFacts {
                name: m.name.clone(),
                age: today.years_since(m.birth_date).map(|y| y as i32).unwrap_or(0),
                labour: Labour::from_label(&m.labour_capacity),
                health: Health::from_label(&m.health),
                schooling: Schooling::from_label(&m.schooling),
                co_resident: m.co_resident,
                guardian: m.guardian.clone(),
                child: ChildStatus::from_label(m.child_status.as_deref().unwrap_or_default()),
            })
            .collect(),
        income: latest.map(income_facts),
        last_year_income: previous.map(income_facts),
        assessments: assessments.to_vec(),
        house: HouseType::from_label(&household.house_type),
        industry_failure: household.industry_failure.clone(),
        disaster_loss: household.disaster_loss.clone(),
        other_hardship: household.other_hardship.clone(),
    }
}

/// Evaluate the household under this year's policy for its unit.
pub(super) async fn risk_view<C: ConnectionTrait>(
    db: &C,
    household: &household::Model,
    members: &[household_member::Model],
    incomes: &[household_income::Model],
    assessments: &[AssessmentView],
    now: DateTime<Utc>,
) -> Result<RiskView, AppError> {
    let today = beijing_date(now);
    let year = today.year();
    match crate::policy::service::effective(db, &household.org_code, year).await {
        Ok(policy) => {
            let checklist: Vec<_> = assessments.iter().map(|a| (a.item, a.status)).collect();
            let evaluation = evaluate(&facts(household, members, incomes, &checklist, today), &policy.policy);
            let roster = household.monitoring_class.as_deref().and_then(|c| policy.policy.category(c)?.roster);
            let roster_check = roster
                .zip(evaluation.per_capita_income_yuan)
                .and_then(|(roster, pc)| formerly_poor_roster(pc, roster, &policy.policy));
            Ok(RiskView {
                year,
                evaluation: Some(evaluation),
                policy_name: Some(policy.policy.name),
                unavailable: None,
                roster_check,
            })
        }
        Err(AppError::Conflict(message)) => {
            Ok(RiskView { year, policy_name: None, evaluation: None, unavailable: Some(message), roster_check: None })
        }
        Err(e) => Err(e),
    }
}

/// Rows grouped by their household, keeping their order.
fn by_household<T>(rows: Vec<T>, household_of: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut groups: HashMap<i64, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(household_of(&row)).or_default().push(row);
    }
    groups
}

/// One household of a batch with what was read for it and its evaluation (none where its unit has no
/// policy for the year).
pub struct Evaluated {
    pub household: household::Model,
    pub members: Vec<household_member::Model>,
    pub income: Option<household_income::Model>,
    pub evaluation: Option<crate::risk::Evaluation>,
}

/// Read and evaluate a batch of households under this year's policy for their units. `policies` caches
/// the policy per unit across batches.
pub async fn evaluate_batch<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    today: NaiveDate,
    policies: &mut HashMap<String, Option<crate::policy::Policy>>,
) -> Result<Vec<Evaluated>, AppError> {
    let ids = ids.to_vec();
    let households = household::Entity::find()
        .filter(household::Column::Id.is_in(ids.clone()))
        .order_by_asc(household::Column::OrgCode)
        .order_by_asc(household::Column::Code)
        .all(db)
        .await?;
    let mut members = by_household(
        household_member::Entity::find()
            .filter(household_member::Column::HouseholdId.is_in(ids.clone()))
            .order_by_asc(household_member::Column::Id)
            .all(db)
            .await?,
        |m| m.household_id,
    );
    let incomes = by_household(
        household_income::Entity::find()
            .filter(household_income::Column::HouseholdId.is_in(ids.clone()))
            .order_by_desc(household_income::Column::Year)
            .all(db)
            .await?,
        |i| i.household_id,
    );
    let mut assessments = by_household(
        security_assessment::Entity::find()
            .filter(security_assessment::Column::HouseholdId.is_in(ids))
            .order_by_desc(security_assessment::Column::AssessedOn)
            .order_by_desc(security_assessment::Column::Id)
            .all(db)
            .await?,
        |a| a.household_id,
    );
    let mut out = Vec::with_capacity(households.len());
    for h in households {
        if !policies.contains_key(&h.org_code) {
            let policy = match crate::policy::service::effective(db, &h.org_code, today.year()).await {
                Ok(view) => Some(view.policy),
                Err(AppError::Conflict(_)) => None,
                Err(e) => return Err(e),
            };
            policies.insert(h.org_code.clone(), policy);
        }
        let household_members = members.remove(&h.id).unwrap_or_default();
        let household_incomes = incomes.get(&h.id).map(Vec::as_slice).unwrap_or_default();
        let evaluation = policies.get(&h.org_code).and_then(Option::as_ref).map(|policy| {
            let items: Vec<(SecurityItem, AssessmentStatus)> =
                latest_per_item(assessments.remove(&h.id).unwrap_or_default())
                    .into_iter()
                    .map(|(item, status, _)| (item, status))
                    .collect();
            evaluate(&facts(&h, &household_members, household_incomes, &items, today), policy)
        });
        out.push(Evaluated {
            income: household_incomes.first().cloned(),
            household: h,
            members: household_members,
            evaluation,
        });
    }
    Ok(out)
}

/// The special groups as the household row keeps them, for a `LIKE '%,key,%'` filter: `,a,b,`, or empty.
pub fn group_keys(groups: &[crate::risk::SpecialGroupMembers]) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let keys: Vec<&str> = groups.iter().map(|g| g.group.as_str()).collect();
    format!(",{},", keys.join(","))
}

/// Evaluate households under this year's policy for their units and store the outcome (red alert,
/// monitoring object, candidate for identification) for lists. Works in batches; a unit without a policy stores "no risk found".
pub async fn reevaluate<C: ConnectionTrait>(
    db: &C,
    household_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let mut policies = HashMap::new();
    let mut changed = 0;
    for batch in household_ids.chunks(500) {
        for e in evaluate_batch(db, batch, beijing_date(now), &mut policies).await? {
            let (red_alert, monitored, candidate) = e
                .evaluation
                .as_ref()
                .map(|v| (v.red_alert, v.monitoring_object, v.candidate))
                .unwrap_or((false, false, false));
            let groups = e.evaluation.as_ref().map(|v| group_keys(&v.special_groups)).unwrap_or_default();
            let h = &e.household;
            if h.evaluated_at.is_none()
                || (h.red_alert, h.risk_monitored, h.risk_candidate) != (red_alert, monitored, candidate)
                || h.special_groups != groups
            {
                changed += 1;
            }
            household::Entity::update_many()
                .col_expr(household::Column::RedAlert, Expr::value(red_alert))
                .col_expr(household::Column::RiskMonitored, Expr::value(monitored))
                .col_expr(household::Column::RiskCandidate, Expr::value(candidate))
                .col_expr(household::Column::SpecialGroups, Expr::value(groups))
                .col_expr(household::Column::EvaluatedAt, Expr::value(now))
                .filter(household::Column::Id.eq(h.id))
                .exec(db)
                .await?;
        }
    }
    Ok(changed)
}

/// A change to this year's policy re-evaluates the unit's households after the response (a county can
/// hold a million); the household page always evaluates afresh, lists catch up within moments.
pub fn reevaluate_in_background(db: &DatabaseConnection, org_code: &str, year: i32, now: DateTime<Utc>) {
    if year != crate::time::beijing_year(now) {
        return;
    }
    let (db, org_code) = (db.clone(), org_code.to_string());
    tokio::spawn(async move {
        match reevaluate_within(&db, &org_code, now).await {
            Ok(changed) => tracing::info!(%org_code, changed, "households re-evaluated after a policy change"),
            Err(e) => tracing::error!(%org_code, error = %e, "re-evaluation after a policy change failed"),
        }
    });
}

/// Re-evaluate every household in a unit's subtree (after its policy changed), one write transaction per batch.
pub async fn reevaluate_within(db: &DatabaseConnection, org_code: &str, now: DateTime<Utc>) -> Result<u64, AppError> {
    let unit = crate::org::OrgCode::parse(org_code)?;
    reevaluate_where(db, authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()), now).await
}

/// Re-evaluate the households matching `condition`, one write transaction per batch.
async fn reevaluate_where(db: &DatabaseConnection, condition: Condition, now: DateTime<Utc>) -> Result<u64, AppError> {
    let ids: Vec<i64> = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(condition)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    let mut changed = 0;
    for batch in ids.chunks(500) {
        let tx = begin_write(db).await?;
        changed += reevaluate(&tx, batch, now).await?;
        tx.commit().await?;
    }
    Ok(changed)
}

/// Bring the stored verdicts up to date, e.g. after a restart: households never evaluated, evaluated
/// before this year began (a new year brings its own policy), or before the latest change to this year's
/// policies (a background re-evaluation cut short). Recomputing is idempotent, so several instances
/// doing it at once only repeat work.
pub async fn reevaluate_stale(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    // The year begins at midnight in Beijing, eight hours before the UTC year does.
    let year = crate::time::beijing_year(now);
    let year_start = crate::time::beijing_year_start(year);
    let latest_policy = entities::policy_set::Entity::find()
        .filter(entities::policy_set::Column::Year.eq(year))
        .order_by_desc(entities::policy_set::Column::UpdatedAt)
        .one(db)
        .await?
        .map(|p| p.updated_at);
    let cutoff = latest_policy.map_or(year_start, |p| p.max(year_start));
    let stale =
        Condition::any().add(household::Column::EvaluatedAt.is_null()).add(household::Column::EvaluatedAt.lt(cutoff));
    reevaluate_where(db, stale, now).await
}
