//! Visits kept in the database: recording a visit (its checklist becomes assessments, its finance
//! changes the household's income record, its problems open cases, all in one transaction), addenda,
//! and the schedule read from the register: "my visits", unit coverage and the sweep's ledgers.

pub mod coverage;
pub mod due;
pub mod record;
pub mod sheets;
pub mod sweep;

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, visit};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::authz::{self, Action};
use crate::error::AppError;
use crate::households::MonitoringStatus;
use crate::permissions::Role;
use crate::policy::Policy;
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::visits::Mode;
use crate::visits::schedule::{Seen, Subject};

/// A visit by id if the caller may do `action` in its household's unit (out of scope answers like missing).
pub(crate) async fn in_scope(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    action: Action,
) -> Result<visit::Model, AppError> {
    let found = visit::Entity::find_by_id(id).one(db).await?;
    authz::found_in_scope(db, now, ctx, action, found, |v| &v.org_code).await
}

/// Households and their visits since the start of last year, read once for the schedule.
struct Loaded {
    households: Vec<household::Model>,
    seen: HashMap<i64, Vec<Seen>>,
    /// The ledger class in force: the latest sweep visit's placement, and its day.
    ledger: HashMap<i64, (Option<String>, NaiveDate)>,
    /// Each household's visits by id (for the sweep ledgers).
    sweeps: HashMap<i64, visit::Model>,
}

impl Loaded {
    async fn read<C: ConnectionTrait>(db: &C, condition: Condition, today: NaiveDate) -> Result<Loaded, AppError> {
        let mut households = household::Entity::find()
            .filter(condition)
            .order_by_asc(household::Column::OrgCode)
            .order_by_asc(household::Column::Code)
            .all(db)
            .await?;
        households.sort_by_cached_key(|h| (h.org_code.clone(), route_key(&h.address), h.code.clone()));
        let since = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
        let mut seen: HashMap<i64, Vec<Seen>> = HashMap::new();
        let mut ledger = HashMap::new();
        let mut sweeps = HashMap::new();
        for ids in households.iter().map(|h| h.id).collect::<Vec<_>>().chunks(500) {
            let rows = visit::Entity::find()
                .filter(visit::Column::HouseholdId.is_in(ids.to_vec()))
                .filter(visit::Column::VisitedOn.gte(since))
                .order_by_asc(visit::Column::VisitedOn)
                .order_by_asc(visit::Column::Id)
                .all(db)
                .await?;
            for v in rows {
                let Some(mode) = Mode::parse(&v.mode) else { continue };
                seen.entry(v.household_id).or_default().push(Seen {
                    on: v.visited_on,
                    mode,
                    visitor: v.visitor_user_id,
                    sweep: v.sweep,
                });
                if v.sweep {
                    ledger.insert(v.household_id, (v.ledger_class.clone(), v.visited_on));
                    if v.visited_on.year() == today.year() {
                        sweeps.insert(v.household_id, v);
                    }
                }
            }
        }
        Ok(Loaded { households, seen, ledger, sweeps })
    }

    fn seen_of(&self, household_id: i64) -> &[Seen] {
        self.seen.get(&household_id).map(Vec::as_slice).unwrap_or_default()
    }

    /// What the schedule needs of a household: the cadence of its formal class while monitored, else of
    /// the ledger the latest sweep placed it in.
    fn subject<'p>(&self, h: &household::Model, policy: &'p Policy) -> Subject<'p> {
        let formal = h.monitoring_class.as_deref().filter(|_| {
            matches!(
                MonitoringStatus::parse(&h.monitoring_status),
                Some(MonitoringStatus::Monitored | MonitoringStatus::Eliminating)
            )
        });
        let registered = beijing_date(h.created_at);
        let ledger = self.ledger.get(&h.id).and_then(|(class, on)| Some((class.as_deref()?, *on)));
        let (class, class_since) = match (formal, ledger) {
            (Some(name), _) => (Some(name), h.class_since.unwrap_or(registered)),
            (None, Some((name, on))) => (Some(name), on),
            (None, None) => (None, registered),
        };
        Subject {
            class: class.and_then(|name| policy.category(name)),
            class_since,
            liaison: h.liaison_user_id,
            liaison_since: h.liaison_since.unwrap_or(registered),
            registered,
        }
    }
}

/// The village roles a category's visitor may name, for [`VillageStaff`].
const VISITOR_ROLES: [Role; 2] = [Role::ResidentCadre, Role::InfoOfficer];

/// One run of an address: text, or a number compared as a number.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum AddressPart {
    Text(String),
    Number(u64),
}

/// Route order within a villager group: by address, with house numbers in numeric order ("9号" before "10号").
fn route_key(address: &str) -> Vec<AddressPart> {
    let mut parts = Vec::new();
    let mut run = String::new();
    let mut digits = false;
    for c in address.chars() {
        if c.is_ascii_digit() != digits && !run.is_empty() {
            parts.push(if digits {
                AddressPart::Number(run.parse().unwrap_or(u64::MAX))
            } else {
                AddressPart::Text(std::mem::take(&mut run))
            });
            run.clear();
        }
        digits = c.is_ascii_digit();
        run.push(c);
    }
    if !run.is_empty() {
        parts.push(if digits { AddressPart::Number(run.parse().unwrap_or(u64::MAX)) } else { AddressPart::Text(run) });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn house_numbers_sort_as_numbers() {
        let mut addresses = vec!["石桥村三组16号", "石桥村三组158号", "石桥村三组9号", "石桥村二组200号"];
        addresses.sort_by_key(|a| route_key(a));
        assert_eq!(addresses, ["石桥村三组9号", "石桥村三组16号", "石桥村三组158号", "石桥村二组200号"]);
    }
}
