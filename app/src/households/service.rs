//! Households: reading within the caller's scope, search, recording income and assessments, and the
//! stored outcome of each household's risk evaluation (for lists and filters).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, household_income, household_member, security_assessment};
use std::collections::HashMap;

use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use super::{
    AssessmentForm, AssessmentView, HouseholdDetail, HouseholdFilter, HouseholdPage, HouseholdSummary, IncomeForm,
    IncomeRecord, MemberView, RiskView, mask_resident_id,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;
use crate::risk::{AssessmentStatus, HouseholdFacts, IncomeFacts, Labour, MemberFacts, SecurityItem, evaluate};
use crate::time::beijing_date;

/// The most rows one page may hold.
pub const MAX_PER_PAGE: u64 = 200;

async fn summaries(db: &DatabaseConnection, rows: Vec<household::Model>) -> Result<Vec<HouseholdSummary>, AppError> {
    let ids: Vec<i64> = rows.iter().map(|h| h.id).collect();
    let unit_codes: Vec<String> = rows.iter().map(|h| h.org_code.clone()).collect();
    let counts: std::collections::HashMap<i64, i64> = household_member::Entity::find()
        .select_only()
        .column(household_member::Column::HouseholdId)
        .column_as(household_member::Column::Id.count(), "n")
        .filter(household_member::Column::HouseholdId.is_in(ids))
        .group_by(household_member::Column::HouseholdId)
        .into_tuple::<(i64, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let names = crate::org::service::display_names(db, unit_codes).await?;
    Ok(rows
        .into_iter()
        .map(|h| HouseholdSummary {
            red_alert: h.red_alert,
            status: super::MonitoringStatus::parse(&h.monitoring_status).unwrap_or(super::MonitoringStatus::None),
            member_count: counts.get(&h.id).copied().unwrap_or(0),
            org_name: names.get(&h.org_code).cloned().unwrap_or_default(),
            code: h.code,
            head_name: h.head_name,
            org_code: h.org_code,
            monitoring_class: h.monitoring_class,
        })
        .collect())
}

/// A page of the households in the caller's scope, optionally narrowed to one unit's subtree.
pub async fn list(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    filter: &HouseholdFilter,
    page: u64,
    per_page: u64,
) -> Result<HouseholdPage, AppError> {
    let caller = ctx.caller()?;
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let Some(scope) = authz::scope_condition(caller, Action::ReadHousehold, household::Column::OrgCode) else {
        return Ok(HouseholdPage { total: 0, page, per_page, items: Vec::new() });
    };
    let mut query = household::Entity::find()
        .filter(scope)
        .order_by_asc(household::Column::OrgCode)
        .order_by_asc(household::Column::Code);
    if let Some(within) = filter.within.as_deref().filter(|w| !w.is_empty()) {
        let unit = crate::org::OrgCode::parse(within)?;
        query = query.filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()));
    }
    if filter.red_alert == Some(true) {
        query = query.filter(household::Column::RedAlert.eq(true));
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status =
            super::MonitoringStatus::parse(status).ok_or_else(|| AppError::validation("status", "监测状态不正确。"))?;
        query = query.filter(household::Column::MonitoringStatus.eq(status.as_str()));
    }
    if let Some(class) = filter.class.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        query = query.filter(household::Column::MonitoringClass.eq(class));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        query = query.filter(search_condition(db, q).await?);
    }
    let paginator = query.paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page).await?;
    Ok(HouseholdPage { total, page, per_page, items: summaries(db, rows).await? })
}

/// A search term as a condition: a full resident ID number matches its member's household, digits match
/// the start of a household code, 2–10 Latin letters the start of a member's pinyin initials ("zsf" or
/// "zs" for 张三丰),
/// anything else part of the head's or a member's name.
async fn search_condition(db: &DatabaseConnection, q: &str) -> Result<Condition, AppError> {
    if q.chars().count() > 40 {
        return Err(AppError::validation("q", "搜索内容不超过 40 个字。"));
    }
    let by_members = |members: Vec<i64>| household::Column::Id.is_in(members);
    if let Some(resident_id) = super::searched_resident_id(q) {
        let ids = household_member::Entity::find()
            .select_only()
            .column(household_member::Column::HouseholdId)
            .filter(household_member::Column::ResidentId.eq(resident_id))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        return Ok(Condition::all().add(by_members(ids)));
    }
    if q.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(authz::code_prefix(household::Column::Code, q));
    }
    if super::initials::looks_like_initials(q) {
        let ids = household_member::Entity::find()
            .select_only()
            .column(household_member::Column::HouseholdId)
            .filter(household_member::Column::NameInitials.like(format!("{}%", q.to_ascii_lowercase())))
            .limit(2000)
            .into_tuple::<i64>()
            .all(db)
            .await?;
        return Ok(Condition::all().add(by_members(ids)));
    }
    let pattern = LikeExpr::new(format!("%{}%", super::like_literal(q))).escape('\\');
    let ids = household_member::Entity::find()
        .select_only()
        .column(household_member::Column::HouseholdId)
        .filter(household_member::Column::Name.like(pattern.clone()))
        .limit(2000)
        .into_tuple::<i64>()
        .all(db)
        .await?;
    Ok(Condition::any().add(household::Column::HeadName.like(pattern)).add(by_members(ids)))
}

