//! The minutes: the header (date, place, attendance), finalising, sending back, signing and addenda,
//! the printed minutes and the year's meeting book.

use super::{
    editable, expect_status, get, in_scope, locked, locked_for_edit, may_chair, may_edit, meeting_entry, recorders,
    signed_late,
};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::{AppError, Problems};
use crate::meetings::{Attendee, HeaderForm, ItemAction, ItemView, MeetingStatus, MeetingView};
use crate::org::{OrgCode, OrgLevel};
use crate::request::RequestContext;
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{meeting, meeting_addendum, meeting_item};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

/// Date, place, guests and attendance.
pub async fn save_header(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    form: &HeaderForm,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, caller, id).await?;
    // Every problem of the header is named at once.
    let mut p = Problems::default();
    let today = beijing_date(now);
    let (first, last) = crate::calendar::month(&m.month, today)?;
    let held_on = match NaiveDate::parse_from_str(form.held_on.trim(), "%Y-%m-%d") {
        Ok(day) if day >= first && day <= last && day <= today => Some(day),
        Ok(_) => {
            p.add("held_on", format!("会议日期应在 {} 月内，且不晚于今天。", m.month));
            None
        }
        Err(_) => {
            p.add("held_on", "请填写会议日期，例如 2026-03-20。");
            None
        }
    };
    let place = form.place.trim().to_string();
    if place.is_empty() || place.chars().count() > 60 {
        p.add("place", "请填写会议地点（不超过 60 字）。");
    }
    let mut attendance: Vec<Attendee> = serde_json::from_str(&m.attendance).map_err(AppError::internal)?;
    for a in attendance.iter_mut() {
        let key = a.user_id.to_string();
        a.present = form.marks.get(&key).is_none_or(|v| v != "absent");
        a.reason = form.reasons.get(&key).map(|r| r.trim().chars().take(60).collect()).unwrap_or_default();
        if !a.present && a.reason.is_empty() {
            p.add("reasons", format!("请填写{}缺席的原因。", a.name));
        }
    }
    let guests = form.guests.trim().chars().take(500).collect::<String>();
    let unit = OrgCode::parse(&m.org_code)?;
    let recorder = form
        .recorder
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| recorders(&attendance, &unit).any(|a| a.user_id == *id && a.present));
    if recorder.is_none() {
        p.add("recorder", "请从出席的本单位人员中指定记录人（主持人以外）。");
    }
    p.finish()?;
    let (Some(held_on), Some(recorder)) = (held_on, recorder) else { return Err(AppError::Internal) };
    let mut active = m.clone().into_active_model();
    active.held_on = Set(Some(held_on));
    active.place = Set(place.clone());
    active.guests = Set(guests.clone());
    active.attendance = Set(serde_json::to_string(&attendance).map_err(AppError::internal)?);
    if may_chair(caller, &unit) {
        active.chair_user_id = Set(Some(caller.user_id));
    }
    active.recorder_user_id = Set(Some(recorder));
    active.update(&tx).await?;
    let present: Vec<&str> = attendance.iter().filter(|a| a.present).map(|a| a.name.as_str()).collect();
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        meeting_entry(
            &m,
            "meeting.header_saved",
            json!({ "after": { "held_on": held_on, "place": place, "guests": guests, "present": present, "recorder_user_id": recorder } }),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The recorder finalises the minutes (every kept item decided, date and place set); the chair then signs.
pub async fn finalise(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(), AppError> {
    editable(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let tx = begin_write(db).await?;
    let m = locked_for_edit(&tx, caller, id).await?;
    if m.held_on.is_none() || m.place.is_empty() || m.recorder_user_id.is_none() {
        return Err(AppError::validation("held_on", "请先填写会议日期、地点、记录人和参会情况。"));
    }
    if m.recorder_user_id != Some(caller.user_id) {
        return Err(AppError::Conflict("会议记录由指定的记录人定稿，主持人审核后签发。".into()));
    }
    let undecided = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.eq(m.id))
        .filter(meeting_item::Column::Dropped.eq(false))
        .filter(meeting_item::Column::DecidedAt.is_null())
        .all(&tx)
        .await?;
    if let Some(first) = undecided.first() {
        return Err(AppError::Conflict(format!(
            "还有 {} 个议题没有研判决定（如“{}”），请逐项研判或说明原因后不列入。",
            undecided.len(),
            first.title
        )));
    }
    let mut active = m.clone().into_active_model();
    active.status = Set(MeetingStatus::Finalised.as_str().into());
    active.finalised_at = Set(Some(now));
    active.sent_back_reason = Set(String::new());
    active.update(&tx).await?;
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, meeting_entry(&m, "meeting.finalised", json!({}))).await?;
    tx.commit().await?;
    Ok(())
}

/// The chair sends finalised minutes back to the recorder, with the reason, instead of signing what is
/// wrong; they can be changed again until finalised anew.
pub async fn send_back(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    reason: &str,
) -> Result<(), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    if !may_chair(caller, &OrgCode::parse(&m.org_code)?) {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::validation("reason", "请写明退回修改的原因（不超过 200 字）。"));
    }
    let tx = begin_write(db).await?;
    let m = locked(&tx, id).await?;
    expect_status(&m, MeetingStatus::Finalised)?;
    let mut active = m.clone().into_active_model();
    active.status = Set(MeetingStatus::Preparing.as_str().into());
    active.finalised_at = Set(None);
    active.sent_back_reason = Set(reason.to_string());
    active.update(&tx).await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        meeting_entry(&m, "meeting.sent_back", json!({ "after": { "reason": reason } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The chair signs the finalised minutes: from now on they are locked.
pub async fn sign(db: &DatabaseConnection, now: DateTime<Utc>, ctx: &RequestContext, id: i64) -> Result<(), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(&m.org_code)?;
    if !may_chair(caller, &unit) {
        return Err(AppError::Forbidden);
    }
    let tx = begin_write(db).await?;
    let m = locked(&tx, id).await?;
    expect_status(&m, MeetingStatus::Finalised)?;
    // The signed minutes name everyone as their account reads at signing (a name corrected since the
    // roster was taken is corrected here too); from now on the names never change.
    let mut attendance: Vec<Attendee> = serde_json::from_str(&m.attendance).map_err(AppError::internal)?;
    let names = crate::users::service::display_names(&tx, attendance.iter().map(|a| a.user_id)).await?;
    let mut renamed = Vec::new();
    for a in &mut attendance {
        if let Some(name) = names.get(&a.user_id).filter(|name| **name != a.name) {
            renamed.push(json!({ "before": a.name, "after": name }));
            a.name = name.clone();
        }
    }
    let mut active = m.clone().into_active_model();
    active.status = Set(MeetingStatus::Signed.as_str().into());
    active.signed_at = Set(Some(now));
    active.chair_user_id = Set(Some(caller.user_id));
    active.attendance = Set(serde_json::to_string(&attendance).map_err(AppError::internal)?);
    active.update(&tx).await?;
    let changes = if renamed.is_empty() { json!({}) } else { json!({ "renamed": renamed }) };
    audit::append(&tx, &Actor::user(caller, &ctx.meta), now, meeting_entry(&m, "meeting.signed", changes)).await?;
    tx.commit().await?;
    Ok(())
}

/// A dated addendum to signed minutes.
pub async fn amend(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    text: &str,
) -> Result<(), AppError> {
    let m = in_scope(db, now, ctx, id).await?;
    let caller = ctx.caller()?;
    let unit = OrgCode::parse(&m.org_code)?;
    if !may_edit(caller, &unit, &m) {
        return Err(AppError::Forbidden);
    }
    expect_status(&m, MeetingStatus::Signed)?;
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 1000 {
        return Err(AppError::validation("text", "请填写补充说明（不超过 1000 字）。"));
    }
    let tx = begin_write(db).await?;
    let row = meeting_addendum::ActiveModel {
        meeting_id: Set(m.id),
        text: Set(text.to_string()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        meeting_entry(&m, "meeting.amended", json!({ "after": { "addendum_id": row.id, "text": text } })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The data of a meeting's minutes (研判会议记录), audited as a print; a draft says so in its subtitle.
pub async fn minutes(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
) -> Result<(String, serde_json::Value), AppError> {
    let m = get(db, now, ctx, id).await?;
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.meeting_minutes",
            entity_type: "meeting",
            entity_id: m.id.to_string(),
            org_code: Some(m.org_code.clone()),
            changes: json!({ "status": m.status.as_str() }),
        },
    )
    .await?;
    Ok((format!("{}{}{}记录", m.org_name, m.month, m.title), minutes_data(&m, beijing_date(now))))
}

/// The meeting book (专本) of a unit for a year: the contents (one entry per signed meeting, in month
/// order, and the months without signed minutes) and each meeting's minutes. Audited as a print.
pub async fn book(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    unit_code: &str,
    year: &str,
) -> Result<(String, serde_json::Value, Vec<(String, serde_json::Value)>), AppError> {
    let unit = OrgCode::parse(unit_code).map_err(|_| AppError::validation("unit", "请选择村或镇街。"))?;
    authz::check(db, now, ctx, Action::ReadHousehold, unit.as_str()).await?;
    let today = beijing_date(now);
    let year = crate::calendar::year(year, today)?;
    let signed = meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.as_str()))
        .filter(meeting::Column::Month.starts_with(format!("{year}-")))
        .filter(meeting::Column::Status.eq(MeetingStatus::Signed.as_str()))
        .order_by_asc(meeting::Column::Month)
        .all(db)
        .await?;
    let mut entries = Vec::new();
    let mut parts = Vec::new();
    for m in &signed {
        let view = get(db, now, ctx, m.id).await?;
        let (_, last) = crate::calendar::month(&m.month, today)?;
        let signed = match signed_late(m, last) {
            Some(day) => format!("逾期补签（{day} 签发）"),
            None => "已签发".to_string(),
        };
        entries.push(json!({
            "month": view.month,
            "held_on": view.held_on.map(|d| d.to_string()).unwrap_or_default(),
            "items": view.items.iter().filter(|i| !i.dropped).count(),
            "status": if view.addenda.is_empty() { signed } else { format!("{signed}，补充说明 {} 条", view.addenda.len()) },
            "page": 0,
        }));
        parts.push((format!("{} 研判会议记录", view.month), minutes_data(&view, today)));
    }
    // Months that are over (this month may still hold its meeting).
    let last_month = if year < today.year() { 12 } else { today.month0() };
    let missing: Vec<String> = (1..=last_month)
        .map(|month| format!("{year}-{month:02}"))
        .filter(|month| !signed.iter().any(|m| &m.month == month))
        .collect();
    let names = crate::org::service::display_names(db, vec![unit.as_str().to_string()]).await?;
    let unit_name = names.get(unit.as_str()).cloned().ok_or(AppError::NotFound)?;
    let title = if unit.level() == OrgLevel::Township { "镇街联席研判会议" } else { "村级研判会议" };
    audit::record_event(
        db,
        &Actor::user(ctx.caller()?, &ctx.meta),
        now,
        Entry {
            action: "print.meeting_book",
            entity_type: "org_unit",
            entity_id: unit.as_str().to_string(),
            org_code: Some(unit.as_str().to_string()),
            changes: json!({ "year": year, "meetings": signed.len() }),
        },
    )
    .await?;
    let contents = json!({
        "unit_name": unit_name,
        "year": year,
        "title": title,
        "entries": entries,
        "missing": if missing.is_empty() { "无".to_string() } else { missing.join("、") },
        "printed_on": today.to_string(),
    });
    Ok((format!("{unit_name}{year}年{title}记录专本"), contents, parts))
}

/// A meeting as the minutes template's data.
fn minutes_data(m: &MeetingView, today: NaiveDate) -> serde_json::Value {
    let or_none = |list: Vec<String>| if list.is_empty() { "无".to_string() } else { list.join("、") };
    let kept: Vec<&ItemView> = m.items.iter().filter(|i| !i.dropped).collect();
    let (year, month) = m.month.split_once('-').unwrap_or((&m.month, ""));
    json!({
        "unit_name": m.org_name,
        "title": m.title,
        "month": format!("{year}年{}月", month.trim_start_matches('0')),
        "held_on": m.held_on.map(|d| d.format("%Y年%m月%d日").to_string()).unwrap_or_default(),
        "place": m.place,
        "chair": m.chair.clone().unwrap_or_default(),
        "recorder": m.recorder.clone().unwrap_or_default(),
        "present": or_none(m.attendance.iter().filter(|a| a.present).map(|a| format!("{}（{}）", a.name, a.role)).collect()),
        "absent": or_none(m.attendance.iter().filter(|a| !a.present).map(|a| format!("{}（{}）", a.name, a.reason)).collect()),
        "guests": if m.guests.is_empty() { "无".to_string() } else { m.guests.clone() },
        "signed": match (&m.signed_at, &m.chair) {
            (Some(at), Some(chair)) => format!("{chair} 于 {at} 签发"),
            _ => "未签发".to_string(),
        },
        "status_note": match m.status {
            MeetingStatus::Signed => "",
            MeetingStatus::Finalised => "（已定稿，待主持人签发）",
            MeetingStatus::Preparing => "（草稿，未定稿）",
        },
        "items": kept.iter().enumerate().map(|(n, i)| json!({
            "number": n + 1,
            "kind": i.kind.label(),
            "title": i.title,
            "facts": if i.facts.is_empty() { String::new() } else { format!("：{}", i.facts) },
            "analysis": i.analysis,
            "decision": i.decision,
            "action": match (i.action, i.result_case_id) {
                (_, Some(id)) => format!("（已立案 {id} 号）"),
                (Some(ItemAction::Escalate), _) => "（提交镇街联席研判）".to_string(),
                _ => String::new(),
            },
            "department": i.department,
            "responsible_person": i.responsible_person,
            "deadline": i.deadline.map(|d| d.to_string()).unwrap_or_default(),
        })).collect::<Vec<_>>(),
        "dropped": m.items.iter().filter(|i| i.dropped).map(|i| json!({ "title": i.title, "reason": i.drop_reason })).collect::<Vec<_>>(),
        "addenda": m.addenda.iter().map(|a| json!({ "at": a.at, "by": a.by, "text": a.text })).collect::<Vec<_>>(),
        "printed_on": today.to_string(),
    })
}
