//! Importing households and members from .xlsx or .csv. The file is read whole and every row checked
//! first; only a file without errors is applied, in one transaction (a crash part-way leaves nothing).
//! The file's SHA-256 makes the same file twice a no-op; a person already registered is skipped, not
//! duplicated. Each row's problem is reported with its row number, in Chinese.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use entities::{household, household_member, import_batch, org_unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::workbook::read_sheet;
use super::{IMPORT_COLUMNS, ImportReport, OPTIONAL_IMPORT_COLUMNS, RowIssue};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::forms::{HOUSE_TYPES, MemberFields, MemberForm, parse_phone};
use crate::households::register::{apply_member, check_unique_id, member_json, next_code};
use crate::households::service::evaluation::reevaluate;
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Caller;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// The largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
const KIND: &str = "households";

/// One household as grouped from the rows sharing a 户号.
struct Group {
    first_row: usize,
    unit: Option<OrgCode>,
    address: String,
    phone: Option<String>,
    house_type: String,
    /// An existing household the members join (户号 is its code), if any.
    existing: Option<household::Model>,
    members: Vec<(usize, MemberFields)>,
}

/// One row of the sheet (its number counted from 1), its cells read by column name.
struct Row<'a> {
    number: usize,
    cells: &'a [String],
    cols: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    /// The cell under a column, empty if the row is short.
    fn get(&self, name: &str) -> String {
        self.cols.get(name).and_then(|&c| self.cells.get(c)).cloned().unwrap_or_default()
    }
}

/// What reading the rows gathered: the households grouped by 户号, and the rows counted, skipped and refused.
#[derive(Default)]
struct Reading {
    groups: BTreeMap<String, Group>,
    seen_ids: HashSet<String>,
    rows: usize,
    skipped: Vec<RowIssue>,
    errors: Vec<RowIssue>,
}

impl Reading {
    /// Refuse a row with its problem.
    fn error(&mut self, row: usize, message: String) {
        self.errors.push(RowIssue { row, message });
    }
}

/// Import a file for the caller. A file already applied returns its earlier report as `duplicate`.
pub async fn import(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    file_name: &str,
    bytes: &[u8],
) -> Result<ImportReport, AppError> {
    let caller = ctx.caller()?;
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(120).collect();
    if bytes.is_empty() {
        return Err(AppError::validation("file", "请选择要导入的文件。"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::validation("file", "文件超过 10 MB，请分批导入。"));
    }
    if authz::scope_prefixes(caller, Action::EditHousehold).is_empty() {
        return Err(AppError::Forbidden);
    }
    let hash = hex::encode(Sha256::digest(bytes));
    if let Some(report) = earlier_report(db, &hash).await? {
        return Ok(report);
    }

    let sheet = read_sheet(bytes)?;
    let mut report = ImportReport {
        file_name: file_name.clone(),
        encoding: sheet.encoding.clone(),
        at: crate::time::beijing_time(now),
        by: caller.display_name.clone(),
        ..Default::default()
    };
    let (header_at, cols) = find_columns(&sheet.rows)?;
    let units: HashMap<String, org_unit::Model> =
        org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.code.clone(), u)).collect();
    let today = beijing_date(now);
    let mut read = Reading::default();
    for (index, cells) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        read.rows += 1;
        let row = Row { number: index + 1, cells, cols: &cols };
        if let Some(member) = read_member(db, today, &row, &mut read).await? {
            group_member(db, caller, &units, &row, member, &mut read).await?;
        }
    }
    check_households(caller, &read.groups, &mut read.errors);
    report.rows = read.rows;
    report.skipped = read.skipped;
    report.errors = read.errors;
    report.errors.sort_by_key(|e| e.row);

    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let created_ids = if report.errors.is_empty() {
        write_households(&tx, now, &actor, &file_name, &read.groups, &units, &mut report).await?
    } else {
        Vec::new()
    };
    record_batch(&tx, now, caller.user_id, &actor, &file_name, hash, &mut report).await?;
    reevaluate(&tx, &created_ids, now).await?;
    tx.commit().await?;
    Ok(report)
}