/// A household by code, if the caller may perform `action` on it. A missing household and one outside
/// the scope answer alike; the check (and its audit of a refusal) runs in both cases.
pub async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    action: Action,
) -> Result<household::Model, AppError> {
    let found = household::Entity::find().filter(household::Column::Code.eq(code)).one(db).await?;
    // A window grant may list the household by itself (a cross-check sample).
    let (org_code, listed) = found.as_ref().map_or(("", None), |h| (h.org_code.as_str(), Some(h.code.as_str())));
    authz::check_record(db, now, ctx, action, org_code, listed).await?;
    found.ok_or(AppError::NotFound)
}

/// One household by code, if the caller may see it.
pub async fn get(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<HouseholdDetail, AppError> {
    let household = in_scope(db, now, ctx, code, Action::ReadHousehold).await?;
    detail(db, now, household).await
}

/// The household page's facts of a household the caller may read (see `get`).
pub async fn detail(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    household: household::Model,
) -> Result<HouseholdDetail, AppError> {
    let members = household_member::Entity::find()
        .filter(household_member::Column::HouseholdId.eq(household.id))
        .order_by_asc(household_member::Column::Id)
        .all(db)
        .await?;
    let incomes = household_income::Entity::find()
        .filter(household_income::Column::HouseholdId.eq(household.id))
        .order_by_desc(household_income::Column::Year)
        .limit(2)
        .all(db)
        .await?;
    let income = incomes.first().cloned();
    let assessments = latest_assessments(db, household.id).await?;
    let risk = risk_view(db, &household, &members, &incomes, &assessments, now).await?;
    let member_count = members.len() as i64;
    let per_capita_income_yuan = income
        .as_ref()
        .filter(|_| member_count > 0)
        .map(|i| (i.wage_fen + i.business_fen + i.property_fen + i.transfer_fen) / member_count / 100);
    let people = crate::users::service::display_names(
        db,
        [household.contact_user_id, household.liaison_user_id].into_iter().flatten(),
    )
    .await?;
    let today = beijing_date(now);
    let taper_months = crate::policy::service::effective(db, &household.org_code, today.year())
        .await
        .ok()
        .map(|p| p.policy.dibao_taper_months);
    let dibao = super::DibaoView {
        label: super::forms::dibao_label(&household.dibao_status, household.dibao_taper_until, today, taper_months),
        status: household.dibao_status.clone(),
        taper_until: household.dibao_taper_until,
    };
    let form = super::HouseholdForm {
        org_code: household.org_code.clone(),
        address: household.address.clone(),
        phone: household.phone.clone().unwrap_or_default(),
        house_type: household.house_type.clone(),
        industry_failure: household.industry_failure.clone().unwrap_or_default(),
        disaster_loss: household.disaster_loss.clone().unwrap_or_default(),
        other_hardship: household.other_hardship.clone().unwrap_or_default(),
        contact_user_id: household.contact_user_id.map(|id| id.to_string()).unwrap_or_default(),
        liaison_user_id: household.liaison_user_id.map(|id| id.to_string()).unwrap_or_default(),
    };
    let contact_name = household.contact_user_id.and_then(|id| people.get(&id).cloned());
    let liaison_name = household.liaison_user_id.and_then(|id| people.get(&id).cloned());
    let history = crate::audit::service::of_entity(db, "household", &household.code, 50).await?;
    let address = household.address.clone();
    let phone = household.phone.clone();
    let summary = summaries(db, vec![household]).await?.pop().ok_or(AppError::NotFound)?;
    Ok(HouseholdDetail {
        summary,
        address,
        phone,
        form,
        contact_name,
        liaison_name,
        dibao,
        history,
        members: members
            .into_iter()
            .map(|m| MemberView {
                member_id: m.id,
                name: m.name,
                resident_id_masked: mask_resident_id(&m.resident_id),
                relation: m.relation,
                sex: m.sex,
                birth_date: m.birth_date,
                labour_capacity: m.labour_capacity,
                health: m.health,
                schooling: m.schooling,
                co_residence_note: m.co_residence_note,
            })
            .collect(),
        income_year: income.as_ref().map(|i| i.year),
        per_capita_income_yuan,
        latest_income: income.as_ref().map(record_of),
        this_year: today.year(),
        assessments,
        risk,
    })
}

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
fn facts(
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
                serious_illness: m.health == "大病",
                non_compulsory_schooling: matches!(m.schooling.as_str(), "高中" | "中职" | "大专及以上"),
            })
            .collect(),
        income: latest.map(income_facts),
        last_year_income: previous.map(income_facts),
        assessments: assessments.to_vec(),
        only_adobe_house: household.house_type == "土坯房",
        industry_failure: household.industry_failure.clone(),
        disaster_loss: household.disaster_loss.clone(),
        other_hardship: household.other_hardship.clone(),
    }
}

