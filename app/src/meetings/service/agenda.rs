//! The agenda a meeting is prepared with, built from the month's facts: cases due, follow-ups
//! of earlier decisions, matters handed down by the township, visit findings, procedures waiting for a step,
//! red alerts without a case, department warnings to verify and villages' escalations.

use crate::authz::{self};
use crate::cases::{RiskType, Source, Status};
use crate::error::AppError;
use crate::meetings::{ItemAction, ItemKind, MeetingStatus};
use crate::org::{OrgCode, OrgLevel};
use crate::screening::Department;
use crate::time::beijing_date;
use crate::workflow::procedure::{Procedure, Stage};
use chrono::NaiveDate;
use entities::{household, identification, meeting, meeting_item, risk_case, screening_row, visit};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use std::collections::{HashMap, HashSet};

/// An agenda item before it has a meeting and a position.
pub(super) fn item(kind: ItemKind, title: String, facts: String) -> meeting_item::ActiveModel {
    meeting_item::ActiveModel {
        kind: Set(kind.as_str().into()),
        case_id: Set(None),
        household_id: Set(None),
        source_item_id: Set(None),
        title: Set(title.chars().take(250).collect()),
        facts: Set(facts),
        dropped: Set(false),
        drop_reason: Set(String::new()),
        analysis: Set(String::new()),
        decision: Set(String::new()),
        action: Set(String::new()),
        department: Set(String::new()),
        responsible_person: Set(String::new()),
        deadline: Set(None),
        owner_user_id: Set(None),
        result_case_id: Set(None),
        decided_at: Set(None),
        ..Default::default()
    }
}

/// What the system knows of a case, in one line.
fn case_facts(c: &risk_case::Model, owners: &HashMap<i64, String>) -> String {
    let status = Status::parse(&c.status).map(|s| s.label()).unwrap_or_default();
    let risk = RiskType::parse(&c.risk_type).map(|r| r.label()).unwrap_or_default();
    let source = Source::parse(&c.source).map(|s| s.label()).unwrap_or_default();
    format!(
        "{risk}；{}；来源：{source}；责任人：{}；期限：{}；状态：{status}{}",
        c.description,
        owners.get(&c.owner_user_id).cloned().unwrap_or_default(),
        c.deadline,
        if c.red_alert { "；红色预警" } else { "" }
    )
}

/// The agenda of a unit's meeting for the month `first..=last`, in this order: decisions of earlier
/// meetings that fell due; what was handed down (villages: by the township's joint meeting; both: cases a
/// supervision opened); risks new this month (for a township: red alerts and department warnings) and
/// red-alert households with no open case (for a township also department warnings that matched no
/// household and wait to be verified); overdue cases; (villages) the other open cases, visit findings that
/// opened no case, and households waiting for the democratic appraisal; (townships) households waiting for
/// the township's review and items escalated by village meetings.
pub(super) async fn build_agenda<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
    last: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let township = unit.level() == OrgLevel::Township;
    let open_cases = risk_case::Entity::find()
        .filter(authz::code_prefix(risk_case::Column::OrgCode, unit.scope_prefix()))
        .filter(risk_case::Column::Status.is_in(Status::open_codes()))
        .order_by_asc(risk_case::Column::Deadline)
        .order_by_asc(risk_case::Column::Id)
        .all(db)
        .await?;
    let names = CaseNames::load(db, &open_cases).await?;
    let mut listed: HashSet<i64> = HashSet::new();
    let mut items = follow_ups(db, unit, (first, last), &open_cases, &names, &mut listed).await?;
    if !township {
        items.extend(handed_down(db, unit, first, &open_cases, &mut listed).await?);
    }
    items.extend(case_items(&open_cases, &names, township, (first, last), today, &mut listed));
    let on_agenda: HashSet<i64> = items.iter().filter_map(|it| it.household_id.clone().take().flatten()).collect();
    items.extend(red_alerts_without_case(db, unit, &open_cases, &on_agenda).await?);
    if township {
        items.extend(warnings_to_verify(db, unit).await?);
    }
    sort_by_kind(&mut items);
    if township {
        items.extend(waiting_for_step(db, unit).await?);
        items.extend(escalated(db, unit, first).await?);
    } else {
        items.extend(visit_findings(db, unit, first, last).await?);
        items.extend(waiting_for_step(db, unit).await?);
    }
    Ok(items)
}

