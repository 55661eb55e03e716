//! Keeping the register: create and edit households and members, assign the monitoring contact and the
//! 挂钩干部, record 低保 and its taper. Every change is checked against the caller's role and scope,
//! audited with before and after in the same transaction, and followed by a fresh risk evaluation.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{app_user, household, household_member, org_unit, user_role};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set, TryIntoModel,
};
use serde_json::{Value, json};

use super::forms::{
    CadreOption, CadreOptions, Dibao, DibaoForm, HouseholdFields, HouseholdForm, MemberFields, MemberForm,
};
use super::initials::name_initials;
use super::service::evaluation::reevaluate;
use super::service::in_scope;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// Active users holding one of `roles` in a unit that covers `org_code`.
pub(crate) async fn candidates<C: ConnectionTrait>(
    db: &C,
    org_code: &str,
    roles: &[Role],
) -> Result<Vec<CadreOption>, AppError> {
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    let grants = user_role::Entity::find().filter(user_role::Column::Role.is_in(names)).all(db).await?;
    let unit_ids: Vec<i64> = grants.iter().map(|g| g.org_unit_id).collect();
    let units: std::collections::HashMap<i64, org_unit::Model> = org_unit::Entity::find()
        .filter(org_unit::Column::Id.is_in(unit_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let covering: Vec<(i64, String)> = grants
        .iter()
        .filter_map(|g| {
            let unit = units.get(&g.org_unit_id)?;
            let role = Role::parse(&g.role)?;
            OrgCode::parse(&unit.code)
                .ok()
                .filter(|c| c.contains(org_code))
                .map(|_| (g.user_id, format!("{} · {}", unit.name, role.label())))
        })
        .collect();
    let user_ids: Vec<i64> = covering.iter().map(|(id, _)| *id).collect();
    let users = app_user::Entity::find()
        .filter(app_user::Column::Id.is_in(user_ids))
        .filter(app_user::Column::Active.eq(true))
        .order_by_asc(app_user::Column::DisplayName)
        .all(db)
        .await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let duties: Vec<&str> =
                covering.iter().filter(|(id, _)| *id == u.id).map(|(_, label)| label.as_str()).collect();
            CadreOption { user_id: u.id, label: format!("{}（{}）", u.display_name, duties.join("；")) }
        })
        .collect())
}