/// Evaluate the household under this year's policy for its unit.
async fn risk_view<C: ConnectionTrait>(
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
        Ok(policy) => Ok(RiskView {
            year,
            evaluation: Some(evaluate(
                &facts(
                    household,
                    members,
                    incomes,
                    &assessments.iter().map(|a| (a.item, a.status)).collect::<Vec<_>>(),
                    today,
                ),
                &policy.policy,
            )),
            policy_name: Some(policy.policy.name),
            unavailable: None,
        }),
        Err(AppError::Conflict(message)) => {
            Ok(RiskView { year, policy_name: None, evaluation: None, unavailable: Some(message) })
        }
        Err(e) => Err(e),
    }
}

/// A stored year as the form's record.
fn record_of(i: &household_income::Model) -> IncomeRecord {
    IncomeRecord {
        year: i.year,
        wage_fen: i.wage_fen,
        business_fen: i.business_fen,
        property_fen: i.property_fen,
        transfer_fen: i.transfer_fen,
        medical_fen: i.medical_fen,
        schooling_fen: i.schooling_fen,
        disaster_fen: i.disaster_fen,
        other_rigid_fen: i.other_rigid_fen,
    }
}

/// Record a household's income and expenditure for a year (insert or replace), audited with before and
/// after; the risk evaluation on the household page follows at once.
pub async fn save_income(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &IncomeForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let record = form.parse()?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    write_income(&tx, now, &actor, &household, &record).await?;
    reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(())
}

/// Insert or replace a household's income record for its year in the caller's transaction, audited
/// with before and after; the same figures again change nothing (false). The caller re-evaluates the
/// household before committing.
pub(crate) async fn write_income<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    household: &household::Model,
    record: &IncomeRecord,
) -> Result<bool, AppError> {
    let existing = household_income::Entity::find()
        .filter(household_income::Column::HouseholdId.eq(household.id))
        .filter(household_income::Column::Year.eq(record.year))
        .one(tx)
        .await?;
    let before = existing.as_ref().map(record_of);
    if before.as_ref() == Some(record) {
        return Ok(false);
    }
    let mut active = match existing {
        Some(row) => row.into_active_model(),
        None => household_income::ActiveModel {
            household_id: Set(household.id),
            year: Set(record.year),
            ..Default::default()
        },
    };
    active.wage_fen = Set(record.wage_fen);
    active.business_fen = Set(record.business_fen);
    active.property_fen = Set(record.property_fen);
    active.transfer_fen = Set(record.transfer_fen);
    active.medical_fen = Set(record.medical_fen);
    active.schooling_fen = Set(record.schooling_fen);
    active.disaster_fen = Set(record.disaster_fen);
    active.other_rigid_fen = Set(record.other_rigid_fen);
    active.updated_at = Set(now);
    active.save(tx).await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "household.income_saved",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "year": record.year, "before": before, "after": record }),
        },
    )
    .await?;
    Ok(true)
}

