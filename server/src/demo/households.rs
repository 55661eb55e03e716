//! The demo county's households with members and incomes, written in batches.

use super::people::{IdIssuer, Member, birth_date, family, health, labour, pick, schooling};
use super::{COUNTY_NAME, DemoOptions, INCOME_YEAR, REFERENCE_YEAR};
use anyhow::Context;
use chrono::{DateTime, Datelike, TimeZone, Utc};
use entities::{household, household_income, household_member, org_unit};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, QueryOrder, QuerySelect, Set};
use std::io::Write;

/// Load `options.households` households with their members and incomes, spread over the villages and
/// written in batches; progress is printed every 5 %.
pub(super) async fn load_households(
    tx: &DatabaseTransaction,
    options: &DemoOptions,
    now: DateTime<Utc>,
    rng: &mut ChaCha8Rng,
    villages: &[(org_unit::Model, Vec<org_unit::Model>, String)],
    out: &mut impl Write,
) -> anyhow::Result<()> {
    const BATCH: usize = 500;
    let total = options.households;
    let mut next_id = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .order_by_desc(household::Column::Id)
        .into_tuple::<i64>()
        .one(tx)
        .await?
        .unwrap_or(0)
        + 1;
    let per_village = households_per_village(rng, villages.len(), total);
    let mut ids = IdIssuer::default();
    let mut done: u64 = 0;
    let mut last_report = 0;
    let registered = Utc.with_ymd_and_hms(INCOME_YEAR, 1, 1, 0, 0, 0).single().unwrap_or(now);
    for ((village, groups, township_name), count) in villages.iter().zip(per_village) {
        let mut seq = 0u64;
        while seq < count {
            let take = (count - seq).min(BATCH as u64);
            let mut batch = Batch::default();
            for _ in 0..take {
                seq += 1;
                let id = next_id;
                next_id += 1;
                let Some(group) = groups.get(rng.random_range(0..groups.len())) else { continue };
                let family = family(rng);
                let finances = finances(rng, family.len() as i64);
                let class = class_of(rng, &finances);
                let Some(head) = family.first() else { continue };
                let address = format!("重庆市{COUNTY_NAME}{township_name}{}{}{seq}号", village.name, group.name);
                let code = format!("{}{seq:05}", village.code);
                let place = Place { id, code, group, address };
                batch.households.push(household_row(rng, place, &head.name, class, registered, now));
                batch.incomes.push(income_row(id, &finances, now));
                // One household in fifty outside the classes earned half as much again the year before: its
                // income fell by a third [T], so it waits on the list of candidates to verify (待研判纳入).
                if class.is_none() && id % 50 == 0 {
                    batch.incomes.push(previous_year_row(id, &finances, now));
                }
                batch.members.extend(member_rows(rng, &mut ids, id, family));
            }
            batch.write(tx).await?;
            done += take;
            if total >= 20 && done * 20 / total > last_report {
                last_report = done * 20 / total;
                writeln!(out, "  农户 {done}/{total}（{}%）", done * 100 / total)?;
                out.flush()?;
            }
        }
    }
    if tx.get_database_backend() == DatabaseBackend::Postgres {
        tx.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('household', 'id'), (SELECT COALESCE(MAX(id), 1) FROM household))",
        )
        .await
        .context("cannot move the household id sequence past the loaded rows")?;
    }
    Ok(())
}

/// How many of `total` households each village gets: village sizes vary, by a weight drawn per village.
fn households_per_village(rng: &mut ChaCha8Rng, villages: usize, total: u64) -> Vec<u64> {
    let weights: Vec<f64> = (0..villages).map(|_| rng.random_range(0.6..1.4)).collect();
    let weight_sum: f64 = weights.iter().sum();
    let mut per_village: Vec<u64> = weights.iter().map(|w| (w / weight_sum * total as f64).floor() as u64).collect();
    let assigned: u64 = per_village.iter().sum();
    if let Some(first) = per_village.first_mut() {
        *first += total - assigned;
    }
    per_village
}

/// The rows of one batch of households, written together.
#[derive(Default)]
struct Batch {
    households: Vec<household::ActiveModel>,
    members: Vec<household_member::ActiveModel>,
    incomes: Vec<household_income::ActiveModel>,
}

impl Batch {
    async fn write(self, tx: &DatabaseTransaction) -> anyhow::Result<()> {
        household::Entity::insert_many(self.households).exec_without_returning(tx).await?;
        for chunk in self.members.chunks(1500) {
            household_member::Entity::insert_many(chunk.to_vec()).exec_without_returning(tx).await?;
        }
        household_income::Entity::insert_many(self.incomes).exec_without_returning(tx).await?;
        Ok(())
    }
}

/// A household's income year, in fen: per-capita net income skewed towards the low end, a few households
/// in hardship, and now and then a large rigid expenditure.
struct Finances {
    hardship: bool,
    per_capita_yuan: i64,
    wage: i64,
    business: i64,
    property: i64,
    transfer: i64,
    rigid: i64,
}

fn finances(rng: &mut ChaCha8Rng, size: i64) -> Finances {
    let hardship = rng.random_bool(0.012);
    let per_capita_yuan: i64 =
        if hardship { rng.random_range(2500..6500) } else { 6000 + (30000.0 * rng.random::<f64>().powf(0.8)) as i64 };
    let total_fen = per_capita_yuan * size * 100;
    let transfer_share = rng.random_range(0.05..0.5);
    let property_share = rng.random_range(0.0..0.05);
    let business_share = rng.random_range(0.0..0.3);
    let transfer = (total_fen as f64 * transfer_share) as i64;
    let property = (total_fen as f64 * property_share) as i64;
    let business = (total_fen as f64 * business_share) as i64;
    let rigid = if rng.random_bool(0.08) { rng.random_range(500_000..4_000_000) } else { rng.random_range(0..200_000) };
    let wage = total_fen - transfer - property - business;
    Finances { hardship, per_capita_yuan, wage, business, property, transfer, rigid }
}

