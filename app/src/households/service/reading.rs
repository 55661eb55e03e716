//! Reading households: the list with its search, and one household's facts for its page.

use super::evaluation::risk_view;
use super::in_scope;
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::households::{
    AssessmentView, DibaoView, HouseholdDetail, HouseholdFilter, HouseholdForm, HouseholdPage, HouseholdSummary,
    IncomeRecord, MemberView, MonitoringStatus, mask_resident_id,
};
use crate::request::RequestContext;
use crate::risk::{AssessmentStatus, SecurityItem};
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, household_income, household_member, security_assessment};
use sea_orm::sea_query::LikeExpr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;

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
            candidate: h.risk_candidate,
            status: crate::households::MonitoringStatus::parse(&h.monitoring_status)
                .unwrap_or(crate::households::MonitoringStatus::None),
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
    if let Some(key) = filter.special_group.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        let group = crate::risk::SpecialGroup::parse(key)
            .ok_or_else(|| AppError::validation("special_group", "特殊群体类别不正确。"))?;
        query = query.filter(household::Column::SpecialGroups.contains(format!(",{},", group.as_str())));
    }
    if filter.candidate == Some(true) {
        let open = [MonitoringStatus::None.as_str(), MonitoringStatus::Eliminated.as_str()];
        query = query
            .filter(household::Column::RiskCandidate.eq(true))
            .filter(household::Column::MonitoringStatus.is_in(open));
    }
    if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
        let status = crate::households::MonitoringStatus::parse(status)
            .ok_or_else(|| AppError::validation("status", "监测状态不正确。"))?;
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
    if let Some(resident_id) = crate::households::searched_resident_id(q) {
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
    if crate::households::initials::looks_like_initials(q) {
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
    let pattern = LikeExpr::new(format!("%{}%", crate::households::like_literal(q))).escape('\\');
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
    // [T] "以实际共同生活为准": a member who lives elsewhere (户在人不在) does not divide the income.
    let member_count = members.iter().filter(|m| m.co_resident).count() as i64;
    let per_capita_income_yuan = income
        .as_ref()
        .filter(|_| member_count > 0)
        .map(|i| (i.wage_fen + i.business_fen + i.property_fen + i.transfer_fen) / member_count / 100);
    let cadres = crate::users::service::cadre_facts(
        db,
        [household.contact_user_id, household.liaison_user_id].into_iter().flatten(),
    )
    .await?;
    let people: HashMap<i64, String> = cadres.iter().map(|(id, (name, ..))| (*id, name.clone())).collect();
    let today = beijing_date(now);
    let policy = match crate::policy::service::effective(db, &household.org_code, today.year()).await {
        Ok(view) => Some(view.policy),
        Err(AppError::Conflict(_)) => None,
        Err(e) => return Err(e),
    };
    let cadre_warnings = policy.as_ref().map(|p| cadre_warnings(p, &household, &cadres)).unwrap_or_default();
    let warning_kinds = crate::households::forms::stored_warning_kinds(&household.warning_kinds);
    let appraise_measures = policy.as_ref().is_some_and(|p| p.appraise_measures);
    let warning_kind_options = policy.map(|p| p.warning_kinds).unwrap_or_default();
    let dibao = dibao_view(db, &household, today).await?;
    let form = edit_form(&household);
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
        cadre_warnings,
        warning_kinds,
        warning_kind_options,
        appraise_measures,
        dibao,
        history,
        members: members.into_iter().map(member_view).collect(),
        income_year: income.as_ref().map(|i| i.year),
        per_capita_income_yuan,
        latest_income: income.as_ref().map(record_of),
        this_year: today.year(),
        assessments,
        risk,
    })
}

/// The household's 低保 standing, with the taper months of the policy in force (none without a policy).
async fn dibao_view(
    db: &DatabaseConnection,
    household: &household::Model,
    today: NaiveDate,
) -> Result<DibaoView, AppError> {
    let taper_months = crate::policy::service::effective(db, &household.org_code, today.year())
        .await
        .ok()
        .map(|p| p.policy.dibao_taper_months);
    Ok(DibaoView {
        label: crate::households::forms::dibao_label(
            &household.dibao_status,
            household.dibao_taper_until,
            today,
            taper_months,
        ),
        status: household.dibao_status.clone(),
        taper_until: household.dibao_taper_until,
    })
}

/// The household's editable facts as its form shows them.
fn edit_form(household: &household::Model) -> HouseholdForm {
    HouseholdForm {
        org_code: household.org_code.clone(),
        address: household.address.clone(),
        phone: household.phone.clone().unwrap_or_default(),
        house_type: household.house_type.clone(),
        industry_failure: household.industry_failure.clone().unwrap_or_default(),
        disaster_loss: household.disaster_loss.clone().unwrap_or_default(),
        other_hardship: household.other_hardship.clone().unwrap_or_default(),
        contact_user_id: household.contact_user_id.map(|id| id.to_string()).unwrap_or_default(),
        liaison_user_id: household.liaison_user_id.map(|id| id.to_string()).unwrap_or_default(),
    }
}

/// A member as the household page lists them, the ID number masked.
fn member_view(m: household_member::Model) -> MemberView {
    MemberView {
        member_id: m.id,
        name: m.name,
        resident_id_masked: mask_resident_id(&m.resident_id),
        relation: m.relation,
        sex: m.sex,
        birth_date: m.birth_date,
        labour_capacity: m.labour_capacity,
        health: m.health,
        schooling: m.schooling,
        co_resident: m.co_resident,
        co_residence_note: m.co_residence_note,
        guardian: m.guardian,
        child_status: m.child_status,
    }
}

/// A stored year as the form's record.
pub(super) fn record_of(i: &household_income::Model) -> IncomeRecord {
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

/// The latest assessment of each item (by date, then by entry order).
pub(super) async fn latest_assessments<C: ConnectionTrait>(
    db: &C,
    household_id: i64,
) -> Result<Vec<AssessmentView>, AppError> {
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
pub(super) fn latest_per_item(
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

/// What the policy's pairing rules say against the household's current contact and 挂钩干部 [F] 11 (a class
/// given after they were assigned, a rank recorded since): the sentences the household page shows.
fn cadre_warnings(
    policy: &crate::policy::Policy,
    household: &household::Model,
    cadres: &HashMap<i64, (String, Option<crate::policy::CadreRank>, bool)>,
) -> Vec<String> {
    let Some(class) = household.monitoring_class.as_deref() else { return Vec::new() };
    let refusals = crate::households::register::pairing_refusals(
        &policy.cadres,
        class,
        household.contact_user_id,
        household.liaison_user_id,
        cadres,
    );
    refusals.into_iter().map(|(_, refusal)| refusal).collect()
}