/// The open cases' households and owners' names, to title and describe a case's item.
struct CaseNames {
    households: HashMap<i64, household::Model>,
    owners: HashMap<i64, String>,
}

impl CaseNames {
    /// Load the households and owners of the open cases.
    async fn load<C: ConnectionTrait>(db: &C, open_cases: &[risk_case::Model]) -> Result<CaseNames, AppError> {
        let households = household::Entity::find()
            .filter(household::Column::Id.is_in(open_cases.iter().filter_map(|c| c.household_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|h| (h.id, h))
            .collect();
        let owners = crate::users::service::display_names(db, open_cases.iter().map(|c| c.owner_user_id)).await?;
        Ok(CaseNames { households, owners })
    }

    /// Whose case it is ("张三户"), empty without a household.
    fn who(&self, c: &risk_case::Model) -> String {
        c.household_id.and_then(|id| self.households.get(&id)).map(|h| format!("{}户", h.head_name)).unwrap_or_default()
    }

    /// An item on a case, with the case's facts.
    fn on_case(&self, kind: ItemKind, c: &risk_case::Model, title: String) -> meeting_item::ActiveModel {
        let mut it = item(kind, title, case_facts(c, &self.owners));
        it.case_id = Set(Some(c.id));
        it.household_id = Set(c.household_id);
        it
    }
}

/// The open cases not yet listed, by how they stand: opened by a supervision (handed down), new this
/// month (for a township only red alerts and department warnings), overdue, and for a village the rest.
fn case_items(
    open_cases: &[risk_case::Model],
    names: &CaseNames,
    township: bool,
    (first, last): (NaiveDate, NaiveDate),
    today: NaiveDate,
    listed: &mut HashSet<i64>,
) -> Vec<meeting_item::ActiveModel> {
    let mut items = Vec::new();
    // Cases a supervision opened are handed down to the unit as well.
    for c in open_cases.iter().filter(|c| c.source == Source::Supervision.as_str()) {
        if listed.insert(c.id) {
            let risk = RiskType::parse(&c.risk_type).map(|r| r.label()).unwrap_or_default();
            items.push(names.on_case(ItemKind::HandedDown, c, format!("督查交办：{}{risk}", names.who(c))));
        }
    }
    for c in open_cases {
        if listed.contains(&c.id) {
            continue;
        }
        let risk = RiskType::parse(&c.risk_type).map(|r| r.label()).unwrap_or_default();
        let new = (first..=last).contains(&beijing_date(c.created_at));
        let overdue = c.deadline < today.min(last);
        let kind = if new && (!township || c.red_alert || c.source == Source::Department.as_str()) {
            ItemKind::NewRisk
        } else if overdue {
            ItemKind::OverdueCase
        } else if !township {
            ItemKind::OpenCase
        } else {
            continue;
        };
        listed.insert(c.id);
        let alert = if c.red_alert { "【红色预警】" } else { "" };
        items.push(names.on_case(kind, c, format!("{alert}{}：{risk}", names.who(c))));
    }
    items
}

/// Put the items in the agenda's order (`ItemKind::ALL`): follow-ups, handed down, new risks, red alerts,
/// overdue, open; the sort keeps each kind's own order.
fn sort_by_kind(items: &mut [meeting_item::ActiveModel]) {
    items.sort_by_key(|it| {
        let kind = match &it.kind {
            sea_orm::ActiveValue::Set(k) | sea_orm::ActiveValue::Unchanged(k) => ItemKind::parse(k),
            sea_orm::ActiveValue::NotSet => None,
        };
        ItemKind::ALL.iter().position(|k| Some(*k) == kind)
    });
}

/// Decisions of this unit's earlier meetings that fell due: on a case still open whose deadline passed by
/// the month's end (listed every month until the case closes), or recorded only, with a deadline in this
/// month. The latest decision on a case speaks for it.
async fn follow_ups<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    (first, last): (NaiveDate, NaiveDate),
    open_cases: &[risk_case::Model],
    names: &CaseNames,
    listed: &mut HashSet<i64>,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let earlier: Vec<i64> = meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.as_str()))
        .filter(meeting::Column::Month.lt(first.format("%Y-%m").to_string()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let due_decisions = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(earlier))
        .filter(meeting_item::Column::Dropped.eq(false))
        .filter(meeting_item::Column::Deadline.lte(last))
        .filter(meeting_item::Column::Action.is_in([
            ItemAction::Note.as_str(),
            ItemAction::OpenCase.as_str(),
            ItemAction::UpdateCase.as_str(),
        ]))
        .order_by_desc(meeting_item::Column::DecidedAt)
        .order_by_desc(meeting_item::Column::Id)
        .all(db)
        .await?;
    // The nearest deadline first.
    let mut found = Vec::new();
    for d in due_decisions {
        let Some(deadline) = d.deadline else { continue };
        let decided =
            format!("上次研判决定“{}”（{}，{}，{deadline} 前）", d.decision, d.department, d.responsible_person);
        match d.result_case_id.or(d.case_id) {
            Some(case_id) => {
                let Some(c) = open_cases.iter().find(|c| c.id == case_id) else { continue };
                if listed.insert(c.id) {
                    found
                        .push((deadline, names.on_case(ItemKind::FollowUp, c, format!("{}：{decided}", names.who(c)))));
                }
            }
            None if deadline >= first => {
                let mut it = item(ItemKind::FollowUp, format!("到期复核：{}", d.title), decided);
                it.household_id = Set(d.household_id);
                it.source_item_id = Set(Some(d.id));
                found.push((deadline, it));
            }
            None => {}
        }
    }
    found.sort_by_key(|(deadline, _)| *deadline);
    Ok(found.into_iter().map(|(_, it)| it).collect())
}