/// Who may be assigned to the household with this code (for its edit form).
pub async fn cadre_options(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<CadreOptions, AppError> {
    let household = in_scope(db, now, ctx, code, Action::ReadHousehold).await?;
    Ok(CadreOptions {
        contacts: candidates(db, &household.org_code, Action::ServeAsContact.roles()).await?,
        liaisons: candidates(db, &household.org_code, Action::ServeAsLiaison.roles()).await?,
    })
}

/// Check a requested assignment: the caller may assign, the people are eligible for the unit, and, for
/// a household of `class`, they meet what the policy asks of its cadres (rank, experience) [F] 11.
async fn check_cadres(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    org_code: &str,
    class: Option<&str>,
    fields: &HouseholdFields,
) -> Result<(), AppError> {
    authz::check(db, now, ctx, Action::AssignCadres, org_code).await?;
    for (field, user, roles, label) in [
        ("contact_user_id", fields.contact_user_id, Action::ServeAsContact.roles(), "监测联系人"),
        ("liaison_user_id", fields.liaison_user_id, Action::ServeAsLiaison.roles(), "挂钩干部"),
    ] {
        if let Some(user) = user
            && !candidates(db, org_code, roles).await?.iter().any(|c| c.user_id == user)
        {
            return Err(AppError::validation(field, format!("所选人员不能担任该户的{label}，请从列表中选择。")));
        }
    }
    let Some(class) = class else { return Ok(()) };
    let policy = crate::policy::service::effective(db, org_code, beijing_date(now).year()).await?.policy;
    let cadres =
        crate::users::service::cadre_facts(db, [fields.contact_user_id, fields.liaison_user_id].into_iter().flatten())
            .await?;
    let refusals = pairing_refusals(&policy.cadres, class, fields.contact_user_id, fields.liaison_user_id, &cadres);
    match refusals.into_iter().next() {
        Some((field, refusal)) => Err(AppError::validation(field, refusal)),
        None => Ok(()),
    }
}

/// What the policy's pairing rules say against a household's contact and 挂钩干部: each refusal with the
/// form field it is about.
pub(crate) fn pairing_refusals(
    rules: &crate::policy::CadreRules,
    class: &str,
    contact: Option<i64>,
    liaison: Option<i64>,
    cadres: &std::collections::HashMap<i64, (String, Option<crate::policy::CadreRank>, bool)>,
) -> Vec<(&'static str, String)> {
    let facts = |id: Option<i64>| {
        let (name, rank, experienced) = cadres.get(&id?)?;
        Some(crate::policy::CadreFacts { name, rank: *rank, experienced: *experienced })
    };
    let mut refusals = Vec::new();
    if let Some(refusal) = facts(contact).and_then(|c| rules.contact_refusal(class, &c)) {
        refusals.push(("contact_user_id", refusal));
    }
    if let Some(refusal) = facts(liaison).and_then(|c| rules.liaison_refusal(class, &c)) {
        refusals.push(("liaison_user_id", refusal));
    }
    refusals
}

/// The unit a household is placed in: a village or villager group the caller may edit.
async fn placement(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &OrgCode,
) -> Result<org_unit::Model, AppError> {
    if !matches!(code.level(), OrgLevel::Village | OrgLevel::Group) {
        return Err(AppError::validation("org_code", "农户应归属于村或村民小组。"));
    }
    authz::check(db, now, ctx, Action::EditHousehold, code.as_str()).await?;
    org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::validation("org_code", "所选村组不存在。"))
}

/// No other member anywhere carries this ID number. The other household is not named: it may lie
/// outside the caller's scope.
pub(crate) async fn check_unique_id<C: ConnectionTrait>(
    db: &C,
    resident_id: &str,
    except: Option<i64>,
) -> Result<(), AppError> {
    let mut query = household_member::Entity::find().filter(household_member::Column::ResidentId.eq(resident_id));
    if let Some(id) = except {
        query = query.filter(household_member::Column::Id.ne(id));
    }
    if query.one(db).await?.is_some() {
        return Err(AppError::validation(
            "resident_id",
            "该身份证号码已登记在其他家庭成员中，请核对；人员迁移请先在原户中处理。",
        ));
    }
    Ok(())
}

/// The next household code in a village: its 12 digits and a 5-digit number.
pub(crate) async fn next_code<C: ConnectionTrait>(db: &C, village: &str) -> Result<String, AppError> {
    let last: Option<String> = household::Entity::find()
        .select_only()
        .column(household::Column::Code)
        .filter(authz::code_prefix(household::Column::Code, village))
        .order_by_desc(household::Column::Code)
        .into_tuple::<String>()
        .one(db)
        .await?;
    let number = last.and_then(|c| c.get(12..).and_then(|n| n.parse::<u32>().ok())).unwrap_or(0) + 1;
    if number > 99_999 {
        return Err(AppError::Conflict("该村户编号已用尽，请联系系统管理员。".into()));
    }
    Ok(format!("{village}{number:05}"))
}

pub(crate) fn household_json(h: &household::Model) -> Value {
    json!({ "org_code": h.org_code, "address": h.address, "phone": h.phone, "house_type": h.house_type,
        "industry_failure": h.industry_failure, "disaster_loss": h.disaster_loss, "other_hardship": h.other_hardship,
        "contact_user_id": h.contact_user_id, "liaison_user_id": h.liaison_user_id })
}

pub(crate) fn member_json(m: &household_member::Model) -> Value {
    json!({ "name": m.name, "resident_id": super::mask_resident_id(&m.resident_id), "relation": m.relation,
        "labour_capacity": m.labour_capacity, "health": m.health, "schooling": m.schooling,
        "co_resident": m.co_resident, "co_residence_note": m.co_residence_note, "guardian": m.guardian,
        "child_status": m.child_status })
}

