//! Writing the ledgers and rosters as .xlsx: a title row, a header, one row per household or member.
//! ID numbers are written as text (Excel keeps only 15 digits of a number) and in full only for a
//! caller entitled to see them; column widths are set by hand because autofit under-measures Chinese.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{app_user, household, identification, org_unit};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::json;

use super::workbook::{ExportFile, workbook_bytes};
use super::{Layout, Roster};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::service::evaluation::{Evaluated, evaluate_batch};
use crate::households::{MonitoringStatus, mask_resident_id};
use crate::org::{self, OrgLevel};
use crate::policy::RosterGroup;
use crate::request::RequestContext;
use crate::risk::RiskKind;
use crate::time::beijing_date;

/// Column titles and widths (in Excel's character units; a Chinese character takes about 2).
fn columns(layout: Layout) -> &'static [(&'static str, f64)] {
    match layout {
        Layout::Ledger => &[
            ("序号", 6.0),
            ("乡镇（街道）", 14.0),
            ("村（社区）", 14.0),
            ("村民小组", 10.0),
            ("户编号", 20.0),
            ("户主姓名", 10.0),
            ("户主身份证号", 21.0),
            ("人口数", 7.0),
            ("监测类别", 14.0),
            ("监测状态", 14.0),
            ("人均纯收入（元）", 12.0),
            ("红色预警", 9.0),
            ("主要风险", 48.0),
            ("监测联系人", 12.0),
            ("挂钩干部", 12.0),
            ("联系电话", 14.0),
        ],
        Layout::Adjustment => &[
            ("序号", 6.0),
            ("乡镇（街道）", 14.0),
            ("村（社区）", 14.0),
            ("户编号", 20.0),
            ("户主姓名", 10.0),
            ("户主身份证号", 21.0),
            ("人口数", 7.0),
            ("监测类别", 14.0),
            ("调整类型", 10.0),
            ("调整日期", 12.0),
            ("调整依据", 36.0),
            ("人均纯收入（元）", 12.0),
            ("当前状态", 14.0),
        ],
        Layout::Members => &[
            ("序号", 6.0),
            ("乡镇（街道）", 14.0),
            ("村（社区）", 14.0),
            ("村民小组", 10.0),
            ("户编号", 20.0),
            ("户主姓名", 10.0),
            ("姓名", 10.0),
            ("与户主关系", 10.0),
            ("身份证号", 21.0),
            ("性别", 6.0),
            ("年龄", 6.0),
            ("劳动能力", 11.0),
            ("健康状况", 11.0),
            ("在校情况", 11.0),
            ("是否共同生活", 10.0),
            ("共同生活情况", 20.0),
            ("法定监护人或赡养人", 16.0),
            ("儿童情况", 10.0),
            ("人均纯收入（元）", 12.0),
            ("主要风险", 40.0),
            ("帮扶责任人", 12.0),
        ],
    }
}

/// The households a roster lists, within the caller's scope and the chosen unit.
async fn household_ids(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    roster: Roster,
    within: Option<&str>,
) -> Result<Vec<i64>, AppError> {
    let caller = ctx.caller()?;
    let scope =
        authz::scope_condition(caller, Action::ReadHousehold, household::Column::OrgCode).ok_or(AppError::Forbidden)?;
    let mut query = household::Entity::find()
        .select_only()
        .column(household::Column::Id)
        .filter(scope)
        .order_by_asc(household::Column::OrgCode)
        .order_by_asc(household::Column::Code);
    if let Some(within) = within.filter(|w| !w.is_empty()) {
        let unit = crate::org::OrgCode::parse(within)?;
        query = query.filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()));
    }
    query = match roster {
        Roster::MonitoringLedger => query.filter(household::Column::MonitoringStatus.is_in([
            MonitoringStatus::Identifying.as_str(),
            MonitoringStatus::Monitored.as_str(),
            MonitoringStatus::Eliminating.as_str(),
        ])),
        // The warning band is read from the evaluation; the identified objects are on the other ledger.
        Roster::WarningLedger => query.filter(
            household::Column::MonitoringStatus
                .is_in([MonitoringStatus::None.as_str(), MonitoringStatus::Eliminated.as_str()]),
        ),
        // Which classes a Huoshan roster lists is the policy's, read per household below.
        _ => query.filter(household::Column::MonitoringClass.is_not_null()),
    };
    Ok(query.into_tuple::<i64>().all(db).await?)
}