/// What the township's signed joint minutes of this month or earlier decided about this village's
/// households, not yet handed down to an earlier village meeting: handed down for the village to carry
/// out. The cases they concern are not listed again.
async fn handed_down<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
    open_cases: &[risk_case::Model],
    listed: &mut HashSet<i64>,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let township: Vec<i64> = meeting::Entity::find()
        .filter(meeting::Column::OrgCode.eq(unit.at_level(OrgLevel::Township)))
        .filter(meeting::Column::Month.lte(first.format("%Y-%m").to_string()))
        .filter(meeting::Column::Status.eq(MeetingStatus::Signed.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let decided = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(township))
        .filter(meeting_item::Column::DecidedAt.is_not_null())
        .filter(meeting_item::Column::Dropped.eq(false))
        .order_by_asc(meeting_item::Column::Id)
        .all(db)
        .await?;
    let carried = carried_on(db, decided.iter().map(|d| d.id)).await?;
    let ours: HashSet<i64> = household::Entity::find()
        .filter(household::Column::Id.is_in(decided.iter().filter_map(|i| i.household_id)))
        .filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()))
        .all(db)
        .await?
        .into_iter()
        .map(|h| h.id)
        .collect();
    let mut items = Vec::new();
    for d in decided.into_iter().filter(|d| d.household_id.is_some_and(|h| ours.contains(&h))) {
        let case = d.result_case_id.or(d.case_id);
        // A decision on a case that has since closed has nothing left to carry out.
        let closed = case.is_some_and(|c| !open_cases.iter().any(|o| o.id == c));
        if carried.contains(&d.id) || closed || case.is_some_and(|c| !listed.insert(c)) {
            continue;
        }
        let deadline = d.deadline.map(|x| format!("，{x} 前")).unwrap_or_default();
        let mut it = item(
            ItemKind::HandedDown,
            format!("镇街交办：{}", d.title),
            format!("镇街联席研判决定：{}（{}，{}{deadline}）", d.decision, d.department, d.responsible_person),
        );
        it.case_id = Set(case);
        it.household_id = Set(d.household_id);
        it.source_item_id = Set(Some(d.id));
        items.push(it);
    }
    Ok(items)
}

