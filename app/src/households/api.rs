//! Server functions for households: reading, the register, finances and assessments.

use leptos::prelude::*;

use super::{
    AssessmentForm, CadreOptions, DibaoForm, HouseholdFilter, HouseholdForm, HouseholdPage, IncomeForm, MemberForm,
    WarningKindsForm,
};
use crate::error::AppError;

/// A page of households in scope, narrowed by the filter (an empty filter sends no fields at all,
/// hence its default).
#[server(prefix = "/rpc")]
pub async fn list_households(#[server(default)] filter: HouseholdFilter, page: u64) -> Result<HouseholdPage, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::reading::list(&state.db, &ctx, &filter, page, 50).await
}

/// Record a household's income and expenditure for a year.
#[server(prefix = "/rpc")]
pub async fn save_income(code: String, form: IncomeForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::save_income(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Record an assessment of one 两不愁三保障 item.
#[server(prefix = "/rpc")]
pub async fn assess(code: String, form: AssessmentForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::assess(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// The full resident ID number of a member (audited).
#[server(prefix = "/rpc")]
pub async fn reveal_resident_id(member_id: i64) -> Result<String, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::records::reveal_resident_id(&state.db, state.clock.now(), &ctx, member_id).await
}

/// Register a new household with its head; returns the new household code.
#[server(prefix = "/rpc")]
pub async fn create_household(household: HouseholdForm, head: MemberForm) -> Result<String, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::register::create(&state.db, state.clock.now(), &ctx, &household, &head).await
}

/// Change a household's register fields, contact and 挂钩干部.
#[server(prefix = "/rpc")]
pub async fn update_household(code: String, form: HouseholdForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::register::update(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Add a member (no `member_id`) or change one.
#[server(prefix = "/rpc")]
pub async fn save_member(code: String, member_id: Option<i64>, form: MemberForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::register::save_member(&state.db, state.clock.now(), &ctx, &code, member_id, &form).await
}

/// Record 低保 and its taper.
#[server(prefix = "/rpc")]
pub async fn set_dibao(code: String, form: DibaoForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::register::set_dibao(&state.db, state.clock.now(), &ctx, &code, &form).await
}

/// Who may be assigned as the household's contact or 挂钩干部.
#[server(prefix = "/rpc")]
pub async fn assignable_cadres(code: String) -> Result<CadreOptions, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::register::cadre_options(&state.db, state.clock.now(), &ctx, &code).await
}

/// Record the household's warning-household sub-types [Y] (the ticked checkboxes; none ticked clears them).
#[server(prefix = "/rpc")]
pub async fn set_warning_kinds(code: String, #[server(default)] form: WarningKindsForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::warning::set_warning_kinds(&state.db, state.clock.now(), &ctx, &code, &form).await
}