/// The adjustment recorded for a household this year: (type, date, basis).
async fn adjustments(
    db: &DatabaseConnection,
    ids: &[i64],
    year: i32,
) -> Result<HashMap<i64, (String, String, String)>, AppError> {
    let rows = identification::Entity::find()
        .filter(identification::Column::HouseholdId.is_in(ids.to_vec()))
        .filter(identification::Column::Stage.eq("approved"))
        .order_by_asc(identification::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut out = HashMap::new();
    for row in rows.into_iter().filter(|r| crate::time::beijing_year(r.updated_at) == year) {
        let (kind, basis) = match row.kind.as_str() {
            "elimination" => ("风险消除", format!("收入自 {} 起稳定", row.commitment_signed_on)),
            _ => ("识别纳入", format!("承诺书签署于 {}", row.commitment_signed_on)),
        };
        out.insert(row.household_id, (kind.to_string(), beijing_date(row.updated_at).to_string(), basis));
    }
    Ok(out)
}

fn risks(e: &Evaluated) -> String {
    e.evaluation
        .as_ref()
        .map(|v| v.flags.iter().map(|f| f.reason.as_str()).collect::<Vec<_>>().join("；"))
        .unwrap_or_else(|| "（该单位本年度未设置政策，未研判）".into())
}

fn in_warning_band(e: &Evaluated) -> bool {
    e.evaluation
        .as_ref()
        .is_some_and(|v| v.warning_object || v.flags.iter().any(|f| matches!(f.kind, RiskKind::BelowWarningLine)))
}

/// The names of units and people, loaded once for all rows.
struct Names {
    units: HashMap<String, String>,
    people: HashMap<i64, String>,
}

impl Names {
    /// Load every unit's and every user's name.
    async fn load(db: &DatabaseConnection) -> Result<Names, AppError> {
        let units = org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.code, u.name)).collect();
        let people = app_user::Entity::find().all(db).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
        Ok(Names { units, people })
    }

    fn unit(&self, code: &str) -> String {
        self.units.get(code).cloned().unwrap_or_default()
    }

    fn person(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.people.get(&id).cloned()).unwrap_or_default()
    }
}

/// The cells every layout takes from a household: its place, per-capita income, status and class, and
/// whether the caller sees ID numbers in full there.
struct Common {
    reveal: bool,
    township: String,
    village: String,
    group: String,
    per_capita: String,
    status: &'static str,
    class: String,
}

impl Common {
    /// Read the shared cells of a household.
    fn of(e: &Evaluated, names: &Names, reveal: bool) -> Common {
        let h = &e.household;
        Common {
            reveal,
            township: names.unit(&org::unit_at(&h.org_code, OrgLevel::Township)),
            village: names.unit(org::prefix_at(&h.org_code, OrgLevel::Village)),
            group: if h.org_code.len() == 15 { names.unit(&h.org_code) } else { String::new() },
            per_capita: e
                .evaluation
                .as_ref()
                .and_then(|v| v.per_capita_income_yuan)
                .map(|v| v.to_string())
                .unwrap_or_default(),
            status: MonitoringStatus::parse(&h.monitoring_status).unwrap_or(MonitoringStatus::None).label(),
            class: h.monitoring_class.clone().unwrap_or_default(),
        }
    }

    /// An ID number, in full or masked.
    fn show_id(&self, id: &str) -> String {
        if self.reveal { id.to_string() } else { mask_resident_id(id) }
    }

    /// The head's ID number, shown as the caller may see it.
    fn head_id(&self, e: &Evaluated) -> String {
        e.members.iter().find(|m| m.relation == "户主").map(|m| self.show_id(&m.resident_id)).unwrap_or_default()
    }
}

/// A ledger's row for a household: its risks, red alert and the people in charge.
fn ledger_line(e: &Evaluated, c: Common, names: &Names) -> Vec<String> {
    let h = &e.household;
    let head_id = c.head_id(e);
    vec![
        c.township,
        c.village,
        c.group,
        h.code.clone(),
        h.head_name.clone(),
        head_id,
        e.members.len().to_string(),
        c.class,
        c.status.into(),
        c.per_capita,
        if e.evaluation.as_ref().is_some_and(|v| v.red_alert) { "是" } else { "否" }.into(),
        risks(e),
        names.person(h.contact_user_id),
        names.person(h.liaison_user_id),
        h.phone.clone().unwrap_or_default(),
    ]
}

/// An adjustment table's row for a household: this year's adjustment, or 未调整.
fn adjustment_line(e: &Evaluated, c: Common, adjustments: &HashMap<i64, (String, String, String)>) -> Vec<String> {
    let h = &e.household;
    let (kind, date, basis) =
        adjustments.get(&h.id).cloned().unwrap_or_else(|| ("未调整".into(), String::new(), String::new()));
    let head_id = c.head_id(e);
    vec![
        c.township,
        c.village,
        h.code.clone(),
        h.head_name.clone(),
        head_id,
        e.members.len().to_string(),
        c.class,
        kind,
        date,
        basis,
        c.per_capita,
        c.status.into(),
    ]
}