/// The latest assessment of each item (by date, then by entry order).
async fn latest_assessments<C: ConnectionTrait>(db: &C, household_id: i64) -> Result<Vec<AssessmentView>, AppError> {
    let rows = security_assessment::Entity::find()
        .filter(security_assessment::Column::HouseholdId.eq(household_id))
        .order_by_desc(security_assessment::Column::AssessedOn)
        .order_by_desc(security_assessment::Column::Id)
        .all(db)
        .await?;
    let assessor_ids: Vec<i64> = rows.iter().map(|r| r.assessed_by).collect();
    let names = crate::users::service::display_names(db, assessor_ids).await?;
    Ok(latest_per_item(rows)
        .into_iter()
        .map(|(item, status, row)| AssessmentView {
            item,
            status,
            note: row.note,
            assessed_on: row.assessed_on,
            assessed_by: names.get(&row.assessed_by).cloned().unwrap_or_default(),
        })
        .collect())
}

/// The latest assessment of each item, in the order of `SecurityItem::ALL`. `rows` come newest first.
fn latest_per_item(
    rows: impl IntoIterator<Item = security_assessment::Model>,
) -> Vec<(SecurityItem, AssessmentStatus, security_assessment::Model)> {
    let mut latest: Vec<(SecurityItem, AssessmentStatus, security_assessment::Model)> = Vec::new();
    for row in rows {
        let (Some(item), Some(status)) = (SecurityItem::parse(&row.item), AssessmentStatus::parse(&row.status)) else {
            continue;
        };
        if !latest.iter().any(|(i, ..)| *i == item) {
            latest.push((item, status, row));
        }
    }
    latest.sort_by_key(|(item, ..)| SecurityItem::ALL.iter().position(|i| i == item));
    latest
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

/// Evaluate households under this year's policy for their units and store the outcome (red alert,
/// monitoring object) for lists. Works in batches; a unit without a policy stores "no risk found".
pub async fn reevaluate<C: ConnectionTrait>(
    db: &C,
    household_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let mut policies = HashMap::new();
    let mut changed = 0;
    for batch in household_ids.chunks(500) {
        for e in evaluate_batch(db, batch, beijing_date(now), &mut policies).await? {
            let (red_alert, monitored) =
                e.evaluation.as_ref().map(|v| (v.red_alert, v.monitoring_object)).unwrap_or((false, false));
            let h = &e.household;
            if h.evaluated_at.is_none() || h.red_alert != red_alert || h.risk_monitored != monitored {
                changed += 1;
            }
            household::Entity::update_many()
                .col_expr(household::Column::RedAlert, Expr::value(red_alert))
                .col_expr(household::Column::RiskMonitored, Expr::value(monitored))
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

/// Record an assessment of one 两不愁三保障 item; earlier ones stay as history.
pub async fn assess(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &AssessmentForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let (item, status, note, assessed_on) = form.parse(beijing_date(now))?;
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    write_assessment(&tx, now, caller.user_id, household.id, (item, status, &note), assessed_on).await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        Entry {
            action: "household.assessed",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "after": { "item": item.label(), "status": status.label(), "note": note, "assessed_on": assessed_on } }),
        },
    )
    .await?;
    reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(())
}

/// Insert one dated assessment in the caller's transaction (the caller audits it, alone or as part of a visit).
pub(crate) async fn write_assessment<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    assessed_by: i64,
    household_id: i64,
    (item, status, note): (SecurityItem, AssessmentStatus, &str),
    assessed_on: NaiveDate,
) -> Result<(), AppError> {
    security_assessment::ActiveModel {
        household_id: Set(household_id),
        item: Set(item.as_str().to_string()),
        status: Set(status.as_str().to_string()),
        note: Set(note.to_string()),
        assessed_on: Set(assessed_on),
        assessed_by: Set(assessed_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// The full resident ID number of a member, for a role that needs it. Every reveal is audited.
pub async fn reveal_resident_id(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    member_id: i64,
) -> Result<String, AppError> {
    let member = household_member::Entity::find_by_id(member_id).one(db).await?;
    let household = match &member {
        Some(m) => household::Entity::find_by_id(m.household_id).one(db).await?,
        None => None,
    };
    let code = household.as_ref().map(|h| h.code.clone()).unwrap_or_default();
    let household = in_scope(db, now, ctx, &code, Action::RevealResidentId).await?;
    let member = member.ok_or(AppError::NotFound)?;
    let tx = begin_write(db).await?;
    audit::append(
        &tx,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "household.id_revealed",
            entity_type: "household_member",
            entity_id: member.id.to_string(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "name": member.name, "household": household.code }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(member.resident_id)
}
