//! Department warnings in the database: reading and checking a file, taking a batch in one
//! transaction (cases opened or updated, unmatched rows kept), the unmatched list and its
//! verification, the daily digest per township, and batches left running by a stopped server.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{household, household_member, import_batch, org_unit, risk_case, screening_row};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::progress::Progress;
use super::{COLUMNS, Department, ScreeningReport, UnmatchedView, Warning, WarningInput};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::{self, Action};
use crate::cases::service::{Opening, Step, open, record};
use crate::cases::{RiskType, Source, Status};
use crate::db::begin_write;
use crate::error::AppError;
use crate::excel::RowIssue;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::org::{OrgCode, OrgLevel};
use crate::permissions::Role;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// The largest warning file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;
/// Rows per database round trip when matching.
const CHUNK: usize = 500;

/// A file or API call read and checked, not yet taken.
pub struct Prepared {
    pub department: Department,
    pub file_name: String,
    pub encoding: String,
    pub hash: String,
    pub rows: usize,
    pub warnings: Vec<Warning>,
    pub errors: Vec<RowIssue>,
}

/// Read a warning file (.xlsx, or CSV in UTF-8 or GBK) and check every row.
pub fn read_file(bytes: &[u8], file_name: &str, department: Department) -> Result<Prepared, AppError> {
    if bytes.is_empty() {
        return Err(AppError::validation("file", "请选择要导入的预警文件。"));
    }
    if bytes.len() > MAX_BYTES {
        return Err(AppError::validation("file", "文件超过 20 MB，请分批导入。"));
    }
    let sheet = crate::excel::workbook::read_sheet(bytes)?;
    let (header_at, header) = sheet
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c == "身份证号") && r.iter().any(|c| c == "预警内容"))
        .ok_or_else(|| AppError::validation("file", format!("找不到表头行：表头应为 {}。", COLUMNS.join("、"))))?;
    let col = |name: &str| header.iter().position(|h| h == name);
    if col("姓名").is_none() {
        return Err(AppError::validation("file", "表头缺少“姓名”列。"));
    }
    let items: Vec<(usize, WarningInput)> = sheet
        .rows
        .iter()
        .enumerate()
        .skip(header_at + 1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .map(|(index, cells)| {
            let get = |name: &str| col(name).and_then(|i| cells.get(i)).cloned().unwrap_or_default();
            let input = WarningInput {
                resident_id: get("身份证号"),
                name: get("姓名"),
                risk_type: get("预警类型"),
                level: get("预警等级"),
                description: get("预警内容"),
                township: get("乡镇（街道）"),
                village: get("村（社区）"),
            };
            (index + 1, input)
        })
        .collect();
    let file_name: String = file_name.chars().filter(|c| !c.is_control()).take(120).collect();
    Ok(check(items, department, &file_name, &sheet.encoding, hex::encode(Sha256::digest(bytes))))
}

/// Check the items of an API call (numbered from 1).
pub fn from_api(items: &[WarningInput], department: Department) -> Result<Prepared, AppError> {
    if items.is_empty() {
        return Err(AppError::validation("warnings", "没有预警数据。"));
    }
    if items.len() > 10_000 {
        return Err(AppError::validation("warnings", "一次最多报送 10000 条预警，请分批报送。"));
    }
    let body = serde_json::to_vec(items).map_err(AppError::internal)?;
    let numbered = items.iter().cloned().enumerate().map(|(i, item)| (i + 1, item)).collect();
    Ok(check(numbered, department, "接口报送", "JSON", hex::encode(Sha256::digest(&body))))
}

fn check(
    items: Vec<(usize, WarningInput)>,
    department: Department,
    file_name: &str,
    encoding: &str,
    hash: String,
) -> Prepared {
    let rows = items.len();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (row, item) in items {
        match item.parse(row, department) {
            Ok(w) => warnings.push(w),
            Err(issue) => errors.push(issue),
        }
    }
    Prepared { department, file_name: file_name.into(), encoding: encoding.into(), hash, rows, warnings, errors }
}

