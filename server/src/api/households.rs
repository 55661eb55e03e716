//! Households for the JSON API.

use super::extract::{AtMost, Json, Path, Query};
use app::error::AppError;
use app::household_file::HouseholdFile;
use app::households::{AssessmentForm, DibaoForm, HouseholdForm, HouseholdPage, IncomeForm, MemberForm};
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Narrow to the subtree of this area code.
    within: Option<String>,
    /// A household code (or its beginning), a resident ID number, pinyin initials or part of a member's name.
    q: Option<String>,
    /// A monitoring class.
    class: Option<String>,
    /// `true`: only households whose latest evaluation raised a red alert.
    red_alert: Option<bool>,
    /// `true`: only candidates for identification not yet in a procedure or monitored (待研判纳入).
    candidate: Option<bool>,
    /// Only households with a member of this special group: `serious_illness`, `chronic_illness`,
    /// `severe_disability`, `disabled_elder`, `orphan` or `left_behind_child` [F].
    special_group: Option<String>,
    /// A monitoring status: `none`, `identifying`, `monitored`, `eliminating` or `eliminated`.
    status: Option<String>,
    /// Page number from 0.
    #[param(value_type = Option<u64>, maximum = 1000000)]
    page: Option<AtMost<1_000_000>>,
    /// Rows per page, at most 200 (default 50).
    #[param(value_type = Option<u64>, maximum = 200)]
    per_page: Option<AtMost<200>>,
}

/// A page of the households in the caller's scope.
#[utoipa::path(get, path = "/api/households", tag = "households", params(ListQuery),
    responses((status = 200, body = HouseholdPage), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(query): Query<ListQuery>,
) -> Result<Json<HouseholdPage>, AppError> {
    let filter = app::households::HouseholdFilter {
        within: query.within,
        q: query.q,
        class: query.class,
        red_alert: query.red_alert,
        candidate: query.candidate,
        special_group: query.special_group,
        status: query.status,
    };
    let page = app::households::service::reading::list(
        &state.db,
        &ctx,
        &filter,
        query.page.map_or(0, |p| p.0),
        query.per_page.map_or(50, |p| p.0),
    )
    .await?;
    Ok(Json(page))
}

/// One household's file: its members (ID numbers masked), verdict, procedures, open cases and plan.
#[utoipa::path(get, path = "/api/households/{code}", tag = "households",
    params(("code" = String, Path, description = "户编号")),
    responses((status = 200, body = HouseholdFile), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
) -> Result<Json<HouseholdFile>, AppError> {
    ctx.caller()?;
    Ok(Json(app::household_file::service::get(&state.db, state.clock.now(), &ctx, &code).await?))
}

/// Record a household's income and expenditure for a year (amounts in yuan, as text; replaces that year's record).
#[utoipa::path(post, path = "/api/households/{code}/incomes", tag = "households",
    params(("code" = String, Path, description = "户编号")), request_body = IncomeForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn save_income(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<IncomeForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::service::records::save_income(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record an assessment of one 两不愁三保障 item (earlier assessments stay as history).
#[utoipa::path(post, path = "/api/households/{code}/assessments", tag = "households",
    params(("code" = String, Path, description = "户编号")), request_body = AssessmentForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn assess(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<AssessmentForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::service::records::assess(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start an identification (识别纳入) for a household with its signed commitment.
#[utoipa::path(post, path = "/api/households/{code}/identification", tag = "identification",
    params(("code" = String, Path, description = "户编号")), request_body = app::workflow::procedure::ApplyForm,
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn apply_identification(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<app::workflow::procedure::ApplyForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::workflow::service::apply(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Take the next step of a household's identification (the caller's role must be entitled to it).
#[utoipa::path(post, path = "/api/households/{code}/identification/steps", tag = "identification",
    params(("code" = String, Path, description = "户编号")), request_body = app::workflow::procedure::StepForm,
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn identification_step(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<app::workflow::procedure::StepForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::workflow::service::step(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new household with its head, as the API takes it.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewHousehold {
    household: HouseholdForm,
    head: MemberForm,
}

/// The code of a newly registered household.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    code: String,
}

/// Register a household with its head (户主); the code is assigned in the village's order.
#[utoipa::path(post, path = "/api/households", tag = "households", request_body = NewHousehold,
    responses((status = 201, body = Created), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(body): Json<NewHousehold>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    ctx.caller()?;
    let code =
        app::households::register::create(&state.db, state.clock.now(), &ctx, &body.household, &body.head).await?;
    Ok((StatusCode::CREATED, Json(Created { code })))
}

/// Change a household's register fields, its monitoring contact and 挂钩干部.
#[utoipa::path(put, path = "/api/households/{code}", tag = "households",
    params(("code" = String, Path, description = "户编号")), request_body = HouseholdForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<HouseholdForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::register::update(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add a member (sex and birth date come from the ID number).
#[utoipa::path(post, path = "/api/households/{code}/members", tag = "households",
    params(("code" = String, Path, description = "户编号")), request_body = MemberForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<MemberForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::register::save_member(&state.db, state.clock.now(), &ctx, &code, None, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change a member; a blank ID number keeps the recorded one.
#[utoipa::path(put, path = "/api/households/{code}/members/{member_id}", tag = "households",
    params(("code" = String, Path, description = "户编号"), ("member_id" = i64, Path, description = "成员编号")),
    request_body = MemberForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn update_member(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path((code, member_id)): Path<(String, i64)>,
    Json(form): Json<MemberForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::register::save_member(&state.db, state.clock.now(), &ctx, &code, Some(member_id), &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record 低保: receiving, none, or the taper after income passed the 低保 line.
#[utoipa::path(put, path = "/api/households/{code}/dibao", tag = "households",
    params(("code" = String, Path, description = "户编号")), request_body = DibaoForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn set_dibao(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<DibaoForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::register::set_dibao(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record the household's warning-household sub-types from the policy's list [Y]; an empty list clears them.
#[utoipa::path(put, path = "/api/households/{code}/warning-kinds", tag = "households",
    params(("code" = String, Path, description = "户编号")), request_body = app::households::WarningKindsForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn set_warning_kinds(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<app::households::WarningKindsForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::households::warning::set_warning_kinds(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Put the household's planned measures up for democratic appraisal and public notice (落实帮扶措施) where the
/// policy asks it [F] 8; its steps go through …/identification/steps.
#[utoipa::path(post, path = "/api/households/{code}/measures-appraisal", tag = "identification",
    params(("code" = String, Path, description = "户编号")),
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn propose_measures(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::workflow::service::propose_measures(&state.db, state.clock.now(), &ctx, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Propose risk elimination (风险消除) for a monitored household; its steps go through …/identification/steps.
#[utoipa::path(post, path = "/api/households/{code}/elimination", tag = "identification",
    params(("code" = String, Path, description = "户编号")), request_body = app::workflow::procedure::EliminationForm,
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn propose_elimination(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
    Json(form): Json<app::workflow::procedure::EliminationForm>,
) -> Result<StatusCode, AppError> {
    ctx.caller()?;
    app::workflow::service::propose_elimination(&state.db, state.clock.now(), &ctx, &code, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}