/// Which of these items another meeting's agenda already carries on.
pub(super) async fn carried_on<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<HashSet<i64>, AppError> {
    Ok(meeting_item::Entity::find()
        .filter(meeting_item::Column::SourceItemId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|i| i.source_item_id)
        .collect())
}

/// Problems found on this month's visits that opened no case.
async fn visit_findings<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let visits = visit::Entity::find()
        .filter(authz::code_prefix(visit::Column::OrgCode, unit.scope_prefix()))
        .filter(visit::Column::VisitedOn.between(first, last))
        .order_by_asc(visit::Column::VisitedOn)
        .all(db)
        .await?;
    let households: HashMap<i64, String> = household::Entity::find()
        .filter(household::Column::Id.is_in(visits.iter().map(|v| v.household_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|h| (h.id, h.head_name))
        .collect();
    let mut items = Vec::new();
    for v in visits {
        let problems: Vec<crate::visits::Problem> = serde_json::from_str(&v.problems).unwrap_or_default();
        for p in problems.into_iter().filter(|p| p.case_id.is_none()) {
            let head = households.get(&v.household_id).cloned().unwrap_or_default();
            let mut it = item(
                ItemKind::VisitFinding,
                format!("{head}户：{}", p.risk_type.label()),
                format!("{} 走访发现：{}", v.visited_on, p.description),
            );
            it.household_id = Set(Some(v.household_id));
            items.push(it);
        }
    }
    Ok(items)
}

/// Households whose identification, risk elimination or measures [F] 8 wait for this unit's step: a village's
/// verification and democratic appraisal (applied), a township's review (notice posted).
async fn waiting_for_step<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let township = unit.level() == OrgLevel::Township;
    let (stage, kind, step) = if township {
        (Stage::NoticePosted, ItemKind::Review, "待镇街审核")
    } else {
        (Stage::Applied, ItemKind::Appraisal, "待村级核实和民主评议")
    };
    let waiting = identification::Entity::find()
        .filter(identification::Column::Stage.eq(stage.as_str()))
        .filter(authz::code_prefix(identification::Column::OrgCode, unit.scope_prefix()))
        .all(db)
        .await?;
    let households: Vec<household::Model> = household::Entity::find()
        .filter(household::Column::Id.is_in(waiting.iter().map(|w| w.household_id)))
        .filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()))
        .order_by_asc(household::Column::Code)
        .all(db)
        .await?;
    Ok(households
        .into_iter()
        .filter_map(|h| {
            let procedure = waiting.iter().find(|w| w.household_id == h.id)?;
            let what = Procedure::parse(&procedure.kind).map_or("识别纳入", Procedure::label);
            let facts = match (township, procedure.notice_start, procedure.notice_end) {
                (true, Some(start), Some(end)) => {
                    format!("户编号 {}；公示 {start} 至 {end}；审核意见在该户的办理流程中登记。", h.code)
                }
                (true, _, _) => format!("户编号 {}；审核意见在该户的办理流程中登记。", h.code),
                (false, _, _) => {
                    format!("户编号 {}；会上选择“民主评议通过/未通过”并写明评议情况，结果记入该户的办理流程。", h.code)
                }
            };
            let mut it = item(kind, format!("{}户：{what}{step}", h.head_name), facts);
            it.household_id = Set(Some(h.id));
            Some(it)
        })
        .collect())
}

