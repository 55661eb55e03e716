//! The demo county's special supervision: the county discipline team's round of the last half-year over the
//! first two townships, in rectification, with findings in every state (to hand over, corrected on the spot,
//! being rectified and overdue, submitted for re-check, closed), so 专项督查 is not empty on first start; and the
//! completed round of the half-year before, whose closed findings the current round can draw for 回头看.

use app::audit::service::Actor;
use app::cases::service::opening::{Opening, open};
use app::supervision::{FindingStatus, Half, Method, RoundStatus, Severity};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{case_event, org_unit, risk_case, supervision_finding, supervision_member, supervision_round};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};

/// One finding of the demo round: where, what, and how far it has come.
struct Planned {
    village: usize,
    item: &'static str,
    description: &'static str,
    method: Method,
    severity: Severity,
    state: FindingStatus,
}

/// The half-year before's completed round: its problems were put right, so 回头看 has something to draw.
const EARLIER: [Planned; 3] = [
    Planned {
        village: 0,
        item: "走访记录按频次完整",
        description: "3 户监测户走访记录缺少家庭收支情况",
        method: Method::LedgerCheck,
        severity: Severity::Minor,
        state: FindingStatus::CorrectedOnSpot,
    },
    Planned {
        village: 2,
        item: "监测和预警台账完整",
        description: "预警台账未随月度摸排更新",
        method: Method::LedgerCheck,
        severity: Severity::Minor,
        state: FindingStatus::Closed,
    },
    Planned {
        village: 3,
        item: "帮扶措施落实到位",
        description: "1 户监测户的就业帮扶措施未落实",
        method: Method::HomeCheck,
        severity: Severity::Serious,
        state: FindingStatus::Closed,
    },
];

const FINDINGS: [Planned; 6] = [
    Planned {
        village: 0,
        item: "研判会议召开并专人专本记录",
        description: "4 月研判会议记录未由党支部书记签发",
        method: Method::LedgerCheck,
        severity: Severity::Minor,
        state: FindingStatus::Recorded,
    },
    Planned {
        village: 0,
        item: "工作资料按目录归档",
        description: "走访记录未按工作资料目录归档",
        method: Method::LedgerCheck,
        severity: Severity::Minor,
        state: FindingStatus::CorrectedOnSpot,
    },
    Planned {
        village: 1,
        item: "走访记录按频次完整",
        description: "2 户监测户 5 月无走访记录",
        method: Method::HomeCheck,
        severity: Severity::Serious,
        state: FindingStatus::HandedOver,
    },
    Planned {
        village: 2,
        item: "帮扶措施落实到位",
        description: "1 户监测户未制定帮扶措施",
        method: Method::HomeCheck,
        severity: Severity::Serious,
        state: FindingStatus::AwaitingRecheck,
    },
    Planned {
        village: 3,
        item: "风险案件按期核实办结",
        description: "1 件因病支出骤增的风险案件超过 1 个月未完成核实",
        method: Method::LedgerCheck,
        severity: Severity::Serious,
        state: FindingStatus::Closed,
    },
    Planned {
        village: 1,
        item: "信息采集准确",
        description: "2 户家庭人口与户籍信息不一致",
        method: Method::LedgerCheck,
        severity: Severity::Minor,
        state: FindingStatus::HandedOver,
    },
];

/// A demo round: its half-year, when it started and where it stands.
struct Round {
    year: i32,
    half: Half,
    starts_on: NaiveDate,
    status: RoundStatus,
}

/// Load the two rounds; returns how many findings they have.
pub(super) async fn load(tx: &DatabaseTransaction, actor: &Actor, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let today = app::time::beijing_date(now);
    let date = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(today);
    // The first half of this year once June is over, else the second half of last year; and the half before.
    let (current, earlier) = if today.month() >= 7 {
        (
            (today.year(), Half::First, date(today.year(), 6)),
            (today.year() - 1, Half::Second, date(today.year() - 1, 11)),
        )
    } else {
        (
            (today.year() - 1, Half::Second, date(today.year() - 1, 11)),
            (today.year() - 1, Half::First, date(today.year() - 1, 6)),
        )
    };
    let (year, half, starts_on) = earlier;
    let done = Round { year, half, starts_on, status: RoundStatus::Completed };
    let mut count = load_round(tx, actor, now, &done, &EARLIER).await?;
    let (year, half, starts_on) = current;
    let rectifying = Round { year, half, starts_on, status: RoundStatus::Rectifying };
    count += load_round(tx, actor, now, &rectifying, &FINDINGS).await?;
    Ok(count)
}

