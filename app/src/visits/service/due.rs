//! The visits each person owes, read from the register and the policy's cadences: "my visits" in
//! route order and the daily reminder.

use super::record::policy_for;
use super::{Loaded, VISITOR_ROLES};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;
use crate::visits::schedule::{self, Duty, Rule, Standing, Subject};
use crate::visits::{DueVisit, MyVisits};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, org_unit, user_role};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Each village's resident cadres and information officers (by village code): they owe the visits of
/// categories whose visitor names them.
struct VillageStaff(HashMap<String, Vec<(Role, i64)>>);

impl VillageStaff {
    async fn read<C: ConnectionTrait>(db: &C) -> Result<VillageStaff, AppError> {
        let grants = user_role::Entity::find()
            .filter(user_role::Column::Role.is_in(VISITOR_ROLES.map(|r| r.as_str())))
            .all(db)
            .await?;
        let units: HashMap<i64, String> = org_unit::Entity::find()
            .filter(org_unit::Column::Id.is_in(grants.iter().map(|g| g.org_unit_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect();
        let mut staff: HashMap<String, Vec<(Role, i64)>> = HashMap::new();
        for g in grants {
            let (Some(code), Some(role)) = (units.get(&g.org_unit_id), Role::parse(&g.role)) else { continue };
            staff.entry(code.clone()).or_default().push((role, g.user_id));
        }
        Ok(VillageStaff(staff))
    }

    /// Who owes `rule` for household `h`: the 挂钩干部 their own visits; the village staff the category
    /// names its cadence (the contact where the village has none of them); the contact the sweep, and
    /// where a household has no contact, the village staff, so every rural household is swept by someone.
    fn owers(&self, rule: &Rule, subject: &Subject, h: &household::Model) -> Vec<i64> {
        let village = OrgCode::parse(&h.org_code).map(|c| c.at_level(OrgLevel::Village)).unwrap_or_default();
        let staff = |roles: &[Role]| -> Vec<i64> {
            self.0
                .get(&village)
                .into_iter()
                .flatten()
                .filter(|(role, _)| roles.contains(role))
                .map(|(_, u)| *u)
                .collect()
        };
        let contact = || h.contact_user_id.into_iter().collect::<Vec<i64>>();
        let first_of = |people: Vec<i64>, otherwise: Vec<i64>| if people.is_empty() { otherwise } else { people };
        match rule.duty {
            Duty::Liaison => h.liaison_user_id.into_iter().collect(),
            Duty::Cadence => first_of(staff(&subject.class.map(|c| c.visitor_roles()).unwrap_or_default()), contact()),
            Duty::Sweep => first_of(contact(), staff(&VISITOR_ROLES)),
        }
    }

    /// The villages where `user` is one of the staff.
    fn villages_of(&self, user: i64) -> Vec<String> {
        self.0.iter().filter(|(_, people)| people.iter().any(|(_, u)| *u == user)).map(|(v, _)| v.clone()).collect()
    }
}

/// The caller's visits today: households where they are the contact (cadence and sweep), the village
/// staff a category's visitor names (its cadence; the sweep of households without a contact), or the
/// 挂钩干部 (their own visits); overdue first, then due, then done this period; each part in route order
/// (villager group, then address).
pub async fn my_visits(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
) -> Result<MyVisits, AppError> {
    let caller = ctx.caller()?;
    let today = beijing_date(now);
    let mut result = MyVisits { today, overdue: Vec::new(), due: Vec::new(), done: Vec::new() };
    let Some(scope) = authz::scope_condition(caller, Action::RecordVisit, household::Column::OrgCode) else {
        return Ok(result);
    };
    let staff = VillageStaff::read(db).await?;
    let mut mine = Condition::any()
        .add(household::Column::ContactUserId.eq(caller.user_id))
        .add(household::Column::LiaisonUserId.eq(caller.user_id));
    for village in staff.villages_of(caller.user_id) {
        mine = mine.add(authz::code_prefix(household::Column::OrgCode, OrgCode::parse(&village)?.scope_prefix()));
    }
    let loaded = Loaded::read(db, Condition::all().add(scope).add(mine), today).await?;
    let groups =
        crate::org::service::display_names(db, loaded.households.iter().map(|h| h.org_code.clone()).collect()).await?;
    let mut policies = HashMap::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, today.year()).await? else { continue };
        let subject = loaded.subject(h, &policy);
        let seen = loaded.seen_of(h.id);
        for rule in schedule::rules(&subject, &policy) {
            if !staff.owers(&rule, &subject, h).contains(&caller.user_id) {
                continue;
            }
            let Some(standing) = schedule::standing(&rule, &subject, &policy, seen, today) else { continue };
            // The sweep shows only in its season or while overdue.
            if rule.duty == Duty::Sweep
                && matches!(standing, Standing::Done(_))
                && today > rule.period(today, &policy).end
            {
                continue;
            }
            let item = DueVisit {
                household_code: h.code.clone(),
                head_name: h.head_name.clone(),
                address: h.address.clone(),
                group_name: groups.get(&h.org_code).cloned().unwrap_or_default(),
                phone: h.phone.clone(),
                duty: rule.label.clone(),
                standing,
                due_by: rule.period(today, &policy).end,
                last_visit: seen.iter().filter(|v| rule.counts(v)).map(|v| v.on).max(),
            };
            match standing {
                Standing::Overdue { .. } => result.overdue.push(item),
                Standing::Due => result.due.push(item),
                Standing::Done(_) => result.done.push(item),
            }
        }
    }
    keep_households_together(&mut result.due);
    Ok(result)
}

/// Orders the due list for a morning's route: a household's cards stay together, the household whose period
/// ends soonest comes first, and households due by the same day keep their route order.
fn keep_households_together(due: &mut [DueVisit]) {
    let mut first: HashMap<String, (NaiveDate, usize)> = HashMap::new();
    for (arrival, d) in due.iter().enumerate() {
        let entry = first.entry(d.household_code.clone()).or_insert((d.due_by, arrival));
        entry.0 = entry.0.min(d.due_by);
    }
    due.sort_by_key(|d| (first.get(&d.household_code).copied(), d.due_by));
}

/// What one person owes, for their reminder.
#[derive(Default)]
struct Owed {
    due: u32,
    overdue: u32,
    /// The nearest end of a period with a visit due, when it falls within the reminder window.
    ending: Option<NaiveDate>,
    /// The latest end of a period that passed unmet.
    missed: Option<NaiveDate>,
}

/// Remind contacts and 挂钩干部 of the visits they still owe, one notice per person with the counts: when
/// a period with visits due ends within the policy's reminder working days, and once for each period
/// that passed unmet. Returns how many notices were new.
pub async fn remind(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let today = beijing_date(now);
    let loaded = Loaded::read(db, Condition::all(), today).await?;
    let staff = VillageStaff::read(db).await?;
    let calendar = crate::calendar::service::load(db).await?;
    let mut policies = HashMap::new();
    // Per person: what they owe, and whether some period ends within the window.
    let mut owed: HashMap<i64, Owed> = HashMap::new();
    for h in &loaded.households {
        let Some(policy) = policy_for(db, &mut policies, &h.org_code, today.year()).await? else { continue };
        let window_end = calendar.add_working_days(today, policy.reminder_working_days)?;
        let subject = loaded.subject(h, &policy);
        for rule in schedule::rules(&subject, &policy) {
            let end = rule.period(today, &policy).end;
            let standing = schedule::standing(&rule, &subject, &policy, loaded.seen_of(h.id), today);
            for person in staff.owers(&rule, &subject, h) {
                let entry = owed.entry(person).or_default();
                match standing {
                    Some(Standing::Due) => {
                        entry.due += 1;
                        if end <= window_end {
                            entry.ending = Some(entry.ending.map_or(end, |e: NaiveDate| e.min(end)));
                        }
                    }
                    Some(Standing::Overdue { missed_end }) => {
                        entry.overdue += 1;
                        entry.missed = Some(entry.missed.map_or(missed_end, |m: NaiveDate| m.max(missed_end)));
                    }
                    _ => {}
                }
            }
        }
    }
    let tx = begin_write(db).await?;
    let mut sent = 0;
    for (person, o) in owed {
        // Remind near a period's end, and once for each period that passed unmet.
        let (dedupe, title) = match (o.ending, o.missed) {
            (Some(end), _) => (format!("visits-due:{end}"), format!("走访提醒：{end} 前尚有 {} 户次应访未访", o.due)),
            (None, Some(missed)) => {
                (format!("visits-overdue:{missed}"), format!("走访逾期：{} 户次应访未访", o.overdue))
            }
            (None, None) => continue,
        };
        let body = format!(
            "您负责的农户中，本期应访未访 {} 户次，已逾期 {} 户次。请打开“我的走访”按路线安排走访并录入走访记录。",
            o.due, o.overdue
        );
        let notice = crate::notify::service::Notice {
            category: crate::notify::Category::VisitsDue,
            title,
            body,
            link: "/visits".into(),
            dedupe: Some(dedupe),
        };
        sent += crate::notify::service::notify(&tx, now, &[person], &notice).await?;
    }
    tx.commit().await?;
    Ok(sent)
}
