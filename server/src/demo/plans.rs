//! The demo county's assistance plans (一户一方案): most monitored households have had a case under
//! assistance since they were identified, with a measure or two under way or done, so the ledgers and the
//! household pages show plans as a county at work would; a few have none yet, which the pages point out.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use entities::{assistance_measure, case_event, household, risk_case};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set};

/// A measure the demo may give a household of a class: category, description, whom it falls to.
const MEASURES: [(&str, &str, &str); 5] = [
    ("industry", "发展生猪养殖，申请扶贫小额信贷 3 万元", "镇农业服务中心"),
    ("employment", "推荐至园区企业务工", "镇社保所"),
    ("social_security", "落实农村低保和城乡居民养老保险", "镇民政办"),
    ("medical", "参加城乡居民医保和大病保险，落实医疗救助", "镇卫生院"),
    ("education", "落实子女教育资助", "镇中心校"),
];

/// Give about nine monitored households in ten a plan; returns how many.
pub(super) async fn load(tx: &DatabaseTransaction, rng: &mut ChaCha8Rng, now: DateTime<Utc>) -> anyhow::Result<u64> {
    let today = app::time::beijing_date(now);
    let opened_on = NaiveDate::from_ymd_opt(today.year(), 1, 15).unwrap_or(today).min(today);
    let opened = opened_on.and_hms_opt(2, 0, 0).map(|t| t.and_utc()).unwrap_or(now);
    let deadline = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
    let monitored = household::Entity::find()
        .filter(household::Column::MonitoringStatus.eq("monitored"))
        .order_by_asc(household::Column::Id)
        .all(tx)
        .await?;
    let mut count = 0;
    for h in &monitored {
        let Some(owner) = h.contact_user_id.filter(|_| rng.random_bool(0.9)) else { continue };
        let case = risk_case::Entity::insert(risk_case::ActiveModel {
            household_id: Set(Some(h.id)),
            org_code: Set(h.org_code.clone()),
            source: Set(app::cases::Source::Meeting.as_str().into()),
            risk_type: Set(app::cases::RiskType::Income.as_str().into()),
            red_alert: Set(false),
            description: Set(format!("{}：落实一户一方案帮扶措施。", h.monitoring_class.clone().unwrap_or_default())),
            owner_user_id: Set(owner),
            department: Set(String::new()),
            responsible_person: Set(String::new()),
            deadline: Set(deadline),
            status: Set(app::cases::Status::Assisting.as_str().into()),
            found_by_unit: Set(true),
            created_by: Set(owner),
            created_at: Set(opened),
            updated_at: Set(opened),
            closed_at: Set(None),
            ..Default::default()
        })
        .exec(tx)
        .await?
        .last_insert_id;
        let event = |action: &str, from: Option<&str>, to: &str, note: &str| case_event::ActiveModel {
            case_id: Set(case),
            action: Set(action.into()),
            from_status: Set(from.map(str::to_string)),
            to_status: Set(to.into()),
            note: Set(note.into()),
            deadline: Set(None),
            actor_user_id: Set(owner),
            actor_name: Set("演示数据载入".into()),
            at: Set(opened),
            ..Default::default()
        };
        case_event::Entity::insert_many([
            event("create", None, "verifying", "纳入监测时登记"),
            event("include", Some("verifying"), "assisting", "村级研判会议确定帮扶措施"),
        ])
        .exec_without_returning(tx)
        .await?;
        let first = rng.random_range(0..MEASURES.len());
        let picked = if rng.random_bool(0.5) { vec![first, (first + 2) % MEASURES.len()] } else { vec![first] };
        let measures: Vec<assistance_measure::ActiveModel> = picked
            .into_iter()
            .map(|i| {
                let (category, description, responsible) = MEASURES.get(i).copied().unwrap_or(MEASURES[0]);
                let start = opened_on + Duration::days(rng.random_range(3..40));
                assistance_measure::ActiveModel {
                    case_id: Set(case),
                    household_id: Set(Some(h.id)),
                    org_code: Set(h.org_code.clone()),
                    category: Set(category.into()),
                    description: Set(description.into()),
                    responsible_person: Set(responsible.into()),
                    start_on: Set(start.min(today)),
                    end_on: Set(None),
                    status: Set(if rng.random_bool(0.4) { "done" } else { "in_progress" }.into()),
                    insurance_cause: Set(None),
                    created_by: Set(owner),
                    created_at: Set(opened),
                    updated_at: Set(opened),
                    ..Default::default()
                }
            })
            .collect();
        assistance_measure::Entity::insert_many(measures).exec_without_returning(tx).await?;
        count += 1;
    }
    Ok(count)
}