/// Load one round with its findings; returns how many it has.
async fn load_round(
    tx: &DatabaseTransaction,
    actor: &Actor,
    now: DateTime<Utc>,
    plan: &Round,
    findings: &[Planned],
) -> anyhow::Result<u64> {
    let fail = |e: app::error::AppError| anyhow::anyhow!("{e}");
    let (year, half, starts_on) = (plan.year, plan.half, plan.starts_on);
    let users: std::collections::HashMap<String, i64> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.username, u.id)).collect();
    let (Some(lead), Some(office)) = (users.get("xian.jiwei").copied(), users.get("xian.fupin1").copied()) else {
        return Ok(0);
    };
    let townships = org_unit::Entity::find()
        .filter(org_unit::Column::Level.eq("township"))
        .order_by_asc(org_unit::Column::Code)
        .all(tx)
        .await?;
    let covered: Vec<String> = townships.iter().take(2).map(|t| t.code.clone()).collect();
    let mut villages = Vec::new();
    for township in &covered {
        let prefix = township.get(..9).unwrap_or_default().to_string();
        villages.extend(
            org_unit::Entity::find()
                .filter(org_unit::Column::Level.eq("village"))
                .filter(org_unit::Column::Code.starts_with(&prefix))
                .order_by_asc(org_unit::Column::Code)
                .all(tx)
                .await?
                .into_iter()
                .take(2),
        );
    }
    let county = super::COUNTY_CODE;
    let policy = app::policy::service::effective(tx, county, year).await.map_err(fail)?.policy;
    let at = starts_on.and_hms_opt(1, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
    let round = supervision_round::ActiveModel {
        org_code: Set(county.to_string()),
        title: Set(format!("{year} 年{}防返贫监测帮扶专项督查", half.label())),
        year: Set(year),
        half: Set(half.as_str().into()),
        units: Set(serde_json::to_string(&covered)?),
        topics: Set("研判会议、走访记录、帮扶措施落实和应纳未纳".into()),
        checklist: Set(serde_json::to_string(&policy.supervision_checklist)?),
        lead_user_id: Set(lead),
        starts_on: Set(starts_on),
        ends_on: Set(starts_on + Duration::days(19)),
        status: Set(plan.status.as_str().into()),
        created_by: Set(lead),
        created_at: Set(at),
        updated_at: Set(at),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    for member in [lead, office] {
        supervision_member::ActiveModel { round_id: Set(round.id), user_id: Set(member), ..Default::default() }
            .insert(tx)
            .await?;
    }
    let calendar = app::calendar::service::load(tx).await.map_err(fail)?;
    let mut count = 0;
    for planned in findings {
        let Some(village) = villages.get(planned.village) else { continue };
        let basis = policy
            .supervision_checklist
            .iter()
            .find(|c| c.item == planned.item)
            .map(|c| c.basis.clone())
            .unwrap_or_default();
        let found_on = starts_on + Duration::days(3 + count as i64);
        let found_at = found_on.and_hms_opt(2, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
        let finding = supervision_finding::ActiveModel {
            round_id: Set(round.id),
            org_code: Set(village.code.clone()),
            household_id: Set(None),
            person_user_id: Set(None),
            item: Set(planned.item.into()),
            basis: Set(basis),
            method: Set(planned.method.as_str().into()),
            severity: Set(planned.severity.as_str().into()),
            description: Set(planned.description.into()),
            found_on: Set(found_on),
            on_spot_action: Set(
                (planned.state == FindingStatus::CorrectedOnSpot).then(|| "当场按目录补齐归档".to_string())
            ),
            self_found_case_id: Set(None),
            status: Set(planned.state.as_str().into()),
            case_id: Set(None),
            carried_over_reason: Set(None),
            recorded_by: Set(lead),
            created_at: Set(found_at),
            updated_at: Set(found_at),
            closed_at: Set((planned.state == FindingStatus::CorrectedOnSpot).then_some(found_at)),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        if matches!(planned.state, FindingStatus::HandedOver | FindingStatus::AwaitingRecheck | FindingStatus::Closed) {
            let owner =
                users.get(&format!("c{}.shuji", village.code.get(6..12).unwrap_or_default())).copied().unwrap_or(lead);
            let deadline = calendar.add_working_days(found_on, policy.rectify_working_days).map_err(fail)?;
            let case_id = open(
                tx,
                found_at,
                actor,
                Opening {
                    household: None,
                    org_code: &village.code,
                    source: app::cases::Source::Supervision,
                    risk_type: app::cases::RiskType::Other,
                    red_alert: false,
                    description: &format!("{}交办（{}）：{}", round.title, planned.item, planned.description),
                    owner,
                    department: "",
                    responsible_person: "",
                    deadline,
                    status: app::cases::Status::Rectifying,
                    notify_owner: false,
                },
            )
            .await
            .map_err(fail)?;
            let moved = match planned.state {
                FindingStatus::AwaitingRecheck => Some(("submit", "awaiting_acceptance", "已整改，提请复核")),
                FindingStatus::Closed => Some(("accept", "closed", "复核合格，销号")),
                _ => None,
            };
            if let Some((action, to, note)) = moved {
                let on = found_at + Duration::days(10);
                if let Some(case) = risk_case::Entity::find_by_id(case_id).one(tx).await? {
                    let mut active = case.into_active_model();
                    active.status = Set(to.into());
                    active.closed_at = Set((to == "closed").then_some(on));
                    active.updated_at = Set(on);
                    active.update(tx).await?;
                }
                case_event::ActiveModel {
                    case_id: Set(case_id),
                    action: Set(action.into()),
                    from_status: Set(Some("rectifying".into())),
                    to_status: Set(to.into()),
                    note: Set(note.into()),
                    deadline: Set(None),
                    actor_user_id: Set(if action == "accept" { office } else { owner }),
                    actor_name: Set("演示数据载入".into()),
                    at: Set(on),
                    ..Default::default()
                }
                .insert(tx)
                .await?;
            }
            let mut active = finding.clone().into_active_model();
            active.case_id = Set(Some(case_id));
            active.status = Set(match planned.state {
                FindingStatus::Closed => FindingStatus::Closed,
                _ => FindingStatus::HandedOver,
            }
            .as_str()
            .into());
            active.closed_at = Set((planned.state == FindingStatus::Closed).then_some(found_at + Duration::days(10)));
            active.update(tx).await?;
        }
        count += 1;
    }
    Ok(count)
}