pub(crate) fn apply_member(active: &mut household_member::ActiveModel, m: &MemberFields) {
    active.name = Set(m.name.clone());
    active.name_initials = Set(name_initials(&m.name));
    active.resident_id = Set(m.resident_id.as_str().to_string());
    active.relation = Set(m.relation.clone());
    active.sex = Set(m.sex.clone());
    active.birth_date = Set(m.birth_date);
    active.labour_capacity = Set(m.labour_capacity.clone());
    active.health = Set(m.health.clone());
    active.schooling = Set(m.schooling.clone());
    active.co_resident = Set(m.co_resident);
    active.co_residence_note = Set(m.co_residence_note.clone());
    active.guardian = Set(m.guardian.clone());
    active.child_status = Set(m.child_status.clone());
}

/// The form's fields onto the household; a 挂钩干部 newly assigned (or changed) owes visits from `today`.
pub(crate) fn apply_household(
    active: &mut household::ActiveModel,
    f: &HouseholdFields,
    unit: &org_unit::Model,
    today: NaiveDate,
) {
    active.org_unit_id = Set(unit.id);
    active.org_code = Set(unit.code.clone());
    active.address = Set(f.address.clone());
    active.phone = Set(f.phone.clone());
    active.house_type = Set(f.house_type.clone());
    active.industry_failure = Set(f.industry_failure.clone());
    active.disaster_loss = Set(f.disaster_loss.clone());
    active.other_hardship = Set(f.other_hardship.clone());
    active.contact_user_id = Set(f.contact_user_id);
    if let ActiveValue::Unchanged(before) = &active.liaison_user_id
        && *before != f.liaison_user_id
    {
        active.liaison_since = Set(f.liaison_user_id.map(|_| today));
    }
    active.liaison_user_id = Set(f.liaison_user_id);
}

/// Register a new household with its head; returns the new household code.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &HouseholdForm,
    head: &MemberForm,
) -> Result<String, AppError> {
    let fields = form.parse()?;
    let head = MemberForm { relation: "户主".into(), ..head.clone() }.parse(beijing_date(now))?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    // Checks that audit a refusal run before the write transaction, so the refusal's record stays.
    let unit = placement(db, now, ctx, &fields.org_code).await?;
    if fields.contact_user_id.is_some() || fields.liaison_user_id.is_some() {
        check_cadres(db, now, ctx, &unit.code, None, &fields).await?;
    }
    let tx = begin_write(db).await?;
    check_unique_id(&tx, head.resident_id.as_str(), None).await?;
    let code = next_code(&tx, crate::org::prefix_at(&unit.code, OrgLevel::Village)).await?;
    let mut active = household::ActiveModel {
        code: Set(code.clone()),
        head_name: Set(head.name.clone()),
        monitoring_class: Set(None),
        red_alert: Set(false),
        risk_monitored: Set(false),
        risk_candidate: Set(false),
        special_groups: Set(String::new()),
        warning_kinds: Set(String::new()),
        evaluated_at: Set(None),
        dibao_status: Set("none".into()),
        dibao_taper_until: Set(None),
        monitoring_status: Set(super::MonitoringStatus::None.as_str().into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply_household(&mut active, &fields, &unit, beijing_date(now));
    let created = active.insert(&tx).await?;
    let mut member = household_member::ActiveModel { household_id: Set(created.id), ..Default::default() };
    apply_member(&mut member, &head);
    let member = member.insert(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "household.created",
            entity_type: "household",
            entity_id: code.clone(),
            org_code: Some(unit.code.clone()),
            changes: json!({ "after": household_json(&created), "head": member_json(&member) }),
        },
    )
    .await?;
    reevaluate(&tx, &[created.id], now).await?;
    tx.commit().await?;
    Ok(code)
}

/// Change a household's register fields (and, for those entitled, its contact and 挂钩干部).
pub async fn update(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &HouseholdForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let fields = form.parse()?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let unit = placement(db, now, ctx, &fields.org_code).await?;
    let village_of = |code| crate::org::prefix_at(code, OrgLevel::Village);
    if village_of(&unit.code) != village_of(&household.org_code) {
        return Err(AppError::validation("org_code", "农户只能在本村的村民小组之间调整；跨村迁移请办理迁移手续。"));
    }
    if fields.contact_user_id != household.contact_user_id || fields.liaison_user_id != household.liaison_user_id {
        check_cadres(db, now, ctx, &unit.code, household.monitoring_class.as_deref(), &fields).await?;
    }
    let tx = begin_write(db).await?;
    let before = household_json(&household);
    let mut active = household.clone().into_active_model();
    apply_household(&mut active, &fields, &unit, beijing_date(now));
    active.updated_at = Set(now);
    let after = active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "household.updated",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(unit.code.clone()),
            changes: json!({ "before": before, "after": household_json(&after) }),
        },
    )
    .await?;
    reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(())
}

