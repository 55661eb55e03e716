//! The data of each printed form, gathered from what the system already holds (nothing is typed twice)
//! and checked against the caller's scope. Resident ID numbers are masked unless the form needs them
//! and the caller may see them (the commitment letter); a public notice carries none. Every print is
//! an audit record.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, household_member, identification};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::error::AppError;
use crate::households::HouseholdDetail;
use crate::request::RequestContext;
use crate::risk::SecurityItem;
use crate::time::beijing_date;
use crate::workflow::procedure::{Procedure, ProcedureView};

/// The blank checklist of a sheet to fill in by hand.
const TICK_BOXES: &str = "□达标　□有风险　□未达标";

/// Age in whole years on `today`.
pub(crate) fn age(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The household part every form shares.
fn household_data(d: &HouseholdDetail) -> Value {
    let s = &d.summary;
    json!({
        "code": s.code,
        "head_name": s.head_name,
        "address": d.address,
        "phone": d.phone.clone().unwrap_or_default(),
        "member_count": s.member_count,
        "monitoring_class": s.monitoring_class.clone().unwrap_or_else(|| "—".into()),
        "status_label": s.status.label(),
        "contact": d.contact_name.clone().unwrap_or_else(|| "未指定".into()),
        "liaison": d.liaison_name.clone().unwrap_or_else(|| "未指定".into()),
        "per_capita_income": match (d.income_year, d.per_capita_income_yuan) {
            (Some(year), Some(yuan)) => format!("{yuan} 元（{year} 年）"),
            _ => "未登记".into(),
        },
        "red_alert": if s.red_alert { "是" } else { "否" },
    })
}

fn members_data(d: &HouseholdDetail, today: NaiveDate, full_ids: &std::collections::HashMap<i64, String>) -> Value {
    d.members
        .iter()
        .map(|m| {
            json!({
                "name": m.name,
                "relation": m.relation,
                "resident_id": full_ids.get(&m.member_id).cloned().unwrap_or_else(|| m.resident_id_masked.clone()),
                "age": age(m.birth_date, today),
                "labour_capacity": m.labour_capacity,
                "health": m.health,
                "schooling": m.schooling,
            })
        })
        .collect()
}

pub(crate) async fn printed(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    form: &str,
    d: &HouseholdDetail,
    full_ids: bool,
) -> Result<(), AppError> {
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.household_form",
            entity_type: "household",
            entity_id: d.summary.code.clone(),
            org_code: Some(d.summary.org_code.clone()),
            changes: json!({ "form": form, "full_resident_ids": full_ids }),
        },
    )
    .await?;
    Ok(())
}

