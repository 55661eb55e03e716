//! Recording a household's warning-household sub-types (防贫预警户类型) [Y]: "享受低保或特困有合规大额支出户、
//! 大病重病大额医疗支出户、有安全隐患住房间歇性居住户…等", as the policy lists them.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, IntoActiveModel, Set};
use serde_json::json;

use super::WarningKindsForm;
use super::forms::stored_warning_kinds;
use super::service::in_scope;
use crate::audit::service::{self as audit, Actor, Entry};
use crate::authz::Action;
use crate::db::begin_write;
use crate::error::AppError;
use crate::request::RequestContext;
use crate::time::beijing_date;

/// The ticked kinds checked against the policy's list, in the policy's order.
fn checked(form: &WarningKindsForm, listed: &[String]) -> Result<Vec<String>, AppError> {
    let ticked: Vec<&str> = form.kinds.iter().map(|k| k.trim()).filter(|k| !k.is_empty()).collect();
    if let Some(unknown) = ticked.iter().find(|k| !listed.iter().any(|l| l == *k)) {
        let offered =
            if listed.is_empty() { "本年度政策未列出预警户类型".to_string() } else { listed.join("、") };
        return Err(AppError::validation("kinds", format!("“{unknown}”不是政策列出的防贫预警户类型（{offered}）。")));
    }
    Ok(listed.iter().filter(|l| ticked.contains(&l.as_str())).cloned().collect())
}

/// Record which of the policy's warning-household sub-types apply to the household (none: clear them).
pub async fn set_warning_kinds(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    ctx: &RequestContext,
    code: &str,
    form: &WarningKindsForm,
) -> Result<(), AppError> {
    let household = in_scope(db, now, ctx, code, Action::EditHousehold).await?;
    let policy = crate::policy::service::effective(db, &household.org_code, beijing_date(now).year()).await?.policy;
    let kinds = checked(form, &policy.warning_kinds)?;
    let stored = if kinds.is_empty() { String::new() } else { format!(",{},", kinds.join(",")) };
    let actor = Actor::user(ctx.caller()?, &ctx.meta);
    let tx = begin_write(db).await?;
    let before = stored_warning_kinds(&household.warning_kinds);
    let mut active = household.clone().into_active_model();
    active.warning_kinds = Set(stored);
    active.updated_at = Set(now);
    active.update(&tx).await?;
    audit::append(
        &tx,
        &actor,
        now,
        Entry {
            action: "household.warning_kinds_set",
            entity_type: "household",
            entity_id: household.code.clone(),
            org_code: Some(household.org_code.clone()),
            changes: json!({ "before": { "warning_kinds": before }, "after": { "warning_kinds": kinds } }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_policys_kinds_are_recorded_in_its_order_y() {
        let listed = ["大病重病大额医疗支出户".to_string(), "外出无法联系风险户".to_string()];
        let form = |kinds: &[&str]| WarningKindsForm { kinds: kinds.iter().map(|k| k.to_string()).collect() };
        assert_eq!(checked(&form(&["外出无法联系风险户", " 大病重病大额医疗支出户"]), &listed).unwrap(), listed);
        let refused = checked(&form(&["留守老人户"]), &listed).unwrap_err().to_string();
        assert!(refused.contains("“留守老人户”不是政策列出的防贫预警户类型"), "{refused}");
        assert!(checked(&form(&[]), &listed).unwrap().is_empty());
        assert!(checked(&form(&["大病"]), &[]).unwrap_err().to_string().contains("本年度政策未列出预警户类型"));
    }
}