/// A roll's rows for a household: one a member, with the household's risks and helper.
fn member_lines(e: &Evaluated, c: &Common, names: &Names, today: NaiveDate) -> Vec<Vec<String>> {
    let h = &e.household;
    e.members
        .iter()
        .map(|m| {
            vec![
                c.township.clone(),
                c.village.clone(),
                c.group.clone(),
                h.code.clone(),
                h.head_name.clone(),
                m.name.clone(),
                m.relation.clone(),
                c.show_id(&m.resident_id),
                if m.sex == "M" { "男" } else { "女" }.into(),
                today.years_since(m.birth_date).unwrap_or(0).to_string(),
                m.labour_capacity.clone(),
                m.health.clone(),
                m.schooling.clone(),
                if m.co_resident { "共同生活" } else { "户在人不在" }.into(),
                m.co_residence_note.clone().unwrap_or_default(),
                m.guardian.clone().unwrap_or_default(),
                m.child_status.clone().unwrap_or_default(),
                c.per_capita.clone(),
                risks(e),
                names.person(h.contact_user_id),
            ]
        })
        .collect()
}

/// The Huoshan roster a household's class is listed on under the policy in force for its unit.
fn listed_on(h: &household::Model, policies: &HashMap<String, Option<crate::policy::Policy>>) -> Option<RosterGroup> {
    let class = h.monitoring_class.as_deref()?;
    policies.get(&h.org_code)?.as_ref()?.category(class)?.roster
}

/// Write a roster for the caller; the download is audited.
pub async fn export(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    roster: Roster,
    within: Option<&str>,
) -> Result<ExportFile, AppError> {
    let caller = ctx.caller()?;
    // A roster narrowed to a unit the caller does not cover is refused like a missing one (its name is not
    // printed on an empty sheet).
    if let Some(unit) = within.filter(|w| !w.is_empty()) {
        authz::check(db, now, ctx, Action::ReadHousehold, unit).await?;
    }
    let today = beijing_date(now);
    let ids = household_ids(db, ctx, roster, within).await?;
    let names = Names::load(db).await?;
    let adjustments =
        if roster.layout() == Layout::Adjustment { adjustments(db, &ids, today.year()).await? } else { HashMap::new() };

    let scope_name =
        within.map(|code| names.unit(code)).filter(|n| !n.is_empty()).unwrap_or_else(|| "本人负责范围".into());
    let heading = format!("{}（{}，{}）", roster.title(), scope_name, today);
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut policies = HashMap::new();
    let mut full_ids_shown = false;
    for batch in ids.chunks(500) {
        for e in evaluate_batch(db, batch, today, &mut policies).await? {
            if roster == Roster::WarningLedger && !in_warning_band(&e) {
                continue;
            }
            if let Some(group) = roster.group()
                && listed_on(&e.household, &policies) != Some(group)
            {
                continue;
            }
            let reveal = authz::authorize(caller, Action::RevealResidentId, &e.household.org_code).is_ok();
            full_ids_shown |= reveal;
            let common = Common::of(&e, &names, reveal);
            match roster.layout() {
                Layout::Ledger => table.push(ledger_line(&e, common, &names)),
                Layout::Adjustment => table.push(adjustment_line(&e, common, &adjustments)),
                Layout::Members => table.extend(member_lines(&e, &common, &names, today)),
            }
        }
    }
    let rows = table.len();
    let empty = match roster {
        Roster::WarningLedger => "（无符合条件的农户；本年度政策未设预警线时，预警对象台账为空）",
        _ => "（无符合条件的农户）",
    };
    let bytes = workbook_bytes(roster.title(), &heading, columns(roster.layout()), &table, empty)?;
    record_download(db, now, &Actor::user(caller, &ctx.meta), roster, within, rows, full_ids_shown).await?;
    Ok(ExportFile { file_name: format!("{}-{}.xlsx", roster.title(), today.format("%Y%m%d")), bytes, rows })
}

/// Audit the download in its own transaction: which roster, where, how many rows, and whether full ID
/// numbers were in it.
async fn record_download(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    actor: &Actor,
    roster: Roster,
    within: Option<&str>,
    rows: usize,
    full_ids_shown: bool,
) -> Result<(), AppError> {
    let tx = begin_write(db).await?;
    audit::append(
        &tx,
        actor,
        now,
        Entry {
            action: "export.downloaded",
            entity_type: "roster",
            entity_id: roster.slug().into(),
            org_code: within.map(str::to_string),
            changes: json!({ "name": roster.title(), "rows": rows, "full_ids": full_ids_shown }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
