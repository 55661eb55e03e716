//! Taking a checked batch: recorded as running, then matched to households chunk by chunk in the
//! background; a matched warning opens or joins a case, an unmatched one waits for the village to verify.

use super::intake::Prepared;
use super::{departments_of, import_scopes};
use crate::audit::service::{self as audit, Actor, Entry};
use crate::calendar::WorkCalendar;
use crate::cases::service::opening::{Opening, open};
use crate::cases::service::steps::{Step, record};
use crate::cases::{Source, Status};
use crate::db::begin_write;
use crate::error::AppError;
use crate::excel::RowIssue;
use crate::notify::Category as NoticeCategory;
use crate::notify::service::{Notice, notify};
use crate::org::OrgCode;
use crate::request::RequestContext;
use crate::screening::progress::Progress;
use crate::screening::{Department, ScreeningReport, Warning};
use crate::time::beijing_date;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entities::{household, household_member, import_batch, org_unit, risk_case, screening_row};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

/// Rows per database round trip when matching.
const CHUNK: usize = 500;

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

/// Where one warning went: its unit, household and case, the row's outcome and its line in the report.
struct Placed {
    org_code: String,
    household_id: Option<i64>,
    case_id: Option<i64>,
    outcome: &'static str,
    line: String,
}

/// The department's cases while a batch is taken, inside its transaction: the open ones each warning may
/// join, and what opening new ones gathers (each unit's default owner and review deadline, the cases
/// opened per owner).
struct Cases<'a> {
    tx: &'a DatabaseTransaction,
    now: DateTime<Utc>,
    actor: &'a Actor,
    department: Department,
    today: NaiveDate,
    calendar: WorkCalendar,
    dispatched: NaiveDate,
    /// Open department cases by household and risk type.
    open: HashMap<(i64, String), risk_case::Model>,
    owners: HashMap<String, Option<i64>>,
    deadlines: HashMap<String, NaiveDate>,
    new_by_owner: HashMap<i64, usize>,
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
    let mut seen = taken_keys(&tx, department, &keys).await?;
    let households = match_households(&tx, &prepared.warnings).await?;
    let open = open_department_cases(&tx, &households).await?;
    let units: Vec<org_unit::Model> = org_unit::Entity::find().all(&tx).await?;
    let fallback_unit = scopes.iter().min_by_key(|p| p.len()).cloned().unwrap_or_default();
    let mut cases = Cases {
        tx: &tx,
        now,
        actor: &actor,
        department,
        today,
        calendar,
        dispatched,
        open,
        owners: HashMap::new(),
        deadlines: HashMap::new(),
        new_by_owner: HashMap::new(),
    };

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
        let placed = match households.get(&warning.resident_id).filter(|h| in_scope(&h.org_code)) {
            Some(h) => cases.take_matched(h, warning, &who, &mut report).await?,
            None => {
                report.unmatched += 1;
                let place = named_unit(&units, &warning.township, &warning.village)
                    .filter(|code| in_scope(code))
                    .unwrap_or_else(|| pad_code(&fallback_unit));
                let line = format!("{who}未匹配到辖区内的农户，已列入待核实名单（可能应纳未纳）。");
                Placed { org_code: place, household_id: None, case_id: None, outcome: "unmatched", line }
            }
        };
        keep_row(&tx, now, batch_id, department, key, warning, &placed).await?;
        report.lines.push(RowIssue { row: warning.row, message: placed.line });
    }
    cases.notify_owners().await?;
    mark_applied(&tx, now, &actor, batch_id, &mut report).await?;
    tx.commit().await?;
    Ok(report)
}

/// The row keys of this department's warnings already taken in earlier batches.
async fn taken_keys(
    tx: &DatabaseTransaction,
    department: Department,
    keys: &[String],
) -> Result<HashSet<String>, AppError> {
    let mut seen: HashSet<String> = HashSet::new();
    for chunk in keys.chunks(CHUNK) {
        let found = screening_row::Entity::find()
            .select_only()
            .column(screening_row::Column::RowKey)
            .filter(screening_row::Column::Department.eq(department.as_str()))
            .filter(screening_row::Column::RowKey.is_in(chunk.to_vec()))
            .into_tuple::<String>()
            .all(tx)
            .await?;
        seen.extend(found);
    }
    Ok(seen)
}

/// The matched households' open department cases, by household and risk type.
async fn open_department_cases(
    tx: &DatabaseTransaction,
    households: &HashMap<String, household::Model>,
) -> Result<HashMap<(i64, String), risk_case::Model>, AppError> {
    let household_ids: Vec<i64> = households.values().map(|h| h.id).collect();
    let mut open_cases: HashMap<(i64, String), risk_case::Model> = HashMap::new();
    let open_codes: Vec<&str> = Status::open_codes();
    for chunk in household_ids.chunks(CHUNK) {
        for c in risk_case::Entity::find()
            .filter(risk_case::Column::HouseholdId.is_in(chunk.to_vec()))
            .filter(risk_case::Column::Source.eq(Source::Department.as_str()))
            .filter(risk_case::Column::Status.is_in(open_codes.clone()))
            .all(tx)
            .await?
        {
            if let Some(h) = c.household_id {
                open_cases.insert((h, c.risk_type.clone()), c);
            }
        }
    }
    Ok(open_cases)
}