/// The monitoring class the household was registered with, if any.
fn class_of(rng: &mut ChaCha8Rng, f: &Finances) -> Option<&'static str> {
    if f.hardship {
        Some("边缘易致贫户")
    } else if f.per_capita_yuan < 7000 {
        Some("脱贫不稳定户")
    } else if f.per_capita_yuan < 9000 && rng.random_bool(0.5) {
        Some("边缘易致贫户")
    } else {
        None
    }
}

/// Where a new household is: its id, code, villager group and address.
struct Place<'a> {
    id: i64,
    code: String,
    group: &'a org_unit::Model,
    address: String,
}

fn household_row(
    rng: &mut ChaCha8Rng,
    place: Place,
    head_name: &str,
    class: Option<&'static str>,
    registered: DateTime<Utc>,
    now: DateTime<Utc>,
) -> household::ActiveModel {
    household::ActiveModel {
        id: Set(place.id),
        code: Set(place.code),
        org_unit_id: Set(place.group.id),
        org_code: Set(place.group.code.clone()),
        head_name: Set(head_name.to_string()),
        address: Set(place.address),
        phone: Set(rng.random_bool(0.7).then(|| {
            format!("1{}{:09}", pick(rng, &["3", "5", "7", "8", "9"]), rng.random_range(0..1_000_000_000u64))
        })),
        monitoring_class: Set(class.map(str::to_string)),
        red_alert: Set(false),
        risk_monitored: Set(false),
        risk_candidate: Set(false),
        special_groups: Set(String::new()),
        warning_kinds: Set(String::new()),
        evaluated_at: Set(None),
        contact_user_id: Set(None),
        liaison_user_id: Set(None),
        house_type: Set(pick(rng, &["砖混", "砖混", "砖木", "钢混", "木结构"]).to_string()),
        industry_failure: Set(None),
        disaster_loss: Set(None),
        other_hardship: Set(None),
        dibao_status: Set(if class == Some("脱贫不稳定户") { "receiving" } else { "none" }.into()),
        dibao_taper_until: Set(None),
        monitoring_status: Set(if class.is_some() { "monitored" } else { "none" }.into()),
        // Monitored, and looked after by a 挂钩干部, since they were registered.
        class_since: Set(None),
        liaison_since: Set(None),
        // On the register since before the income year.
        created_at: Set(registered),
        updated_at: Set(now),
    }
}

/// The year before `INCOME_YEAR`, all of it wages, half as much again as this year's income.
fn previous_year_row(id: i64, f: &Finances, now: DateTime<Utc>) -> household_income::ActiveModel {
    let total = f.wage + f.business + f.property + f.transfer;
    household_income::ActiveModel {
        household_id: Set(id),
        year: Set(INCOME_YEAR - 1),
        wage_fen: Set(total * 3 / 2),
        business_fen: Set(0),
        property_fen: Set(0),
        transfer_fen: Set(0),
        medical_fen: Set(0),
        schooling_fen: Set(0),
        disaster_fen: Set(0),
        other_rigid_fen: Set(0),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn income_row(id: i64, f: &Finances, now: DateTime<Utc>) -> household_income::ActiveModel {
    let large = f.rigid >= 500_000;
    household_income::ActiveModel {
        household_id: Set(id),
        year: Set(INCOME_YEAR),
        wage_fen: Set(f.wage),
        business_fen: Set(f.business),
        property_fen: Set(f.property),
        transfer_fen: Set(f.transfer),
        // A large bill is mostly medical (after reimbursement) with some schooling; small everyday ones
        // are "other".
        medical_fen: Set(if large { f.rigid * 7 / 10 } else { 0 }),
        schooling_fen: Set(if large { f.rigid - f.rigid * 7 / 10 } else { 0 }),
        disaster_fen: Set(0),
        other_rigid_fen: Set(if large { 0 } else { f.rigid }),
        updated_at: Set(now),
        ..Default::default()
    }
}

fn member_rows(
    rng: &mut ChaCha8Rng,
    ids: &mut IdIssuer,
    id: i64,
    family: Vec<Member>,
) -> Vec<household_member::ActiveModel> {
    family
        .into_iter()
        .map(|m| {
            let birth = birth_date(rng, m.age);
            let health = health(rng, m.age);
            let age = REFERENCE_YEAR - birth.year();
            let resident_id = ids.issue(birth, m.male);
            // About one grown-up child in five lives and works elsewhere (户在人不在), picked by the ID
            // number's sequence digits so the rest of the county stays as it was.
            let away = matches!(m.relation, "子" | "女")
                && age >= 20
                && resident_id.get(14..17).and_then(|n| n.parse::<u32>().ok()).is_some_and(|n| n % 5 == 0);
            household_member::ActiveModel {
                household_id: Set(id),
                resident_id: Set(resident_id),
                name_initials: Set(app::households::initials::name_initials(&m.name)),
                name: Set(m.name),
                relation: Set(m.relation.into()),
                sex: Set(if m.male { "M" } else { "F" }.into()),
                birth_date: Set(birth),
                labour_capacity: Set(labour(age, health).into()),
                health: Set(health.into()),
                schooling: Set(schooling(rng, age).into()),
                co_resident: Set(!away),
                co_residence_note: Set(away.then(|| "在外地务工并安家".to_string())),
                guardian: Set(None),
                child_status: Set(None),
                ..Default::default()
            }
        })
        .collect()
}
