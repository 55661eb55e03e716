//! The demo county's judgment meetings of the months before this one, a few missing on purpose.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use entities::org_unit;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sea_orm::{DatabaseTransaction, EntityTrait, QueryOrder, Set};
use std::collections::HashMap;

/// Signed judgment meetings of this year's past months for most villages and townships (a few months
/// missed and a few minutes signed late, so the overview shows gaps and 逾期补签): the unit's roster, one
/// item reporting the month's monitoring.
pub(super) async fn load_meetings(
    tx: &DatabaseTransaction,
    rng: &mut ChaCha8Rng,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let today = app::time::beijing_date(now);
    use app::permissions::Role;
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::Level.is_in(["village", "township"]))
        .order_by_asc(org_unit::Column::Code)
        .all(tx)
        .await?;
    let grants = entities::user_role::Entity::find().all(tx).await?;
    let users: HashMap<i64, String> =
        entities::app_user::Entity::find().all(tx).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let mut count = 0;
    for unit in &units {
        let chair_role = if unit.level == "village" { Role::VillageSecretary } else { Role::TownshipLeader };
        let roster: Vec<(i64, Role)> = grants
            .iter()
            .filter(|g| g.org_unit_id == unit.id)
            .filter_map(|g| Role::parse(&g.role).map(|r| (g.user_id, r)))
            .collect();
        let chair = roster.iter().find(|(_, r)| *r == chair_role).map(|(id, _)| *id);
        let recorder = roster.iter().find(|(_, r)| *r != chair_role).map(|(id, _)| *id).or(chair);
        let Some(creator) = chair else { continue };
        for month in 1..today.month() {
            if !rng.random_bool(0.92) {
                continue;
            }
            let held_on = NaiveDate::from_ymd_opt(today.year(), month, rng.random_range(20..=28)).unwrap_or(today);
            let at = Utc.from_utc_datetime(&held_on.and_hms_opt(2, 0, 0).unwrap_or_default());
            // A few minutes were signed only the month after (逾期补签), as happens.
            let signed_at = if rng.random_bool(0.04) { (at + chrono::Duration::days(12)).min(now) } else { at };
            let attendance = attendance(rng, &roster, &users);
            let meeting = entities::meeting::ActiveModel {
                org_code: Set(unit.code.clone()),
                month: Set(format!("{}-{month:02}", today.year())),
                status: Set("signed".into()),
                held_on: Set(Some(held_on)),
                place: Set(if unit.level == "village" { "村委会会议室" } else { "镇街会议室" }.into()),
                chair_user_id: Set(chair),
                recorder_user_id: Set(recorder),
                attendance: Set(serde_json::to_string(&attendance)?),
                guests: Set(String::new()),
                created_by: Set(creator),
                created_at: Set(at),
                finalised_at: Set(Some(at)),
                signed_at: Set(Some(signed_at)),
                sent_back_reason: Set(String::new()),
                ..Default::default()
            }
            .insert(tx)
            .await?;
            insert_summary_item(tx, meeting.id, at).await?;
            count += 1;
        }
    }
    Ok(count)
}

/// Who came: each of the unit's people, present nine times in ten (otherwise away on visits).
fn attendance(
    rng: &mut ChaCha8Rng,
    roster: &[(i64, app::permissions::Role)],
    users: &HashMap<i64, String>,
) -> Vec<app::meetings::Attendee> {
    roster
        .iter()
        .map(|(id, role)| app::meetings::Attendee {
            user_id: *id,
            name: users.get(id).cloned().unwrap_or_default(),
            role: role.label().into(),
            present: rng.random_bool(0.9),
            reason: String::new(),
        })
        .map(|a| app::meetings::Attendee { reason: if a.present { String::new() } else { "入户走访".into() }, ..a })
        .collect()
}

/// The month's one agenda item: the monitoring report, noted.
async fn insert_summary_item(tx: &DatabaseTransaction, meeting_id: i64, at: DateTime<Utc>) -> anyhow::Result<()> {
    use sea_orm::ActiveModelTrait;
    entities::meeting_item::ActiveModel {
        meeting_id: Set(meeting_id),
        position: Set(1),
        kind: Set("manual".into()),
        case_id: Set(None),
        household_id: Set(None),
        source_item_id: Set(None),
        title: Set("本月动态监测情况通报".into()),
        facts: Set(String::new()),
        dropped: Set(false),
        drop_reason: Set(String::new()),
        analysis: Set("本月监测户、预警户走访到位，未发现新增返贫致贫风险".into()),
        decision: Set("继续按月走访，落实“一户一方案”帮扶措施".into()),
        action: Set("note".into()),
        department: Set(String::new()),
        responsible_person: Set(String::new()),
        deadline: Set(None),
        owner_user_id: Set(None),
        result_case_id: Set(None),
        decided_at: Set(Some(at)),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}
