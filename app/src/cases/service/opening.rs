//! Opening a case: by hand, or from a visit, a meeting, a warning or a self-report, with its default
//! owner and deadline, and the red-alert notice.

use super::steps::{Step, record};
use crate::audit::service::Actor;
use crate::authz::Action;
use crate::cases::lifecycle::{self, Status};
use crate::cases::{NewCaseForm, RiskType, Source};
use crate::db::begin_write;
use crate::error::AppError;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, risk_case};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, Set};
use serde_json::json;
use std::collections::HashMap;

/// Register a case for a household; returns its id.
pub async fn create(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &NewCaseForm,
) -> Result<i64, AppError> {
    let household =
        crate::households::service::in_scope(db, now, ctx, form.household.trim(), Action::EditHousehold).await?;
    let caller = ctx.caller()?;
    let source = Source::parse(&form.source).ok_or_else(|| AppError::validation("source", "请选择风险来源。"))?;
    let risk_type =
        RiskType::parse(&form.risk_type).ok_or_else(|| AppError::validation("risk_type", "请选择风险类型。"))?;
    let description = form.description.trim().to_string();
    if description.is_empty() {
        return Err(AppError::validation("description", "请描述发现的风险情况。"));
    }
    if description.chars().count() > 1000 {
        return Err(AppError::validation("description", "情况描述不超过 1000 字。"));
    }
    let owner = match form.owner_user_id.trim() {
        "" => household.contact_user_id.unwrap_or(caller.user_id),
        text => text.parse().map_err(|_| AppError::validation("owner_user_id", "请从列表中选择责任人。"))?,
    };
    let eligible = crate::households::register::candidates(db, &household.org_code, Action::OwnCase.roles()).await?;
    if !eligible.iter().any(|c| c.user_id == owner) {
        return Err(AppError::validation("owner_user_id", "所选人员不能担任该户案件的责任人，请从列表中选择。"));
    }
    let set_deadline = match form.deadline.trim() {
        "" => None,
        text => Some(
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| AppError::validation("deadline", "期限应写作 2026-03-31 的形式。"))?,
        ),
    };
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &household.org_code, today.year()).await?;
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let calendar = crate::calendar::service::load(&tx).await?;
    let deadline = lifecycle::initial_deadline(today, set_deadline, &calendar, &policy.policy)?;
    let id = open(
        &tx,
        now,
        &actor,
        Opening {
            household: Some(&household),
            org_code: &household.org_code,
            source,
            risk_type,
            red_alert: form.red_alert.is_some(),
            description: &description,
            owner,
            department: &form.department,
            responsible_person: &form.responsible_person,
            deadline,
            status: crate::cases::Status::PendingVerification,
            notify_owner: true,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The owner and deadline of a problem handed over for rectification (by a supervision round, or by a checked
/// township): the owner as chosen, among those who may own cases in `org_code` (`not_eligible` says who should be
/// chosen instead); the deadline as typed, not before today, or else the policy's working days for rectification.
pub async fn handover_terms(
    db: &DatabaseConnection,
    org_code: &str,
    owner: &str,
    deadline: &str,
    today: NaiveDate,
    not_eligible: &str,
) -> Result<(i64, NaiveDate), AppError> {
    let owner: i64 = owner.trim().parse().map_err(|_| AppError::validation("owner_user_id", "请选择整改责任人。"))?;
    let eligible = crate::households::register::candidates(db, org_code, Action::OwnCase.roles()).await?;
    if !eligible.iter().any(|c| c.user_id == owner) {
        return Err(AppError::validation("owner_user_id", not_eligible));
    }
    let deadline = match deadline.trim() {
        "" => {
            let policy = crate::policy::service::effective(db, org_code, today.year()).await?.policy;
            let calendar = crate::calendar::service::load(db).await?;
            calendar.add_working_days(today, policy.rectify_working_days)?
        }
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|d| *d >= today)
            .ok_or_else(|| AppError::validation("deadline", "整改期限应写作 2026-12-31 的形式，且不早于今天。"))?,
    };
    Ok((owner, deadline))
}

/// A new case, as the form, a department's warning, a villager's report or the demo loader gives it.
pub struct Opening<'a> {
    pub household: Option<&'a household::Model>,
    pub org_code: &'a str,
    pub source: Source,
    pub risk_type: RiskType,
    pub red_alert: bool,
    pub description: &'a str,
    pub owner: i64,
    pub department: &'a str,
    pub responsible_person: &'a str,
    pub deadline: NaiveDate,
    /// Where the case starts: 待核实, or 整改中 for a problem a supervision round found and handed over.
    pub status: Status,
    /// Tell the owner now (a department file instead tells each owner once, with a count).
    pub notify_owner: bool,
}

/// Register a case in the caller's transaction: the row, its first event and audit record, and the
/// notices (the owner, when someone else registered it; the unit's leaders, for a red alert).
pub async fn open<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    o: Opening<'_>,
) -> Result<i64, AppError> {
    let text = |t: &str| t.trim().chars().take(64).collect::<String>();
    let actor_id = actor.user_id.unwrap_or(0);
    let row = risk_case::ActiveModel {
        household_id: Set(o.household.map(|h| h.id)),
        org_code: Set(o.org_code.to_string()),
        source: Set(o.source.as_str().into()),
        risk_type: Set(o.risk_type.as_str().into()),
        red_alert: Set(o.red_alert),
        description: Set(o.description.to_string()),
        owner_user_id: Set(o.owner),
        department: Set(text(o.department)),
        responsible_person: Set(text(o.responsible_person)),
        deadline: Set(o.deadline),
        status: Set(o.status.as_str().into()),
        found_by_unit: Set(o.source.found_by_unit()),
        created_by: Set(actor_id),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(None),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let step = Step {
        case_id: row.id,
        org_code: o.org_code,
        action: "create",
        from: None,
        to: o.status,
        note: o.description,
        deadline: Some(o.deadline),
        audit_action: "case.created",
        changes: json!({ "after": { "household": o.household.map(|h| h.code.clone()), "source": o.source.label(),
            "risk_type": o.risk_type.label(), "owner_user_id": o.owner, "deadline": o.deadline, "red_alert": o.red_alert } }),
    };
    record(tx, step, actor, actor_id, now).await?;
    let subject = match o.household {
        Some(h) => format!("{}户（{}）", h.head_name, h.code),
        None => crate::org::service::display_names(tx, vec![o.org_code.to_string()])
            .await?
            .remove(o.org_code)
            .unwrap_or_default(),
    };
    let summary = format!(
        "{subject}，{}，来源：{}，期限 {}。\n{}",
        o.risk_type.label(),
        o.source.label(),
        o.deadline,
        o.description.chars().take(120).collect::<String>()
    );
    if o.notify_owner && o.owner != actor_id {
        let notice = Notice {
            category: NoticeCategory::Assignment,
            title: format!("新案件交您办理：{subject} {}", o.risk_type.label()),
            body: summary.clone(),
            link: format!("/cases/{}", row.id),
            dedupe: None,
        };
        notify(tx, now, &[o.owner], &notice).await?;
    }
    if o.red_alert {
        let title = format!("红色预警：{subject} {}", o.risk_type.label());
        tell_red_alert(tx, now, row.id, o.org_code, title, summary, actor_id).await?;
    }
    Ok(row.id)
}

/// Tell the village Party secretary and the township leaders of a case that is (or became) a red alert.
pub(crate) async fn tell_red_alert<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    case_id: i64,
    org_code: &str,
    title: String,
    body: String,
    actor_id: i64,
) -> Result<u64, AppError> {
    let leaders =
        crate::households::register::candidates(tx, org_code, &[Role::VillageSecretary, Role::TownshipLeader]).await?;
    let notice = Notice {
        category: NoticeCategory::RedAlert,
        title,
        body,
        link: format!("/cases/{case_id}"),
        dedupe: Some(format!("red:{case_id}")),
    };
    let ids: Vec<i64> = leaders.iter().map(|c| c.user_id).filter(|id| *id != actor_id).collect();
    notify(tx, now, &ids, &notice).await
}

/// Who takes a new case in a unit when nobody was named (the household has no contact): a monitoring
/// contact, else the Party secretary, else the township's staff. Cached per unit by the caller.
pub(crate) async fn default_owner<C: ConnectionTrait>(
    tx: &C,
    cache: &mut HashMap<String, Option<i64>>,
    org_code: &str,
) -> Result<Option<i64>, AppError> {
    if let Some(found) = cache.get(org_code) {
        return Ok(*found);
    }
    let mut owner = None;
    for role in [Role::MonitoringContact, Role::VillageSecretary, Role::TownshipStaff] {
        if let Some(c) = crate::households::register::candidates(tx, org_code, &[role]).await?.first() {
            owner = Some(c.user_id);
            break;
        }
    }
    cache.insert(org_code.to_string(), owner);
    Ok(owner)
}
