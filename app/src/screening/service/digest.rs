//! The daily digest of warnings still waiting to be verified.

use crate::db::begin_write;
use crate::error::AppError;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::time::beijing_date;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entities::screening_row;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// 日汇总: on a working day, tell each township (and the county office, for rows placed at county
/// level) of the department warnings received since the previous working day. Returns the notices.
pub async fn digest(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = beijing_date(now);
    let calendar = crate::calendar::service::load(db).await?;
    if !calendar.is_working_day(today)? {
        return Ok(0);
    }
    let from = calendar.previous_working_day(today)?;
    let start = from.and_hms_opt(0, 0, 0).map(|t| t.and_utc()).ok_or_else(|| AppError::internal("start of day"))?;
    let end = start + Duration::days((today - from).num_days());
    let rows = screening_row::Entity::find()
        .filter(screening_row::Column::CreatedAt.gte(start))
        .filter(screening_row::Column::CreatedAt.lt(end))
        .all(db)
        .await?;
    let by_unit = count_by_unit(&rows);
    let names = crate::org::service::display_names(
        db,
        by_unit.values().flat_map(|v| v.keys().cloned()).chain(by_unit.keys().cloned()).collect(),
    )
    .await?;
    let period = if from + Duration::days(1) == today {
        from.to_string()
    } else {
        format!("{from} 至 {}", today - Duration::days(1))
    };
    let mut written = 0;
    let tx = begin_write(db).await?;
    for (unit, villages) in by_unit {
        let township = OrgCode::parse(&unit).is_ok_and(|c| c.level() == OrgLevel::Township);
        let roles: &[Role] =
            if township { &[Role::TownshipLeader, Role::TownshipStaff] } else { &[Role::CountyOffice] };
        let recipients: Vec<i64> =
            crate::households::register::candidates(&tx, &unit, roles).await?.iter().map(|c| c.user_id).collect();
        let notice = unit_notice(&unit, &villages, &names, &period, today);
        written += notify(&tx, now, &recipients, &notice).await?;
    }
    tx.commit().await?;
    Ok(written)
}

/// Count the rows per township (or county, for rows placed at county level) and village: (opened,
/// updated, unmatched).
fn count_by_unit(rows: &[screening_row::Model]) -> HashMap<String, HashMap<String, [usize; 3]>> {
    let mut by_unit: HashMap<String, HashMap<String, [usize; 3]>> = HashMap::new();
    for r in rows {
        let village = crate::org::prefix_at(&r.org_code, OrgLevel::Village).to_string();
        let unit = if r.org_code.get(6..9).is_some_and(|t| t != "000") {
            crate::org::unit_at(&r.org_code, OrgLevel::Township)
        } else {
            village.clone()
        };
        let counts = by_unit.entry(unit).or_default().entry(village).or_default();
        match r.outcome.as_str() {
            "opened" => counts[0] += 1,
            "updated" => counts[1] += 1,
            _ => counts[2] += 1,
        }
    }
    by_unit
}

/// The digest notice for one township (or county): the totals, then a line per village.
fn unit_notice(
    unit: &str,
    villages: &HashMap<String, [usize; 3]>,
    names: &HashMap<String, String>,
    period: &str,
    today: NaiveDate,
) -> Notice {
    let total: [usize; 3] = villages.values().fold([0; 3], |a, c| [a[0] + c[0], a[1] + c[1], a[2] + c[2]]);
    let mut lines: Vec<String> = villages
        .iter()
        .map(|(code, c)| {
            format!(
                "{}：新建案件 {}，并入已有案件 {}，未匹配 {}",
                names.get(code).cloned().unwrap_or_else(|| code.clone()),
                c[0],
                c[1],
                c[2]
            )
        })
        .collect();
    lines.sort();
    Notice {
        category: NoticeCategory::Digest,
        title: format!("部门预警日汇总（{period}）：{} 条", total.iter().sum::<usize>()),
        body: format!(
            "{}收到部门筛查预警 {} 条：新建案件 {}，并入已有案件 {}，未匹配农户 {}（请核实是否应纳未纳）。\n{}",
            names.get(unit).cloned().unwrap_or_default(),
            total.iter().sum::<usize>(),
            total[0],
            total[1],
            total[2],
            lines.join("\n")
        ),
        link: "/screening".into(),
        dedupe: Some(format!("digest:{unit}:{today}")),
    }
}
