//! This year's visits of the demo county: the annual sweep, the weekly contacts of monitored households
//! (a home visit a month, calls in between) and the cadres' quarterly visits.

use app::visits::schedule::week_period_of;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::household;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{DatabaseTransaction, EntityTrait, QueryOrder, Set};
use std::collections::HashMap;

/// A day in `from..=to` (clamped to `to` when the range is empty).
fn day_between(rng: &mut ChaCha8Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let days = (to - from).num_days().max(0);
    from + chrono::Duration::days(rng.random_range(0..=days))
}

/// This year's visits up to `today`, as a county that keeps up (mostly): the sweep of almost every
/// household by its deadline, most weekly contacts of monitored households, and most quarterly visits of
/// the 挂钩干部. Returns how many.
pub(super) async fn load_visits(
    tx: &DatabaseTransaction,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let today = app::time::beijing_date(now);
    use app::risk::{AssessmentStatus, SecurityItem};
    let users: HashMap<String, i64> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.username, u.id)).collect();
    let households = household::Entity::find().order_by_asc(household::Column::Id).all(tx).await?;
    let checklist = serde_json::to_string(
        &SecurityItem::ALL
            .iter()
            .map(|item| app::visits::ChecklistAnswer { item: *item, status: AssessmentStatus::Ok, note: String::new() })
            .collect::<Vec<_>>(),
    )?;
    let year = today.year();
    let day = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day).unwrap_or(today);
    let mut rows = Vec::new();
    for h in &households {
        let Some(contact) = users.get(&format!("c{}.lianxi", h.org_code.get(6..12).unwrap_or_default())).copied()
        else {
            continue;
        };
        let visit = |on: NaiveDate, visitor: i64, mode: &str, sweep: bool| entities::visit::ActiveModel {
            household_id: Set(h.id),
            org_code: Set(h.org_code.clone()),
            visited_on: Set(on),
            mode: Set(mode.into()),
            sweep: Set(sweep),
            visitor_user_id: Set(visitor),
            companions: Set(String::new()),
            checklist: Set(checklist.clone()),
            finance_note: Set(String::new()),
            income_year: Set(None),
            problems: Set("[]".into()),
            assistance: Set(String::new()),
            ledger_class: Set(if sweep { h.monitoring_class.clone() } else { None }),
            acknowledgement: Set(if mode == "in_person" { "signed" } else { "remote" }.into()),
            acknowledged_by: Set(h.head_name.clone()),
            created_at: Set(now),
            ..Default::default()
        };
        if rng.random_bool(0.97) {
            let on = day_between(rng, day(1, 5), day(3, 28).min(today));
            rows.push(visit(on, contact, "in_person", true));
        }
        if h.monitoring_class.is_some() {
            // Tongnan's responsible person checks in every week [T]: a home visit the first time in a
            // month, a call the other weeks; a week missed now and then.
            let this_week = week_period_of(today, 1).start;
            let mut monday = week_period_of(day(1, 1), 1).start;
            let mut visited_month = 0;
            while monday <= today {
                let chance = if monday == this_week { 0.5 } else { 0.93 };
                let on = (monday + chrono::Duration::days(rng.random_range(0..5))).clamp(day(1, 1), today);
                if rng.random_bool(chance) {
                    let mode = if on.month() == visited_month { "phone" } else { "in_person" };
                    visited_month = on.month();
                    rows.push(visit(on, contact, mode, false));
                }
                monday += chrono::Duration::days(7);
            }
        }
        if let Some(liaison) = h.liaison_user_id {
            for quarter_start in [1, 4, 7, 10].into_iter().filter(|m| *m <= today.month()) {
                let on = day_between(rng, day(quarter_start, 1), day(quarter_start + 2, 28).min(today));
                if rng.random_bool(0.8) {
                    rows.push(visit(on, liaison, "in_person", false));
                }
            }
        }
    }
    let count = rows.len() as u64;
    for chunk in rows.chunks(1000) {
        entities::visit::Entity::insert_many(chunk.to_vec()).exec_without_returning(tx).await?;
    }
    Ok(count)
}