/// Households the system rates a red alert (below the red-alert line, or a 两不愁三保障 item failed) with no
/// open case and not already on the agenda (e.g. handed down): the meeting decides whether to open one.
async fn red_alerts_without_case<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    open_cases: &[risk_case::Model],
    on_agenda: &HashSet<i64>,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let mut followed: HashSet<i64> = open_cases.iter().filter_map(|c| c.household_id).collect();
    followed.extend(on_agenda);
    let alerts = household::Entity::find()
        .filter(authz::code_prefix(household::Column::OrgCode, unit.scope_prefix()))
        .filter(household::Column::RedAlert.eq(true))
        .order_by_asc(household::Column::Code)
        .all(db)
        .await?;
    Ok(alerts
        .into_iter()
        .filter(|h| !followed.contains(&h.id))
        .map(|h| {
            let mut it = item(
                ItemKind::RedAlert,
                format!("【红色预警】{}户", h.head_name),
                format!("户编号 {}；系统评估为红色预警，尚无在办案件，请研判是否立案跟踪。", h.code),
            );
            it.household_id = Set(Some(h.id));
            it
        })
        .collect())
}

/// Department warnings in the township that matched no household and are not yet verified (possible
/// 应纳未纳): the joint meeting assigns their verification.
async fn warnings_to_verify<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let rows = screening_row::Entity::find()
        .filter(authz::code_prefix(screening_row::Column::OrgCode, unit.scope_prefix()))
        .filter(screening_row::Column::Outcome.eq("unmatched"))
        .filter(screening_row::Column::ResolvedAt.is_null())
        .order_by_asc(screening_row::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let department = Department::parse(&r.department).map(|d| d.label()).unwrap_or_default();
            let risk = RiskType::parse(&r.risk_type).map(|t| t.label()).unwrap_or_default();
            let alert = if r.red_alert { "【红色预警】" } else { "" };
            item(
                ItemKind::NewRisk,
                format!("{alert}部门预警待核实：{}（{department}）{risk}", r.name),
                format!(
                    "{} 收到；{}；未匹配到农户，核实结论在“部门筛查预警”中登记。",
                    beijing_date(r.created_at),
                    r.description
                ),
            )
        })
        .collect())
}

/// Items the township's villages escalated in their meetings of this month or earlier (and kept on their
/// agenda) that no township meeting has taken up yet.
pub(super) async fn escalated<C: ConnectionTrait>(
    db: &C,
    unit: &OrgCode,
    first: NaiveDate,
) -> Result<Vec<meeting_item::ActiveModel>, AppError> {
    let village_meetings: HashMap<i64, String> = meeting::Entity::find()
        .filter(authz::code_prefix(meeting::Column::OrgCode, unit.scope_prefix()))
        .filter(meeting::Column::OrgCode.ne(unit.as_str()))
        .filter(meeting::Column::Month.lte(first.format("%Y-%m").to_string()))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m.org_code))
        .collect();
    let names = crate::org::service::display_names(db, village_meetings.values().cloned().collect()).await?;
    let rows = meeting_item::Entity::find()
        .filter(meeting_item::Column::MeetingId.is_in(village_meetings.keys().copied()))
        .filter(meeting_item::Column::Action.eq(ItemAction::Escalate.as_str()))
        .filter(meeting_item::Column::Dropped.eq(false))
        .order_by_asc(meeting_item::Column::Id)
        .all(db)
        .await?;
    let carried = carried_on(db, rows.iter().map(|r| r.id)).await?;
    Ok(rows
        .into_iter()
        .filter(|r| !carried.contains(&r.id))
        .map(|r| {
            let village = village_meetings.get(&r.meeting_id).and_then(|c| names.get(c)).cloned().unwrap_or_default();
            let mut it = item(
                ItemKind::Escalated,
                format!("{village}提交：{}", r.title),
                format!("{}；村级研判：{}；决定：{}", r.facts, r.analysis, r.decision),
            );
            it.case_id = Set(r.case_id);
            it.household_id = Set(r.household_id);
            it.source_item_id = Set(Some(r.id));
            it
        })
        .collect())
}