/// The same file's earlier report, marked `duplicate`, if it was applied before.
async fn earlier_report(db: &DatabaseConnection, hash: &str) -> Result<Option<ImportReport>, AppError> {
    let Some(earlier) = import_batch::Entity::find()
        .filter(import_batch::Column::Kind.eq(KIND))
        .filter(import_batch::Column::FileHash.eq(hash))
        .filter(import_batch::Column::Outcome.eq("applied"))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let mut report: ImportReport = serde_json::from_str(&earlier.report).map_err(AppError::internal)?;
    report.outcome = "duplicate".into();
    Ok(Some(report))
}

/// Find the header row (the one naming 姓名 and 身份证号), check it has every import column but the
/// optional ones, and say where each column is.
fn find_columns(rows: &[Vec<String>]) -> Result<(usize, HashMap<&'static str, usize>), AppError> {
    let (header_at, header) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c == "姓名") && r.iter().any(|c| c == "身份证号"))
        .ok_or_else(|| {
            AppError::validation("file", format!("找不到表头行：第一行应为 {}。", IMPORT_COLUMNS.join("、")))
        })?;
    let missing: Vec<&str> = IMPORT_COLUMNS
        .iter()
        .copied()
        .filter(|c| !OPTIONAL_IMPORT_COLUMNS.contains(c) && !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::validation("file", format!("表头缺少以下列：{}。", missing.join("、"))));
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    Ok((header_at, IMPORT_COLUMNS.iter().map(|c| (*c, col(c))).collect()))
}

/// Check one row as a member: an ID number Excel has not turned into a number, valid fields, an ID not
/// already in the file. A person already registered is skipped. `None` when the row goes no further.
async fn read_member(
    db: &DatabaseConnection,
    today: NaiveDate,
    row: &Row<'_>,
    read: &mut Reading,
) -> Result<Option<MemberFields>, AppError> {
    let resident_id = row.get("身份证号");
    if resident_id.starts_with("#NUMBER:") {
        read.error(row.number, "身份证号被 Excel 存成了数字，末几位已丢失：请将该列设为“文本”后重新录入。".into());
        return Ok(None);
    }
    let form = MemberForm {
        name: row.get("姓名"),
        resident_id,
        relation: row.get("与户主关系"),
        labour_capacity: row.get("劳动能力"),
        health: row.get("健康状况"),
        schooling: row.get("在校情况"),
        co_residence: row.get("是否共同生活"),
        co_residence_note: row.get("共同生活情况"),
        guardian: row.get("法定监护人或赡养人"),
        child_status: row.get("儿童情况"),
    };
    let member = match form.parse(today) {
        Ok(m) => m,
        Err(e) => {
            read.error(row.number, e.to_string());
            return Ok(None);
        }
    };
    if !read.seen_ids.insert(member.resident_id.as_str().to_string()) {
        read.error(row.number, "身份证号在本文件中重复出现。".into());
        return Ok(None);
    }
    if household_member::Entity::find()
        .filter(household_member::Column::ResidentId.eq(member.resident_id.as_str()))
        .one(db)
        .await?
        .is_some()
    {
        read.skipped
            .push(RowIssue { row: row.number, message: format!("{} 已登记，未重复导入。", member.name) });
        return Ok(None);
    }
    Ok(Some(member))
}

/// Put a member in the group of its 户号 (joining an existing household when the 户号 is its code); a
/// 户主 row also gives a new household its details.
async fn group_member(
    db: &DatabaseConnection,
    caller: &Caller,
    units: &HashMap<String, org_unit::Model>,
    row: &Row<'_>,
    member: MemberFields,
    read: &mut Reading,
) -> Result<(), AppError> {
    let key = row.get("户号");
    if key.is_empty() {
        read.error(row.number, "请填写户号：同一户的成员填写相同的户号（可填已有农户的户编号）。".into());
        return Ok(());
    }
    if !read.groups.contains_key(&key) {
        let existing = if key.len() == 17 && key.bytes().all(|b| b.is_ascii_digit()) {
            household::Entity::find().filter(household::Column::Code.eq(&key)).one(db).await?
        } else {
            None
        };
        read.groups.insert(
            key.clone(),
            Group {
                first_row: row.number,
                unit: None,
                address: String::new(),
                phone: None,
                house_type: String::new(),
                existing,
                members: Vec::new(),
            },
        );
    }
    let group = read.groups.get_mut(&key).unwrap_or_else(|| unreachable!("inserted above"));
    if member.relation == "户主"
        && let Err(message) = read_head(caller, units, row, &key, group)
    {
        read.error(row.number, message);
        return Ok(());
    }
    group.members.push((row.number, member));
    Ok(())
}