/// Whether the caller pushes warnings for every department: a role with the right other than a department
/// user's (whose grant names its one department), i.e. the county office.
fn imports_for_every_department(caller: &crate::permissions::Caller) -> bool {
    caller.roles.iter().any(|g| g.role != Role::DepartmentUser && Action::ImportWarnings.roles().contains(&g.role))
}

/// The departments the caller may push warnings for: a department user their own, the county office any.
pub fn departments_of(caller: &crate::permissions::Caller) -> Vec<Department> {
    if imports_for_every_department(caller) {
        return Department::ALL.to_vec();
    }
    caller
        .roles
        .iter()
        .filter(|g| g.role == Role::DepartmentUser)
        .filter_map(|g| g.department.as_deref().and_then(Department::of_grant))
        .collect()
}

/// Where the caller may bring in warnings; `Forbidden` for one who may bring in none (no department or
/// no scope). Cheap enough to run before a request's body is read.
pub fn import_scopes(caller: &crate::permissions::Caller) -> Result<Vec<String>, AppError> {
    let scopes = authz::scope_prefixes(caller, Action::ImportWarnings);
    if scopes.is_empty() || departments_of(caller).is_empty() {
        return Err(AppError::Forbidden);
    }
    Ok(scopes)
}

/// A checked batch ready to be taken.
pub struct Job {
    pub batch_id: i64,
    prepared: Prepared,
    scopes: Vec<String>,
    actor: Actor,
    report: ScreeningReport,
}

impl Job {
    pub fn rows(&self) -> usize {
        self.prepared.warnings.len()
    }
}

/// What starting an import gave: a finished report (rejected or duplicate), or a job to run.
pub enum Begun {
    Done(Box<ScreeningReport>),
    Run(Box<Job>),
}