/// Add a member to a household, or change one (`member_id`). A household has exactly one 户主, whose
/// name is the household's head name.
pub async fn save_member(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    member_id: Option<i64>,
    form: &MemberForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    let existing = match member_id {
        Some(id) => Some(
            household_member::Entity::find_by_id(id)
                .filter(household_member::Column::HouseholdId.eq(household.id))
                .one(&tx)
                .await?
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    // On a change the ID number may be left blank: the recorded one stays (it is shown masked).
    let mut form = form.clone();
    if let Some(row) = existing.as_ref().filter(|_| form.resident_id.trim().is_empty()) {
        form.resident_id = row.resident_id.clone();
    }
    let fields = form.parse(beijing_date(now))?;
    check_unique_id(&tx, fields.resident_id.as_str(), member_id).await?;
    let other_head = household_member::Entity::find()
        .filter(household_member::Column::HouseholdId.eq(household.id))
        .filter(household_member::Column::Relation.eq("户主"))
        .filter(household_member::Column::Id.ne(member_id.unwrap_or(0)))
        .one(&tx)
        .await?;
    if fields.relation == "户主" && other_head.is_some() {
        return Err(AppError::validation("relation", "该户已有户主；更换户主请先修改原户主的关系。"));
    }
    let before = existing.as_ref().map(member_json);
    let mut active = match existing {
        Some(row) => row.into_active_model(),
        None => household_member::ActiveModel { household_id: Set(household.id), ..Default::default() },
    };
    apply_member(&mut active, &fields);
    let saved = active.save(&tx).await?;
    let saved = saved.try_into_model()?;
    if fields.relation == "户主" && household.head_name != fields.name {
        let mut h = household.clone().into_active_model();
        h.head_name = Set(fields.name.clone());
        h.updated_at = Set(now);
        h.update(&tx).await?;
    }
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: if before.is_some() { "household.member_updated" } else { "household.member_added" },
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "member_id": saved.id, "before": before, "after": member_json(&saved) }),
        },
    )
    .await?;
    reevaluate(&tx, &[household.id], now).await?;
    tx.commit().await?;
    Ok(())
}

/// Record 低保: receiving, none, or the taper that starts when income passes the 低保 line [F].
pub async fn set_dibao(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &DibaoForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let today = beijing_date(now);
    let dibao = form.parse(today)?;
    let until = match dibao {
        Dibao::Tapering { exit_on } => {
            let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
            Some(Dibao::taper_until(exit_on, policy.policy.dibao_taper_months))
        }
        Dibao::None | Dibao::Receiving => None,
    };
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    let before = json!({ "dibao_status": household.dibao_status, "dibao_taper_until": household.dibao_taper_until });
    let mut active = household.clone().into_active_model();
    active.dibao_status = Set(dibao.as_str().into());
    active.dibao_taper_until = Set(until);
    active.updated_at = Set(now);
    active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "household.dibao_changed",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "before": before, "after": { "dibao_status": dibao.as_str(), "dibao_taper_until": until } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