/// Check a 户主 row and take the new household's unit, phone, address and house type from it: one head
/// per 户号 and none for an existing household, a village or group within the caller's scope, a known
/// house type, a valid phone. The error is the row's message.
fn read_head(
    caller: &Caller,
    units: &HashMap<String, org_unit::Model>,
    row: &Row<'_>,
    key: &str,
    group: &mut Group,
) -> Result<(), String> {
    if group.members.iter().any(|(_, m)| m.relation == "户主") || group.existing.is_some() {
        return Err(format!("户号 {key} 已有户主。"));
    }
    let unit = match OrgCode::parse(&row.get("村组代码")) {
        Ok(u) if matches!(u.level(), OrgLevel::Village | OrgLevel::Group) && units.contains_key(u.as_str()) => u,
        _ => return Err("村组代码应为已建立的村（12 位）或村民小组（15 位）代码。".into()),
    };
    if authz::authorize(caller, Action::EditHousehold, unit.as_str()).is_err() {
        return Err("该村组不在您的管理范围内。".into());
    }
    let house_type = row.get("住房类型");
    if !house_type.is_empty() && !HOUSE_TYPES.contains(&house_type.as_str()) {
        return Err(format!("住房类型应为：{}。", HOUSE_TYPES.join("、")));
    }
    group.phone = parse_phone(&row.get("联系电话")).map_err(|e| e.to_string())?;
    group.unit = Some(unit);
    group.address = row.get("家庭住址");
    group.house_type = if house_type.is_empty() { "其他".into() } else { house_type };
    Ok(())
}

/// Check each household as a whole against the register: an existing one within the caller's scope, a
/// new one with a 户主 and an address.
fn check_households(caller: &Caller, groups: &BTreeMap<String, Group>, errors: &mut Vec<RowIssue>) {
    let mut error = |row: usize, message: String| errors.push(RowIssue { row, message });
    for (key, group) in groups {
        match &group.existing {
            Some(h) if authz::authorize(caller, Action::EditHousehold, &h.org_code).is_err() => {
                error(group.first_row, format!("户号 {key} 对应的农户不在您的管理范围内。"));
            }
            Some(_) => {}
            None if group.unit.is_none() && !group.members.is_empty() => {
                error(group.first_row, format!("户号 {key} 没有“与户主关系”为“户主”的成员（新户须有户主）。"));
            }
            None if group.address.trim().is_empty() && !group.members.is_empty() => {
                error(group.first_row, format!("户号 {key} 的户主行缺少家庭住址。"));
            }
            None => {}
        }
    }
}

/// Write every household and its members in the import's transaction, one audit record a household, and
/// count them in the report. Returns the households' ids, for re-evaluation.
async fn write_households(
    tx: &DatabaseTransaction,
    now: DateTime<Utc>,
    actor: &Actor,
    file_name: &str,
    groups: &BTreeMap<String, Group>,
    units: &HashMap<String, org_unit::Model>,
    report: &mut ImportReport,
) -> Result<Vec<i64>, AppError> {
    let mut codes: HashMap<String, u32> = HashMap::new();
    let mut household_ids = Vec::new();
    for group in groups.values().filter(|g| !g.members.is_empty()) {
        let household = match &group.existing {
            Some(h) => h.clone(),
            None => {
                let created = create_household(tx, now, group, units, &mut codes).await?;
                report.households_created += 1;
                created
            }
        };
        let mut added = Vec::new();
        for (_, member) in &group.members {
            check_unique_id(tx, member.resident_id.as_str(), None).await?;
            let mut active = household_member::ActiveModel { household_id: Set(household.id), ..Default::default() };
            apply_member(&mut active, member);
            added.push(member_json(&active.insert(tx).await?));
            report.members_created += 1;
        }
        audit::append(
            tx,
            actor,
            now,
            Entry {
                action: "household.imported",
                entity_type: "household",
                entity_id: household.code.clone(),
                org_code: Some(household.org_code.clone()),
                changes: json!({ "file": file_name, "members": added }),
            },
        )
        .await?;
        household_ids.push(household.id);
    }
    Ok(household_ids)
}

