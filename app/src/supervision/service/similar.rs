//! 举一反三: after a finding, the same checklist item in the other units of the team's area — what the record
//! holds there for that item (the work paper's facts, counted by unit), earlier findings of the same item, and
//! whether the round already recorded it there — as a list the team turns into findings.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entities::{org_unit, supervision_finding};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::{Sight, round_in_sight};
use crate::authz::code_prefix;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::request::RequestContext;
use crate::supervision::{FindingStatus, SimilarProblems, SimilarUnit};
use crate::time::beijing_date;

/// How many units the list shows at most (those with the most facts first).
const LISTED: usize = 200;

/// The same item as the finding `finding_id` in the other units (of the finding's level) of the round's area,
/// for those who see the whole round.
pub async fn similar(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    finding_id: i64,
) -> Result<SimilarProblems, AppError> {
    let caller = ctx.caller()?;
    let finding = supervision_finding::Entity::find_by_id(finding_id).one(db).await?.ok_or(AppError::NotFound)?;
    let (round, _, sight) = round_in_sight(db, caller, finding.round_id).await?;
    let Sight::Whole { may_manage, is_member } = sight else {
        return Err(AppError::NotFound);
    };
    let today = beijing_date(now);
    let area = OrgCode::parse(&round.org_code)?;
    let level = OrgCode::parse(&finding.org_code)?.level();
    let units = org_unit::Entity::find()
        .filter(code_prefix(org_unit::Column::Code, area.scope_prefix()))
        .filter(org_unit::Column::Level.eq(level.as_str()))
        .filter(org_unit::Column::Code.ne(finding.org_code.as_str()))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?;
    let facts = super::workpaper::facts_by_unit(db, &round, &area, &finding.item, today).await?;
    let same_item = supervision_finding::Entity::find()
        .filter(supervision_finding::Column::Item.eq(finding.item.as_str()))
        .filter(code_prefix(supervision_finding::Column::OrgCode, area.scope_prefix()))
        .all(db)
        .await?;
    let mut recorded: HashMap<&str, i64> = HashMap::new();
    let mut earlier: HashMap<&str, u64> = HashMap::new();
    for f in &same_item {
        if f.round_id == round.id {
            recorded.entry(f.org_code.as_str()).or_insert(f.id);
        } else {
            *earlier.entry(f.org_code.as_str()).or_default() += 1;
        }
    }
    let count = |code: &str| facts.as_ref().map(|(_, by_unit)| by_unit.get(code).copied().unwrap_or(0));
    let mut list: Vec<SimilarUnit> = units
        .iter()
        .map(|u| SimilarUnit {
            code: u.code.clone(),
            name: u.name.clone(),
            facts: count(&u.code),
            earlier: earlier.get(u.code.as_str()).copied().unwrap_or(0),
            recorded: recorded.get(u.code.as_str()).copied(),
        })
        .collect();
    list.sort_by(|a, b| b.facts.cmp(&a.facts).then(b.earlier.cmp(&a.earlier)).then(a.code.cmp(&b.code)));
    let total_units = list.len() as u64;
    list.truncate(LISTED);
    let names = crate::org::service::display_names(db, vec![finding.org_code.clone()]).await?;
    let status = FindingStatus::parse(&finding.status).unwrap_or(FindingStatus::Recorded);
    Ok(SimilarProblems {
        finding_id: finding.id,
        round_id: round.id,
        round_title: round.title.clone(),
        unit_name: names.get(&finding.org_code).cloned().unwrap_or_default(),
        item: finding.item.clone(),
        description: finding.description.clone(),
        status_label: status.label().into(),
        facts_title: facts.map(|(title, _)| title),
        units: list,
        total_units,
        level_label: if level == OrgLevel::Township { "镇街".into() } else { "村".into() },
        may_record: (may_manage || is_member)
            && matches!(
                super::status_of(&round)?,
                crate::supervision::RoundStatus::Active | crate::supervision::RoundStatus::Rectifying
            ),
    })
}