impl Cases<'_> {
    /// Take a warning on a household in scope: it joins the household's open case of the same type, else
    /// opens one for the household's owner (its contact, else the village's default), else waits for the
    /// township to verify.
    async fn take_matched(
        &mut self,
        h: &household::Model,
        warning: &Warning,
        who: &str,
        report: &mut ScreeningReport,
    ) -> Result<Placed, AppError> {
        let description = format!("【{}部门预警】{}", self.department.label(), warning.description);
        let matched = |case_id: Option<i64>, outcome: &'static str, line: String| Placed {
            org_code: h.org_code.clone(),
            household_id: Some(h.id),
            case_id,
            outcome,
            line,
        };
        if let Some(c) = self.open.get(&(h.id, warning.risk_type.as_str().to_string())) {
            add_warning(self.tx, self.now, self.actor, c, warning, &description).await?;
            report.cases_updated += 1;
            let line = format!("{who}并入该户未办结的同类案件 #{}。", c.id);
            return Ok(matched(Some(c.id), "updated", line));
        }
        let owner = match h.contact_user_id {
            Some(id) => Some(id),
            None => crate::cases::service::opening::default_owner(self.tx, &mut self.owners, &h.org_code).await?,
        };
        let Some(owner) = owner else {
            report.unmatched += 1;
            let line = format!("{who}该户所在村尚无可承办人员，已转乡镇核实。");
            return Ok(matched(None, "unmatched", line));
        };
        let deadline = self.review_deadline(&h.org_code).await?;
        let id = self.open_case(h, warning, &description, owner, deadline).await?;
        report.cases_opened += 1;
        let line = format!("{who}已新建案件 #{id}，初审期限 {deadline}。");
        Ok(matched(Some(id), "opened", line))
    }

    /// The initial review's deadline in a unit: its policy's working days from dispatch, looked up once a unit.
    async fn review_deadline(&mut self, org_code: &str) -> Result<NaiveDate, AppError> {
        if let Some(d) = self.deadlines.get(org_code) {
            return Ok(*d);
        }
        let policy = crate::policy::service::effective(self.tx, org_code, self.today.year()).await?;
        let d = self.calendar.add_working_days(self.dispatched, policy.policy.initial_review_working_days)?;
        self.deadlines.insert(org_code.to_string(), d);
        Ok(d)
    }

    /// Open a department case on the household for its owner (told later, with the batch's count), and
    /// keep it open for further warnings of the same type.
    async fn open_case(
        &mut self,
        h: &household::Model,
        warning: &Warning,
        description: &str,
        owner: i64,
        deadline: NaiveDate,
    ) -> Result<i64, AppError> {
        let department_name = format!("{}部门", self.department.label());
        let id = open(
            self.tx,
            self.now,
            self.actor,
            Opening {
                household: Some(h),
                org_code: &h.org_code,
                source: Source::Department,
                risk_type: warning.risk_type,
                red_alert: warning.red_alert,
                description,
                owner,
                department: &department_name,
                responsible_person: "",
                deadline,
                status: crate::cases::Status::PendingVerification,
                notify_owner: false,
            },
        )
        .await?;
        *self.new_by_owner.entry(owner).or_default() += 1;
        if let Some(c) = risk_case::Entity::find_by_id(id).one(self.tx).await? {
            self.open.insert((h.id, warning.risk_type.as_str().to_string()), c);
        }
        Ok(id)
    }

    /// Tell each owner how many cases the batch opened for them.
    async fn notify_owners(&self) -> Result<(), AppError> {
        for (&owner, count) in &self.new_by_owner {
            let notice = Notice {
                category: NoticeCategory::Assignment,
                title: format!("{}部门预警：新交办 {count} 件案件", self.department.label()),
                body: format!(
                    "{}部门报送的筛查预警已匹配到您联系的农户，新建案件 {count} 件，请在初审期限内核实。",
                    self.department.label()
                ),
                link: "/cases?view=mine".into(),
                dedupe: None,
            };
            notify(self.tx, self.now, &[owner], &notice).await?;
        }
        Ok(())
    }
}

/// Keep a taken warning as a screening row with where it went.
async fn keep_row(
    tx: &DatabaseTransaction,
    now: DateTime<Utc>,
    batch_id: i64,
    department: Department,
    key: &str,
    warning: &Warning,
    placed: &Placed,
) -> Result<(), AppError> {
    screening_row::ActiveModel {
        batch_id: Set(batch_id),
        department: Set(department.as_str().into()),
        row_key: Set(key.to_string()),
        row_number: Set(warning.row as i32),
        resident_id: Set(warning.resident_id.clone()),
        name: Set(warning.name.clone()),
        risk_type: Set(warning.risk_type.as_str().into()),
        red_alert: Set(warning.red_alert),
        description: Set(warning.description.clone()),
        org_code: Set(placed.org_code.clone()),
        household_id: Set(placed.household_id),
        case_id: Set(placed.case_id),
        outcome: Set(placed.outcome.into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// Mark the batch applied with its report, and audit it.
async fn mark_applied(
    tx: &DatabaseTransaction,
    now: DateTime<Utc>,
    actor: &Actor,
    batch_id: i64,
    report: &mut ScreeningReport,
) -> Result<(), AppError> {
    report.outcome = "applied".into();
    let batch = import_batch::Entity::find_by_id(batch_id).one(tx).await?.ok_or(AppError::NotFound)?;
    let mut active = batch.into_active_model();
    active.outcome = Set("applied".into());
    active.report = Set(serde_json::to_string(&report).map_err(AppError::internal)?);
    active.update(tx).await?;
    audit::append(
        tx,
        actor,
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
    Ok(())
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
        crate::cases::service::opening::tell_red_alert(tx, now, case.id, &case.org_code, title, body, actor_id).await?;
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