/// Create a new household from its group, under the next free 户编号 of its village (`codes` counts on
/// from the first one the register gives in this import).
async fn create_household(
    tx: &DatabaseTransaction,
    now: DateTime<Utc>,
    group: &Group,
    units: &HashMap<String, org_unit::Model>,
    codes: &mut HashMap<String, u32>,
) -> Result<household::Model, AppError> {
    let unit = group
        .unit
        .as_ref()
        .and_then(|code| units.get(code.as_str()))
        .ok_or_else(|| AppError::internal("an imported household without its unit"))?;
    let village = crate::org::prefix_at(&unit.code, OrgLevel::Village);
    let code = match codes.get_mut(village) {
        Some(n) => {
            *n += 1;
            format!("{village}{n:05}")
        }
        None => {
            let code = next_code(tx, village).await?;
            codes.insert(village.to_string(), code.get(12..).and_then(|n| n.parse().ok()).unwrap_or(1));
            code
        }
    };
    let head = group.members.iter().find(|(_, m)| m.relation == "户主").map(|(_, m)| m.name.clone());
    Ok(household::ActiveModel {
        code: Set(code),
        org_unit_id: Set(unit.id),
        org_code: Set(unit.code.clone()),
        head_name: Set(head.unwrap_or_default()),
        address: Set(group.address.clone()),
        phone: Set(group.phone.clone()),
        house_type: Set(group.house_type.clone()),
        monitoring_class: Set(None),
        red_alert: Set(false),
        risk_monitored: Set(false),
        risk_candidate: Set(false),
        special_groups: Set(String::new()),
        warning_kinds: Set(String::new()),
        dibao_status: Set("none".into()),
        monitoring_status: Set("none".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?)
}

/// Settle the outcome (applied or rejected) and keep the batch with its report and an audit record, in
/// the import's transaction.
async fn record_batch(
    tx: &DatabaseTransaction,
    now: DateTime<Utc>,
    created_by: i64,
    actor: &Actor,
    file_name: &str,
    hash: String,
    report: &mut ImportReport,
) -> Result<(), AppError> {
    report.outcome = if report.errors.is_empty() { "applied" } else { "rejected" }.into();
    let batch = import_batch::ActiveModel {
        kind: Set(KIND.into()),
        file_name: Set(file_name.to_string()),
        file_hash: Set(hash),
        outcome: Set(report.outcome.clone()),
        report: Set(String::new()),
        created_by: Set(created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    report.batch_id = batch.id;
    let mut batch = batch.into_active_model();
    batch.report = Set(serde_json::to_string(&report).map_err(AppError::internal)?);
    batch.update(tx).await?;
    audit::append(
        tx,
        actor,
        now,
        Entry {
            action: if report.errors.is_empty() { "import.applied" } else { "import.rejected" },
            entity_type: "import_batch",
            entity_id: report.batch_id.to_string(),
            org_code: None,
            changes: json!({ "file": file_name, "rows": report.rows, "households": report.households_created,
                "members": report.members_created, "errors": report.errors.len(), "skipped": report.skipped.len() }),
        },
    )
    .await?;
    Ok(())
}

/// An earlier import's report, for the one who uploaded it.
pub async fn report(db: &DatabaseConnection, ctx: &RequestContext, batch_id: i64) -> Result<ImportReport, AppError> {
    let caller = ctx.caller()?;
    let batch = import_batch::Entity::find_by_id(batch_id)
        .filter(import_batch::Column::CreatedBy.eq(caller.user_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    serde_json::from_str(&batch.report).map_err(AppError::internal)
}

/// The caller's latest imports, newest first.
pub async fn recent(db: &DatabaseConnection, ctx: &RequestContext) -> Result<Vec<ImportReport>, AppError> {
    let caller = ctx.caller()?;
    import_batch::Entity::find()
        .filter(import_batch::Column::CreatedBy.eq(caller.user_id))
        .order_by_desc(import_batch::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .take(20)
        .map(|b| serde_json::from_str(&b.report).map_err(AppError::internal))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_in_gbk_is_read() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("户号,姓名\n1,张三丰\n");
        let sheet = read_sheet(&bytes).unwrap();
        assert_eq!(sheet.encoding, "GB18030");
        assert_eq!(sheet.rows[1], vec!["1", "张三丰"]);
        let sheet = read_sheet("\u{feff}户号,姓名\n1,李四\n".as_bytes()).unwrap();
        assert_eq!(sheet.encoding, "UTF-8");
        assert_eq!(sheet.rows[0][0], "户号", "the BOM is dropped");
    }
}
