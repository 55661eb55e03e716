//! Importing households and members from .xlsx or .csv. The file is read whole and every row checked
//! first; only a file without errors is applied, in one transaction (a crash part-way leaves nothing).
//! The file's SHA-256 makes the same file twice a no-op; a person already registered is skipped, not
//! duplicated. Each row's problem is reported with its row number, in Chinese.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use entities::{household, household_member, import_batch, org_unit};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::workbook::read_sheet;
use super::{IMPORT_COLUMNS, ImportReport, RowIssue};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::db::begin_write;
use crate::error::AppError;
use crate::households::forms::{HOUSE_TYPES, MemberForm, parse_phone};
use crate::households::register::{apply_member, check_unique_id, member_json, next_code};
use crate::households::service::evaluation::reevaluate;
use crate::org::{OrgCode, OrgLevel};
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
    members: Vec<(usize, crate::households::forms::MemberFields)>,
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
    if let Some(earlier) = import_batch::Entity::find()
        .filter(import_batch::Column::Kind.eq(KIND))
        .filter(import_batch::Column::FileHash.eq(&hash))
        .filter(import_batch::Column::Outcome.eq("applied"))
        .one(db)
        .await?
    {
        let mut report: ImportReport = serde_json::from_str(&earlier.report).map_err(AppError::internal)?;
        report.outcome = "duplicate".into();
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
    let today = beijing_date(now);
    let (header_at, header) = sheet
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c == "姓名") && r.iter().any(|c| c == "身份证号"))
        .ok_or_else(|| {
            AppError::validation("file", format!("找不到表头行：第一行应为 {}。", IMPORT_COLUMNS.join("、")))
        })?;
    let missing: Vec<&str> = IMPORT_COLUMNS.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        return Err(AppError::validation("file", format!("表头缺少以下列：{}。", missing.join("、"))));
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let cols: HashMap<&str, usize> = IMPORT_COLUMNS.iter().map(|c| (*c, col(c))).collect();

    let units: HashMap<String, org_unit::Model> =
        org_unit::Entity::find().all(db).await?.into_iter().map(|u| (u.code.clone(), u)).collect();
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    let mut errors: Vec<RowIssue> = Vec::new();
    let mut error = |row: usize, message: String| errors.push(RowIssue { row, message });
    let mut skipped = Vec::new();
    let mut rows = 0;
    for (index, cells) in sheet.rows.iter().enumerate().skip(header_at + 1) {
        let row = index + 1;
        let get = |name: &str| cols.get(name).and_then(|&c| cells.get(c)).cloned().unwrap_or_default();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        rows += 1;
        let resident_id = get("身份证号");
        if resident_id.starts_with("#NUMBER:") {
            error(row, "身份证号被 Excel 存成了数字，末几位已丢失：请将该列设为“文本”后重新录入。".into());
            continue;
        }
        let form = MemberForm {
            name: get("姓名"),
            resident_id,
            relation: get("与户主关系"),
            labour_capacity: get("劳动能力"),
            health: get("健康状况"),
            schooling: get("在校情况"),
            co_residence_note: get("共同生活情况"),
        };
        let member = match form.parse(today) {
            Ok(m) => m,
            Err(e) => {
                error(row, e.to_string());
                continue;
            }
        };
        if !seen_ids.insert(member.resident_id.as_str().to_string()) {
            error(row, "身份证号在本文件中重复出现。".into());
            continue;
        }
        if household_member::Entity::find()
            .filter(household_member::Column::ResidentId.eq(member.resident_id.as_str()))
            .one(db)
            .await?
            .is_some()
        {
            skipped.push(RowIssue { row, message: format!("{} 已登记，未重复导入。", member.name) });
            continue;
        }
        let key = get("户号");
        if key.is_empty() {
            error(row, "请填写户号：同一户的成员填写相同的户号（可填已有农户的户编号）。".into());
            continue;
        }
        if !groups.contains_key(&key) {
            let existing = if key.len() == 17 && key.bytes().all(|b| b.is_ascii_digit()) {
                household::Entity::find().filter(household::Column::Code.eq(&key)).one(db).await?
            } else {
                None
            };
            groups.insert(
                key.clone(),
                Group {
                    first_row: row,
                    unit: None,
                    address: String::new(),
                    phone: None,
                    house_type: String::new(),
                    existing,
                    members: Vec::new(),
                },
            );
        }
        let group = groups.get_mut(&key).unwrap_or_else(|| unreachable!("inserted above"));
        if member.relation == "户主" {
            if group.members.iter().any(|(_, m)| m.relation == "户主") || group.existing.is_some() {
                error(row, format!("户号 {key} 已有户主。"));
                continue;
            }
            let unit = match OrgCode::parse(&get("村组代码")) {
                Ok(u) if matches!(u.level(), OrgLevel::Village | OrgLevel::Group) && units.contains_key(u.as_str()) => {
                    u
                }
                _ => {
                    error(row, "村组代码应为已建立的村（12 位）或村民小组（15 位）代码。".into());
                    continue;
                }
            };
            if authz::authorize(caller, Action::EditHousehold, unit.as_str()).is_err() {
                error(row, "该村组不在您的管理范围内。".into());
                continue;
            }
            let house_type = get("住房类型");
            if !house_type.is_empty() && !HOUSE_TYPES.contains(&house_type.as_str()) {
                error(row, format!("住房类型应为：{}。", HOUSE_TYPES.join("、")));
                continue;
            }
            match parse_phone(&get("联系电话")) {
                Ok(phone) => group.phone = phone,
                Err(e) => {
                    error(row, e.to_string());
                    continue;
                }
            }
            group.unit = Some(unit);
            group.address = get("家庭住址");
            group.house_type = if house_type.is_empty() { "其他".into() } else { house_type };
        }
        group.members.push((row, member));
    }
    for (key, group) in &groups {
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
    report.rows = rows;
    report.skipped = skipped;
    report.errors = errors;
    report.errors.sort_by_key(|e| e.row);

    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let mut created_ids = Vec::new();
    if report.errors.is_empty() {
        let mut codes: HashMap<String, u32> = HashMap::new();
        for group in groups.values().filter(|g| !g.members.is_empty()) {
            let household = match &group.existing {
                Some(h) => h.clone(),
                None => {
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
                            let code = next_code(&tx, village).await?;
                            codes.insert(village.to_string(), code.get(12..).and_then(|n| n.parse().ok()).unwrap_or(1));
                            code
                        }
                    };
                    let head = group.members.iter().find(|(_, m)| m.relation == "户主").map(|(_, m)| m.name.clone());
                    let created = household::ActiveModel {
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
                        dibao_status: Set("none".into()),
                        monitoring_status: Set("none".into()),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                    .insert(&tx)
                    .await?;
                    report.households_created += 1;
                    created
                }
            };
            let mut added = Vec::new();
            for (_, member) in &group.members {
                check_unique_id(&tx, member.resident_id.as_str(), None).await?;
                let mut active =
                    household_member::ActiveModel { household_id: Set(household.id), ..Default::default() };
                apply_member(&mut active, member);
                added.push(member_json(&active.insert(&tx).await?));
                report.members_created += 1;
            }
            audit::append(
                &tx,
                &actor,
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
            created_ids.push(household.id);
        }
    }
    report.outcome = if report.errors.is_empty() { "applied" } else { "rejected" }.into();
    let batch = import_batch::ActiveModel {
        kind: Set(KIND.into()),
        file_name: Set(file_name.clone()),
        file_hash: Set(hash),
        outcome: Set(report.outcome.clone()),
        report: Set(String::new()),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    report.batch_id = batch.id;
    let mut batch = batch.into_active_model();
    batch.report = Set(serde_json::to_string(&report).map_err(AppError::internal)?);
    batch.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
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
    reevaluate(&tx, &created_ids, now).await?;
    tx.commit().await?;
    Ok(report)
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