/// Start an import for the caller: rights, the same file again, row errors (the whole file is then
/// refused and the report kept). A clean file is recorded as `running` and handed back as a job.
pub async fn begin(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    prepared: Prepared,
) -> Result<Begun, AppError> {
    let caller = ctx.caller()?;
    let scopes = import_scopes(caller)?;
    if !departments_of(caller).contains(&prepared.department) {
        return Err(AppError::Forbidden);
    }
    let kind = format!("screening:{}", prepared.department.as_str());
    if let Some(earlier) = import_batch::Entity::find()
        .filter(import_batch::Column::Kind.eq(&kind))
        .filter(import_batch::Column::FileHash.eq(&prepared.hash))
        .filter(import_batch::Column::Outcome.eq("applied"))
        .one(db)
        .await?
    {
        let mut report: ScreeningReport = serde_json::from_str(&earlier.report).map_err(AppError::internal)?;
        report.outcome = "duplicate".into();
        return Ok(Begun::Done(Box::new(report)));
    }
    let mut report = ScreeningReport {
        department: prepared.department.label().into(),
        file_name: prepared.file_name.clone(),
        outcome: if prepared.errors.is_empty() { "running" } else { "rejected" }.into(),
        encoding: prepared.encoding.clone(),
        rows: prepared.rows,
        errors: prepared.errors.clone(),
        at: crate::time::beijing_time(now),
        by: caller.display_name.clone(),
        ..Default::default()
    };
    let actor = Actor::user(caller, &ctx.meta);
    let tx = begin_write(db).await?;
    let batch = import_batch::ActiveModel {
        kind: Set(kind),
        file_name: Set(prepared.file_name.clone()),
        file_hash: Set(prepared.hash.clone()),
        outcome: Set(report.outcome.clone()),
        report: Set(serde_json::to_string(&report).map_err(AppError::internal)?),
        created_by: Set(caller.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&tx)
    .await?;
    report.batch_id = batch.id;
    if !prepared.errors.is_empty() {
        let mut active = batch.into_active_model();
        active.report = Set(serde_json::to_string(&report).map_err(AppError::internal)?);
        active.update(&tx).await?;
        audit::append(
            &tx,
            &actor,
            now,
            Entry {
                action: "screening.rejected",
                entity_type: "import_batch",
                entity_id: report.batch_id.to_string(),
                org_code: None,
                changes: json!({ "department": report.department, "file": report.file_name, "errors": report.errors.len() }),
            },
        )
        .await?;
        tx.commit().await?;
        return Ok(Begun::Done(Box::new(report)));
    }
    tx.commit().await?;
    Ok(Begun::Run(Box::new(Job { batch_id: report.batch_id, prepared, scopes, actor, report })))
}

/// Take a batch in one transaction: every row opens or updates a case or is kept as unmatched, and the
/// batch is marked applied with its report. `progress` hears how many rows are done. On any error
/// nothing is taken and the batch is marked failed.
pub async fn run(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    job: Job,
    progress: &Progress,
) -> Result<ScreeningReport, AppError> {
    let batch_id = job.batch_id;
    progress.set(batch_id, 0);
    let result = apply(db, now, job, progress).await;
    progress.finish(batch_id);
    if let Err(e) = &result {
        tracing::error!(batch_id, error = %e, "department warnings not taken");
        if let Some(batch) = import_batch::Entity::find_by_id(batch_id).one(db).await? {
            let mut report: ScreeningReport = serde_json::from_str(&batch.report).map_err(AppError::internal)?;
            report.outcome = "failed".into();
            let mut active = batch.into_active_model();
            active.outcome = Set("failed".into());
            active.report = Set(serde_json::to_string(&report).map_err(AppError::internal)?);
            active.update(db).await?;
        }
    }
    result
}

async fn apply(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    job: Job,
    progress: &Progress,
) -> Result<ScreeningReport, AppError> {
    let Job { batch_id, prepared, scopes, actor, mut report } = job;
    let department = prepared.department;
    let today = beijing_date(now);
    let in_scope = |code: &str| scopes.iter().any(|p| code.starts_with(p.as_str()));
    let tx = begin_write(db).await?;
    let calendar = crate::calendar::service::load(&tx).await?;
    // Warnings are dispatched the next working day; the township's initial review runs from then [F].
    let dispatched = calendar.add_working_days(today, 1)?;

    let keys: Vec<String> = prepared.warnings.iter().map(|w| row_key(department, w)).collect();
    let mut seen: HashSet<String> = HashSet::new();
    for chunk in keys.chunks(CHUNK) {
        let found = screening_row::Entity::find()
            .select_only()
            .column(screening_row::Column::RowKey)
            .filter(screening_row::Column::Department.eq(department.as_str()))
            .filter(screening_row::Column::RowKey.is_in(chunk.to_vec()))
            .into_tuple::<String>()
            .all(&tx)
            .await?;
        seen.extend(found);
    }
    let households = match_households(&tx, &prepared.warnings).await?;
    let household_ids: Vec<i64> = households.values().map(|h| h.id).collect();
    let mut open_cases: HashMap<(i64, String), risk_case::Model> = HashMap::new();
    let open_codes: Vec<&str> = Status::open_codes();
    for chunk in household_ids.chunks(CHUNK) {
        for c in risk_case::Entity::find()
            .filter(risk_case::Column::HouseholdId.is_in(chunk.to_vec()))
            .filter(risk_case::Column::Source.eq(Source::Department.as_str()))
            .filter(risk_case::Column::Status.is_in(open_codes.clone()))
            .all(&tx)
            .await?
        {
            if let Some(h) = c.household_id {
                open_cases.insert((h, c.risk_type.clone()), c);
            }
        }
    }
    let units: Vec<org_unit::Model> = org_unit::Entity::find().all(&tx).await?;
    let mut owners: HashMap<String, Option<i64>> = HashMap::new();
    let mut deadlines: HashMap<String, NaiveDate> = HashMap::new();
    let mut new_cases_by_owner: HashMap<i64, usize> = HashMap::new();
    let fallback_unit = scopes.iter().min_by_key(|p| p.len()).cloned().unwrap_or_default();

    for (index, (warning, key)) in prepared.warnings.iter().zip(&keys).enumerate() {
        if index % 200 == 0 {
            progress.set(batch_id, index);
        }
        let who = format!("第 {} 行 {}：", warning.row, warning.name);
        if !seen.insert(key.clone()) {
            report.repeated += 1;
            report.lines.push(RowIssue {
                row: warning.row, message: format!("{who}此前已收到同一预警，未重复登记。")
            });
            continue;
        }
        let found = households.get(&warning.resident_id).filter(|h| in_scope(&h.org_code));
        let description = format!("【{}部门预警】{}", department.label(), warning.description);
        let (org_code, household_id, case_id, outcome, line) = match found {
            Some(h) => match open_cases.get(&(h.id, warning.risk_type.as_str().to_string())) {
                Some(c) => {
                    add_warning(&tx, now, &actor, c, warning, &description).await?;
                    report.cases_updated += 1;
                    let line = format!("{who}并入该户未办结的同类案件 #{}。", c.id);
                    (h.org_code.clone(), Some(h.id), Some(c.id), "updated", line)
                }
                None => {
                    let owner = match h.contact_user_id {
                        Some(id) => Some(id),
                        None => crate::cases::service::default_owner(&tx, &mut owners, &h.org_code).await?,
                    };
                    match owner {
                        None => {
                            report.unmatched += 1;
                            let line = format!("{who}该户所在村尚无可承办人员，已转乡镇核实。");
                            (h.org_code.clone(), Some(h.id), None, "unmatched", line)
                        }
                        Some(owner) => {
                            let deadline = match deadlines.get(&h.org_code) {
                                Some(d) => *d,
                                None => {
                                    let policy =
                                        crate::policy::service::effective(&tx, &h.org_code, today.year()).await?;
                                    let d = calendar
                                        .add_working_days(dispatched, policy.policy.initial_review_working_days)?;
                                    deadlines.insert(h.org_code.clone(), d);
                                    d
                                }
                            };
                            let department_name = format!("{}部门", department.label());
                            let id = open(
                                &tx,
                                now,
                                &actor,
                                Opening {
                                    household: Some(h),
                                    org_code: &h.org_code,
                                    source: Source::Department,
                                    risk_type: warning.risk_type,
                                    red_alert: warning.red_alert,
                                    description: &description,
                                    owner,
                                    department: &department_name,
                                    responsible_person: "",
                                    deadline,
                                    notify_owner: false,
                                },
                            )
                            .await?;
                            *new_cases_by_owner.entry(owner).or_default() += 1;
                            if let Some(c) = risk_case::Entity::find_by_id(id).one(&tx).await? {
                                open_cases.insert((h.id, warning.risk_type.as_str().to_string()), c);
                            }
                            report.cases_opened += 1;
                            let line = format!("{who}已新建案件 #{id}，初审期限 {deadline}。");
                            (h.org_code.clone(), Some(h.id), Some(id), "opened", line)
                        }
                    }
                }
            },
            None => {
                report.unmatched += 1;
                let place = named_unit(&units, &warning.township, &warning.village)
                    .filter(|code| in_scope(code))
                    .unwrap_or_else(|| pad_code(&fallback_unit));
                let line = format!("{who}未匹配到辖区内的农户，已列入待核实名单（可能应纳未纳）。");
                (place, None, None, "unmatched", line)
            }
        };
        screening_row::ActiveModel {
            batch_id: Set(batch_id),
            department: Set(department.as_str().into()),
            row_key: Set(key.clone()),
            row_number: Set(warning.row as i32),
            resident_id: Set(warning.resident_id.clone()),
            name: Set(warning.name.clone()),
            risk_type: Set(warning.risk_type.as_str().into()),
            red_alert: Set(warning.red_alert),
            description: Set(warning.description.clone()),
            org_code: Set(org_code),
            household_id: Set(household_id),
            case_id: Set(case_id),
            outcome: Set(outcome.into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        report.lines.push(RowIssue { row: warning.row, message: line });
    }
    for (owner, count) in new_cases_by_owner {
        let notice = Notice {
            category: NoticeCategory::Assignment,
            title: format!("{}部门预警：新交办 {count} 件案件", department.label()),
            body: format!(
                "{}部门报送的筛查预警已匹配到您联系的农户，新建案件 {count} 件，请在初审期限内核实。",
                department.label()
            ),
            link: "/cases?view=mine".into(),
            dedupe: None,
        };
        notify(&tx, now, &[owner], &notice).await?;
    }
    report.outcome = "applied".into();
    let batch = import_batch::Entity::find_by_id(batch_id).one(&tx).await?.ok_or(AppError::NotFound)?;
    let mut active = batch.into_active_model();
    active.outcome = Set("applied".into());
    active.report = Set(serde_json::to_string(&report).map_err(AppError::internal)?);
    active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "screening.applied",
            entity_type: "import_batch",
            entity_id: batch_id.to_string(),
            org_code: None,
            changes: json!({ "department": report.department, "file": report.file_name, "rows": report.rows,
                "opened": report.cases_opened, "updated": report.cases_updated, "unmatched": report.unmatched,
                "repeated": report.repeated }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// The same warning is the same department, person, type and text.
fn row_key(department: Department, w: &Warning) -> String {
    let text = format!("{}|{}|{}|{}", department.as_str(), w.resident_id, w.risk_type.as_str(), w.description);
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Households by the resident ID of any member.
async fn match_households<C: ConnectionTrait>(
    tx: &C,
    warnings: &[Warning],
) -> Result<HashMap<String, household::Model>, AppError> {
    let ids: Vec<String> = warnings.iter().map(|w| w.resident_id.clone()).collect::<HashSet<_>>().into_iter().collect();
    let mut member_of: HashMap<String, i64> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let rows = household_member::Entity::find()
            .select_only()
            .column(household_member::Column::ResidentId)
            .column(household_member::Column::HouseholdId)
            .filter(household_member::Column::ResidentId.is_in(chunk.to_vec()))
            .into_tuple::<(String, i64)>()
            .all(tx)
            .await?;
        member_of.extend(rows);
    }
    let household_ids: Vec<i64> = member_of.values().copied().collect::<HashSet<_>>().into_iter().collect();
    let mut households: HashMap<i64, household::Model> = HashMap::new();
    for chunk in household_ids.chunks(CHUNK) {
        for h in household::Entity::find().filter(household::Column::Id.is_in(chunk.to_vec())).all(tx).await? {
            households.insert(h.id, h);
        }
    }
    Ok(member_of.into_iter().filter_map(|(rid, hid)| households.get(&hid).map(|h| (rid, h.clone()))).collect())
}

/// A unit named by township and village (names as the register has them).
fn named_unit(units: &[org_unit::Model], township: &str, village: &str) -> Option<String> {
    let town = units.iter().find(|u| u.level == "township" && !township.is_empty() && u.name == township);
    let town_code = town.and_then(|t| OrgCode::parse(&t.code).ok());
    let found_village = units.iter().find(|u| {
        u.level == "village"
            && !village.is_empty()
            && u.name == village
            && town_code.as_ref().is_none_or(|t| t.contains(&u.code))
    });
    found_village.or(town).map(|u| u.code.clone())
}

/// A scope prefix back to a full 12-digit unit code.
fn pad_code(prefix: &str) -> String {
    format!("{prefix:0<12}")
}

/// A further warning on an open case of the same kind: an event, and the red flag raised if red.
async fn add_warning<C: ConnectionTrait>(
    tx: &C,
    now: DateTime<Utc>,
    actor: &Actor,
    case: &risk_case::Model,
    warning: &Warning,
    description: &str,
) -> Result<(), AppError> {
    let status = Status::parse(&case.status).unwrap_or(Status::PendingVerification);
    if warning.red_alert && !case.red_alert {
        let mut active = case.clone().into_active_model();
        active.red_alert = Set(true);
        active.updated_at = Set(now);
        active.update(tx).await?;
        let title = format!("案件升为红色预警：#{}", case.id);
        let body = format!("部门预警：{description}");
        let actor_id = actor.user_id.unwrap_or(0);
        crate::cases::service::tell_red_alert(tx, now, case.id, &case.org_code, title, body, actor_id).await?;
    }
    let step = Step {
        case_id: case.id,
        org_code: &case.org_code,
        action: "department_warning",
        from: Some(status),
        to: status,
        note: description,
        deadline: None,
        audit_action: "case.department_warning",
        changes: json!({ "warning": description, "red_alert": warning.red_alert }),
    };
    record(tx, step, actor, actor.user_id.unwrap_or(0), now).await
}

/// A batch's report, for the one who sent it or its county's office; a running batch carries the
/// progress this server knows of.
pub async fn report(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    batch_id: i64,
    progress: &Progress,
) -> Result<ScreeningReport, AppError> {
    let caller = ctx.caller()?;
    let batch = import_batch::Entity::find_by_id(batch_id)
        .filter(import_batch::Column::Kind.starts_with("screening:"))
        .filter(readable_batches(db, caller).await?)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut report: ScreeningReport = serde_json::from_str(&batch.report).map_err(AppError::internal)?;
    report.outcome = batch.outcome;
    report.batch_id = batch.id;
    report.done = progress.get(batch.id);
    Ok(report)
}

/// Which screening batches the caller may read: their own, and for the county office every batch sent by
/// someone with a role in its county (not another county's).
async fn readable_batches(db: &DatabaseConnection, caller: &crate::permissions::Caller) -> Result<Condition, AppError> {
    let mut readable = Condition::any().add(import_batch::Column::CreatedBy.eq(caller.user_id));
    if imports_for_every_department(caller)
        && let Some(scope) = authz::scope_condition(caller, Action::ImportWarnings, org_unit::Column::Code)
    {
        let units: Vec<i64> = org_unit::Entity::find()
            .filter(scope)
            .select_only()
            .column(org_unit::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let senders: Vec<i64> = entities::user_role::Entity::find()
            .filter(entities::user_role::Column::OrgUnitId.is_in(units))
            .select_only()
            .column(entities::user_role::Column::UserId)
            .distinct()
            .into_tuple()
            .all(db)
            .await?;
        readable = readable.add(import_batch::Column::CreatedBy.is_in(senders));
    }
    Ok(readable)
}

/// The caller's latest batches (the county office: those of its county).
pub async fn recent(db: &DatabaseConnection, ctx: &RequestContext) -> Result<Vec<ScreeningReport>, AppError> {
    let caller = ctx.caller()?;
    import_batch::Entity::find()
        .filter(import_batch::Column::Kind.starts_with("screening:"))
        .filter(readable_batches(db, caller).await?)
        .order_by_desc(import_batch::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(|b| {
            let mut report: ScreeningReport = serde_json::from_str(&b.report).map_err(AppError::internal)?;
            report.outcome = b.outcome;
            report.batch_id = b.id;
            report.lines.clear();
            report.errors.clear();
            Ok(report)
        })
        .collect()
}

/// Warnings that matched no household, in the caller's scope (unverified first).
pub async fn unmatched(
    db: &DatabaseConnection,
    ctx: &RequestContext,
    include_resolved: bool,
) -> Result<Vec<UnmatchedView>, AppError> {
    let caller = ctx.caller()?;
    let Some(scope) = authz::scope_condition(caller, Action::VerifyWarnings, screening_row::Column::OrgCode) else {
        return Ok(Vec::new());
    };
    let mut query = screening_row::Entity::find().filter(scope).filter(screening_row::Column::Outcome.eq("unmatched"));
    if !include_resolved {
        query = query.filter(screening_row::Column::ResolvedAt.is_null());
    }
    let rows = query.order_by_desc(screening_row::Column::Id).limit(500).all(db).await?;
    let units = crate::org::service::display_names(db, rows.iter().map(|r| r.org_code.clone()).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let reveal = authz::authorize(caller, Action::RevealResidentId, &r.org_code).is_ok();
            UnmatchedView {
                id: r.id,
                department_label: Department::parse(&r.department).map(Department::label).unwrap_or_default().into(),
                resident_id: if reveal {
                    r.resident_id.clone()
                } else {
                    crate::households::mask_resident_id(&r.resident_id)
                },
                name: r.name,
                risk_type_label: RiskType::parse(&r.risk_type).map(RiskType::label).unwrap_or("其他").into(),
                red_alert: r.red_alert,
                description: r.description,
                org_name: units.get(&r.org_code).cloned().unwrap_or_default(),
                received_at: r.created_at,
                resolution: r.resolution,
            }
        })
        .collect())
}

/// The township records what its verification of an unmatched warning found.
pub async fn resolve(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    id: i64,
    resolution: &str,
) -> Result<(), AppError> {
    let caller = ctx.caller()?;
    let found = screening_row::Entity::find_by_id(id).one(db).await?;
    let row = authz::found_in_scope(db, now, ctx, Action::VerifyWarnings, found, |r| &r.org_code).await?;
    if row.outcome != "unmatched" {
        return Err(AppError::NotFound);
    }
    let resolution = resolution.trim();
    if resolution.is_empty() {
        return Err(AppError::validation(
            "resolution",
            "请写明核实结果，例如“已核实，非本辖区人员”或“已登记为农户并纳入监测”。",
        ));
    }
    if resolution.chars().count() > 300 {
        return Err(AppError::validation("resolution", "核实结果不超过 300 字。"));
    }
    if row.resolved_at.is_some() {
        return Err(AppError::Conflict("该预警已核实。".into()));
    }
    let tx = begin_write(db).await?;
    let mut active = row.clone().into_active_model();
    active.resolved_at = Set(Some(now));
    active.resolved_by = Set(Some(caller.user_id));
    active.resolution = Set(Some(resolution.into()));
    active.update(&tx).await?;
    audit::append(
        &tx,
        &Actor::user(caller, &ctx.meta),
        now,
        Entry {
            action: "screening.verified",
            entity_type: "screening_row",
            entity_id: id.to_string(),
            org_code: Some(row.org_code.clone()),
            changes: json!({ "name": row.name, "resolution": resolution }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

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
    // Per township (or county): per village, (opened, updated, unmatched).
    let mut by_unit: HashMap<String, HashMap<String, [usize; 3]>> = HashMap::new();
    for r in &rows {
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
        let notice = Notice {
            category: NoticeCategory::Digest,
            title: format!("部门预警日汇总（{period}）：{} 条", total.iter().sum::<usize>()),
            body: format!(
                "{}收到部门筛查预警 {} 条：新建案件 {}，并入已有案件 {}，未匹配农户 {}（请核实是否应纳未纳）。\n{}",
                names.get(&unit).cloned().unwrap_or_default(),
                total.iter().sum::<usize>(),
                total[0],
                total[1],
                total[2],
                lines.join("\n")
            ),
            link: "/screening".into(),
            dedupe: Some(format!("digest:{unit}:{today}")),
        };
        written += notify(&tx, now, &recipients, &notice).await?;
    }
    tx.commit().await?;
    Ok(written)
}

/// Batches a stopped server left `running` took nothing (their transaction never committed): mark them
/// interrupted so the sender knows to upload again. Returns how many.
pub async fn mark_interrupted(db: &DatabaseConnection) -> Result<u64, AppError> {
    let result = import_batch::Entity::update_many()
        .col_expr(import_batch::Column::Outcome, sea_orm::sea_query::Expr::value("interrupted"))
        .filter(import_batch::Column::Kind.starts_with("screening:"))
        .filter(import_batch::Column::Outcome.eq("running"))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
