//! Public reports in the database: the rate limits, finding the household when the name is clear, and
//! the case waiting for the village's verification.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use entities::{household, household_member, org_unit};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use super::rate_limit::RateLimiter;
use super::{Places, Receipt, SelfReportForm, Township};
use crate::audit::RequestMeta;
use crate::audit::service::Actor;
use crate::cases::Source;
use crate::cases::service::opening::{Opening, default_owner, open};
use crate::db::begin_write;
use crate::error::AppError;
use crate::time::beijing_date;

/// Reports per client address per hour, and per phone number per day.
const PER_ADDRESS_PER_HOUR: usize = 5;
const PER_PHONE_PER_DAY: usize = 3;

/// Take a public report: checked, limited, and registered as a case for the village to verify.
pub async fn submit(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    meta: &RequestMeta,
    limiter: &RateLimiter,
    form: &SelfReportForm,
) -> Result<Receipt, AppError> {
    let report = form.parse()?;
    let address = meta.ip.clone().unwrap_or_else(|| "unknown".into());
    if !limiter.allow(&format!("ip:{address}"), now, PER_ADDRESS_PER_HOUR, Duration::hours(1))
        || !limiter.allow(&format!("phone:{}", report.phone), now, PER_PHONE_PER_DAY, Duration::days(1))
    {
        tracing::warn!(ip = %address, "self-report refused by the rate limit");
        return Err(AppError::RateLimited);
    }
    let village = org_unit::Entity::find()
        .filter(org_unit::Column::Code.eq(&report.village))
        .one(db)
        .await?
        .filter(|u| u.level == "village")
        .ok_or_else(|| AppError::validation("village", "请选择所在的村（社区）。"))?;
    // The household, when exactly one in the village has a member of that name.
    let in_village: Vec<household::Model> =
        household::Entity::find().filter(household::Column::OrgCode.starts_with(&village.code)).all(db).await?;
    let ids: Vec<i64> = in_village.iter().map(|h| h.id).collect();
    let named: Vec<i64> = household_member::Entity::find()
        .filter(household_member::Column::Name.eq(&report.name))
        .filter(household_member::Column::HouseholdId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.household_id)
        .collect();
    let household = match named.as_slice() {
        [one] => in_village.iter().find(|h| h.id == *one),
        _ => None,
    };
    let org_code = household.map(|h| h.org_code.clone()).unwrap_or_else(|| village.code.clone());
    let today = beijing_date(now);
    let policy = crate::policy::service::effective(db, &org_code, today.year()).await?;
    let phone_chars = report.phone.chars().count();
    let masked_phone = format!(
        "{}****{}",
        report.phone.chars().take(3).collect::<String>(),
        report.phone.chars().skip(phone_chars.saturating_sub(4)).collect::<String>()
    );
    let actor = Actor::anonymous(&format!("农户主动申报（{} {masked_phone}）", report.name), meta);
    let description = format!(
        "【农户主动申报】{}（{}申报，电话 {}）：{}",
        report.name, report.reporter, report.phone, report.what_happened
    );
    let tx = begin_write(db).await?;
    let owner = default_owner(&tx, &mut HashMap::new(), &village.code).await?.ok_or_else(|| {
        AppError::Conflict(format!(
            "该村暂未设置受理人员，请直接拨打 {} 热线或联系村干部反映。",
            policy.policy.notice_phone
        ))
    })?;
    let calendar = crate::calendar::service::load(&tx).await?;
    let verify_by = calendar.add_working_days(today, policy.policy.initial_review_working_days)?;
    let number = open(
        &tx,
        now,
        &actor,
        Opening {
            household,
            org_code: &org_code,
            source: Source::SelfReport,
            risk_type: report.kind,
            red_alert: false,
            description: &description,
            owner,
            department: "",
            responsible_person: "",
            deadline: verify_by,
            status: crate::cases::Status::PendingVerification,
            notify_owner: true,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Receipt { number, village_name: village.name, verify_by })
}

/// Every township with its villages (names are public), and the county policy's hotline, for the form.
pub async fn places(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Places, AppError> {
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::Level.is_in(["county", "township", "village"]))
        .order_by_asc(org_unit::Column::Code)
        .all(db)
        .await?;
    let hotline = match units.iter().find(|u| u.level == "county") {
        Some(county) => match crate::policy::service::effective(db, &county.code, beijing_date(now).year()).await {
            Ok(view) => Some(view.policy.notice_phone),
            Err(AppError::Conflict(_)) => None,
            Err(e) => return Err(e),
        },
        None => None,
    };
    let townships = units
        .iter()
        .filter(|u| u.level == "township")
        .map(|t| Township {
            name: t.name.clone(),
            villages: units
                .iter()
                .filter(|v| {
                    v.level == "village"
                        && v.code.starts_with(crate::org::prefix_at(&t.code, crate::org::OrgLevel::Township))
                })
                .map(|v| (v.code.clone(), v.name.clone()))
                .collect(),
        })
        .collect();
    Ok(Places { townships, hotline })
}
