//! 交叉检查 for the JSON API: the year's checks, planning, teams, conflicts, pairing, the draw and its check.

use super::extract::{Json, Path};
use app::crosscheck::{CheckSummary, CheckView, ConflictForm, PlanForm, ReplaceForm, TeamForm, Verification};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::supervision::NewId;

/// The seed read out at the draw.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DrawRequest {
    seed: String,
}

/// The checks the caller sees, newest first.
#[utoipa::path(get, path = "/api/cross-checks", tag = "cross-checks",
    responses((status = 200, body = Vec<CheckSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Json<Vec<CheckSummary>>, AppError> {
    Ok(Json(app::crosscheck::service::plan::list(&state.db, &ctx).await?))
}

/// Plan the year's check of a county (the county office).
#[utoipa::path(post, path = "/api/cross-checks", tag = "cross-checks", request_body = PlanForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<PlanForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::crosscheck::service::plan::create(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(id))))
}

/// One check: teams, conflicts, the pairing (proposed or in force) and the draw.
#[utoipa::path(get, path = "/api/cross-checks/{id}", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")),
    responses((status = 200, body = CheckView), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<CheckView>, AppError> {
    Ok(Json(app::crosscheck::service::plan::get(&state.db, state.clock.now(), &ctx, id).await?))
}

/// Form a team.
#[utoipa::path(post, path = "/api/cross-checks/{id}/teams", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")), request_body = TeamForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn add_team(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<TeamForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let team = app::crosscheck::service::teams::add_team(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(team))))
}

/// Declare a member's conflict of interest with a township or village.
#[utoipa::path(post, path = "/api/cross-checks/{id}/conflicts", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")), request_body = ConflictForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn declare_conflict(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<ConflictForm>,
) -> Result<StatusCode, AppError> {
    app::crosscheck::service::teams::declare_conflict(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirm the pairing the avoidance rules propose.
#[utoipa::path(post, path = "/api/cross-checks/{id}/pairing", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")),
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn confirm_pairing(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    app::crosscheck::service::teams::confirm(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Draw the sample with the seed read out at the draw (once).
#[utoipa::path(post, path = "/api/cross-checks/{id}/draw", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")), request_body = DrawRequest,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn draw(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(body): Json<DrawRequest>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let draw = app::crosscheck::service::draw::draw(&state.db, state.clock.now(), &ctx, id, &body.seed).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(draw))))
}

/// Recompute the check's draw from its stored frame and seed and compare.
#[utoipa::path(get, path = "/api/cross-checks/{id}/verification", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")),
    responses((status = 200, body = Verification), (status = 409, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn verify(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<Verification>, AppError> {
    Ok(Json(app::crosscheck::service::draw::verify_for(&state.db, &ctx, id).await?))
}

/// The household taken from the reserve.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Replacement {
    household: String,
}

/// Replace a drawn household by the next of its reserve, with the coded reason (the team leader, in the window).
#[utoipa::path(post, path = "/api/cross-checks/{id}/replacements", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")), request_body = ReplaceForm,
    responses((status = 201, body = Replacement), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn replace(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<ReplaceForm>,
) -> Result<(StatusCode, Json<Replacement>), AppError> {
    let household = app::crosscheck::service::access::replace(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok((StatusCode::CREATED, Json(Replacement { household })))
}

/// The frame and the draw as .xlsx (the county office): every village and household of the frame with its
/// stratum and result, the seed, algorithm and the frame's SHA-256.
#[utoipa::path(get, path = "/api/cross-checks/{id}/draw.xlsx", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn draw_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, AppError> {
    let file = app::crosscheck::service::results::draw_file(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(super::excel::xlsx_response(file))
}