/// A visit sheet pre-filled with the household's data, for a visit not yet recorded.
pub async fn blank_visit_sheet(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<Value, AppError> {
    let d = crate::households::service::reading::get(db, now, ctx, code).await?;
    printed(db, now, ctx, "visit-sheet", &d, false).await?;
    Ok(visit_sheet_data(&d, beijing_date(now), None))
}

/// The visit part of a sheet: a recorded visit, or blanks and tick boxes to fill in by hand.
pub fn visit_sheet_data(d: &HouseholdDetail, today: NaiveDate, visit: Option<Value>) -> Value {
    let checklist: Vec<Value> = SecurityItem::ALL
        .iter()
        .map(|item| json!({ "item": item.label(), "status": TICK_BOXES, "note": "" }))
        .collect();
    let (visit, checklist, addenda) = match visit {
        Some(v) => {
            let checklist = v.get("checklist").cloned().unwrap_or(Value::Array(checklist));
            let addenda = v.get("addenda").cloned().unwrap_or(Value::Array(Vec::new()));
            (v, checklist, addenda)
        }
        None => (
            json!({ "date": "　　年　　月　　日", "mode": "□入户　□电话　□微信　□视频", "visitor": "", "kind": "□日常走访　□年度排查",
                    "finance": "", "problems": "", "assistance": "", "acknowledgement": "" }),
            Value::Array(checklist),
            Value::Array(Vec::new()),
        ),
    };
    json!({
        "unit_name": d.summary.org_name,
        "printed_on": today.to_string(),
        "household": household_data(d),
        "members": members_data(d, today, &Default::default()),
        "checklist": checklist,
        "visit": visit,
        "addenda": addenda,
    })
}

/// The commitment letter (承诺书) of the household's identification: its members with full ID numbers
/// when the caller may see them (the letter authorises queries by ID), masked otherwise.
pub async fn commitment(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<Value, AppError> {
    let file = crate::household_file::service::get(db, now, ctx, code).await?;
    let d = &file.household;
    let full = authz::authorize(ctx.caller()?, Action::RevealResidentId, &d.summary.org_code).is_ok();
    let full_ids = match full {
        true => household_member::Entity::find()
            .filter(household_member::Column::Id.is_in(d.members.iter().map(|m| m.member_id)))
            .order_by_asc(household_member::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, m.resident_id))
            .collect(),
        false => Default::default(),
    };
    let signed_on =
        file.identification.as_ref().map_or_else(|| "　　年　　月　　日".to_string(), |p| p.basis_date.to_string());
    let class = file
        .identification
        .as_ref()
        .and_then(|p| p.class.clone())
        .or_else(|| d.summary.monitoring_class.clone())
        .unwrap_or_else(|| "　".into());
    printed(db, now, ctx, "commitment", d, full).await?;
    let today = beijing_date(now);
    let mut household = household_data(d);
    if let Some(fields) = household.as_object_mut() {
        fields.insert("monitoring_class".into(), json!(class));
    }
    Ok(json!({
        "unit_name": d.summary.org_name,
        "printed_on": today.to_string(),
        "household": household,
        "members": members_data(d, today, &full_ids),
        "signed_on": signed_on,
    }))
}

/// The public notice (公示) of the household's running identification or elimination, once its notice
/// period is set: the notice as the village posts it, listing every household of the village (in the
/// caller's scope) on the same procedure whose notice starts the same day, in household-code order. No
/// ID numbers: it is posted in public.
pub async fn public_notice(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
) -> Result<Value, AppError> {
    let file = crate::household_file::service::get(db, now, ctx, code).await?;
    let d = &file.household;
    let running: Option<&ProcedureView> =
        [file.elimination.as_ref(), file.identification.as_ref(), file.measures_appraisal.as_ref()]
            .into_iter()
            .flatten()
            .filter(|p| p.notice_start.is_some())
            .max_by_key(|p| p.notice_start);
    let Some(p) = running else {
        return Err(AppError::Conflict("该户尚未进入公示环节：民主评议后由村里登记公示，再打印公示。".into()));
    };
    let (start, end) = (p.notice_start.unwrap_or_default(), p.notice_end.unwrap_or_default());
    let policy = crate::policy::service::effective(db, &d.summary.org_code, start.year()).await?.policy;
    let calendar = crate::calendar::service::load(db).await?;
    // Counted as the procedure counts it: the day of posting is not counted (民法典第二百零一条).
    let working_days = calendar.working_days_between(start, end)?;
    let (kind, kind_action) = match p.procedure {
        Procedure::Identification => ("对象识别纳入", "纳入防止返贫监测对象"),
        Procedure::Elimination => ("对象风险消除", "标注为风险消除"),
        Procedure::Measures => ("帮扶措施落实", "落实帮扶措施"),
    };
    let village = crate::org::OrgCode::parse(&d.summary.org_code)?.at_level(crate::org::OrgLevel::Village);
    let on_notice = identification::Entity::find()
        .filter(identification::Column::Kind.eq(p.procedure.as_str()))
        .filter(identification::Column::NoticeStart.eq(start))
        .filter(authz::code_prefix(
            identification::Column::OrgCode,
            crate::org::OrgCode::parse(&village)?.scope_prefix(),
        ))
        .all(db)
        .await?;
    let class_of: HashMap<i64, Option<String>> = on_notice.into_iter().map(|r| (r.household_id, r.class)).collect();
    let listed = household::Entity::find()
        .filter(household::Column::Id.is_in(class_of.keys().copied()))
        .order_by_asc(household::Column::Code)
        .all(db)
        .await?;
    let mut households = Vec::new();
    for h in listed {
        let (listed_code, class) = (h.code, class_of.get(&h.id).cloned().flatten());
        let other = match listed_code == d.summary.code {
            true => d.clone(),
            false => match crate::households::service::reading::get(db, now, ctx, &listed_code).await {
                Ok(other) => other,
                Err(AppError::NotFound) => continue, // outside the caller's scope
                Err(e) => return Err(e),
            },
        };
        printed(db, now, ctx, "public-notice", &other, false).await?;
        households.push(json!({
            "number": households.len() + 1,
            "head_name": other.summary.head_name,
            "group": other.summary.org_name,
            "member_count": other.summary.member_count,
            "monitoring_class": class.or_else(|| other.summary.monitoring_class.clone()).unwrap_or_default(),
            "matter": notice_matter(p.procedure),
        }));
    }
    let names = crate::org::service::display_names(db, vec![village.clone()]).await?;
    let village_name = names.get(&village).cloned().unwrap_or_else(|| d.summary.org_name.clone());
    Ok(json!({
        "unit_name": village_name,
        "kind": kind,
        "kind_action": kind_action,
        "notice_start": start.to_string(),
        "notice_end": end.to_string(),
        "working_days": working_days,
        "contact_phone": policy.notice_phone,
        "printed_on": beijing_date(now).to_string(),
        "households": households,
    }))
}

/// What a household is on a notice for: the procedure's step, never the risks found. A notice is posted
/// on the village board, and the verdict's reasons can name an illness or a disability [T][Y].
fn notice_matter(procedure: Procedure) -> &'static str {
    match procedure {
        Procedure::Identification => "拟纳入防止返贫监测对象",
        Procedure::Elimination => "拟标注风险消除",
        Procedure::Measures => "拟落实帮扶措施",
    }
}
