//! The calendar in force: the notices built into this release plus any the operator loaded (a loaded
//! notice replaces the built-in one for its year).

use chrono::{DateTime, Utc};
use entities::holiday_notice;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;

use super::{BUILT_IN, DayKind, NoticeSummary, WorkCalendar, YearNotice, parse_notice};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::error::AppError;

/// Every notice in force, built-in first, loaded ones replacing them.
pub async fn notices<C: ConnectionTrait>(db: &C) -> Result<Vec<YearNotice>, AppError> {
    let mut notices: Vec<YearNotice> = BUILT_IN.iter().filter_map(|text| parse_notice(text).ok()).collect();
    for row in holiday_notice::Entity::find().all(db).await? {
        let notice =
            parse_notice(&row.body).map_err(|e| AppError::internal(format!("stored notice {}: {e}", row.year)))?;
        notices.retain(|n| n.year != notice.year);
        notices.push(notice);
    }
    notices.sort_by_key(|n| n.year);
    Ok(notices)
}

/// The years in force with their sources and who loaded them.
pub async fn summaries<C: ConnectionTrait>(db: &C) -> Result<Vec<NoticeSummary>, AppError> {
    let loaded: std::collections::HashMap<i32, String> = holiday_notice::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.year, format!("{} 于 {} 录入", row.loaded_by, crate::time::beijing_time(row.loaded_at))))
        .collect();
    Ok(notices(db)
        .await?
        .into_iter()
        .rev()
        .map(|n| NoticeSummary {
            year: n.year,
            holidays: n.days.iter().filter(|d| d.kind == DayKind::Holiday).count(),
            workdays: n.days.iter().filter(|d| d.kind == DayKind::Workday).count(),
            loaded_by: loaded.get(&n.year).cloned(),
            source: n.source,
        })
        .collect())
}

/// The working-day calendar in force.
pub async fn load<C: ConnectionTrait>(db: &C) -> Result<WorkCalendar, AppError> {
    Ok(WorkCalendar::new(notices(db).await?))
}

/// Store a year's notice (from the State Council's text, in the data-file format). Audited.
pub async fn store<C: ConnectionTrait>(
    tx: &C,
    actor: &Actor,
    now: DateTime<Utc>,
    text: &str,
) -> Result<YearNotice, AppError> {
    let notice = parse_notice(text)?;
    let existing = holiday_notice::Entity::find_by_id(notice.year).one(tx).await?;
    let replaced = existing.is_some();
    match existing {
        Some(row) => {
            let mut row = row.into_active_model();
            row.body = Set(text.to_string());
            row.loaded_at = Set(now);
            row.loaded_by = Set(actor.name.clone());
            row.update(tx).await?;
        }
        None => {
            holiday_notice::ActiveModel {
                year: Set(notice.year),
                body: Set(text.to_string()),
                loaded_at: Set(now),
                loaded_by: Set(actor.name.clone()),
            }
            .insert(tx)
            .await?;
        }
    }
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: "calendar.loaded",
            entity_type: "holiday_notice",
            entity_id: notice.year.to_string(),
            org_code: None,
            changes: json!({ "year": notice.year, "source": notice.source, "days": notice.days.len(), "replaced": replaced }),
        },
    )
    .await?;
    Ok(notice)
}
