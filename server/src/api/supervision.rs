//! 专项督查 for the JSON API: rounds, findings, hand-over, re-check, carry-over, the work paper, 举一反三 and 回头看.

use super::extract::{Json, Path};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use app::supervision::{
    FindingForm, FollowUpDrawForm, HandOverForm, RecheckForm, RoundForm, RoundSummary, RoundView, SimilarProblems,
    Workpaper,
};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

/// The id of what was just made.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct NewId {
    id: i64,
}

impl From<i64> for NewId {
    fn from(id: i64) -> NewId {
        NewId { id }
    }
}

/// A step of a round.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RoundStep {
    /// `start`, `rectify` or `complete`.
    step: String,
}

/// What a follow-up check found for a drawn finding whose rectification holds.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct FollowUpConfirmation {
    /// The drawn finding of an earlier round.
    finding_id: i64,
    note: String,
}

/// How many findings a follow-up draw took.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Drawn {
    drawn: usize,
}

/// Why an open finding is carried over.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CarryOverReason {
    reason: String,
}

/// The rounds the caller sees, newest first.
#[utoipa::path(get, path = "/api/supervision/rounds", tag = "supervision",
    responses((status = 200, body = Vec<RoundSummary>), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Json<Vec<RoundSummary>>, AppError> {
    Ok(Json(app::supervision::service::rounds::list(&state.db, state.clock.now(), &ctx).await?))
}

/// Plan a round (the discipline team or the county office of the team's unit).
#[utoipa::path(post, path = "/api/supervision/rounds", tag = "supervision", request_body = RoundForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<RoundForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::supervision::service::rounds::create(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId { id })))
}

/// One round with its units, members, checklist and the findings the caller sees.
#[utoipa::path(get, path = "/api/supervision/rounds/{id}", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号")),
    responses((status = 200, body = RoundView), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<RoundView>, AppError> {
    Ok(Json(app::supervision::service::rounds::get(&state.db, state.clock.now(), &ctx, id).await?))
}

/// Move a round on: `start`, `rectify`, `complete` (only with every finding closed or carried over).
#[utoipa::path(post, path = "/api/supervision/rounds/{id}/steps", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号")), request_body = RoundStep,
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(body): Json<RoundStep>,
) -> Result<StatusCode, AppError> {
    app::supervision::service::rounds::step(&state.db, state.clock.now(), &ctx, id, &body.step).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record a finding (a member of the round, while it is under way).
#[utoipa::path(post, path = "/api/supervision/rounds/{id}/findings", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号")), request_body = FindingForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<FindingForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::supervision::service::findings::record(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId { id })))
}

/// Hand a finding over for rectification; answers the rectification case's id.
#[utoipa::path(post, path = "/api/supervision/findings/{id}/hand-over", tag = "supervision",
    params(("id" = i64, Path, description = "问题编号")), request_body = HandOverForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn hand_over(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<HandOverForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let case = app::supervision::service::findings::hand_over(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId { id: case })))
}

/// Re-check a submitted rectification: `pass` closes it, `fail` returns it with the reason.
#[utoipa::path(post, path = "/api/supervision/findings/{id}/recheck", tag = "supervision",
    params(("id" = i64, Path, description = "问题编号")), request_body = RecheckForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn recheck(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<RecheckForm>,
) -> Result<StatusCode, AppError> {
    app::supervision::service::findings::recheck(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Carry an open finding over to a later round with the reason.
#[utoipa::path(post, path = "/api/supervision/findings/{id}/carry-over", tag = "supervision",
    params(("id" = i64, Path, description = "问题编号")), request_body = CarryOverReason,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn carry_over(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(body): Json<CarryOverReason>,
) -> Result<StatusCode, AppError> {
    app::supervision::service::findings::carry_over(&state.db, state.clock.now(), &ctx, id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The work paper (督查底稿) of a covered unit.
#[utoipa::path(get, path = "/api/supervision/rounds/{id}/units/{code}/workpaper", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号"), ("code" = String, Path, description = "单位代码")),
    responses((status = 200, body = Workpaper), (status = 404, body = super::ErrorBody)))]
pub async fn workpaper(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Json<Workpaper>, AppError> {
    Ok(Json(app::supervision::service::workpaper::workpaper(&state.db, state.clock.now(), &ctx, id, &code).await?))
}

/// The round's summary per covered unit as .xlsx.
#[utoipa::path(get, path = "/api/supervision/rounds/{id}/summary.xlsx", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, body = super::ErrorBody)))]
pub async fn summary_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, AppError> {
    let file = app::supervision::service::sheets::summary_file(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(super::excel::xlsx_response(file))
}

/// 举一反三: the item of a finding in the other units of the team's area, with what the record holds there.
#[utoipa::path(get, path = "/api/supervision/findings/{id}/similar", tag = "supervision",
    params(("id" = i64, Path, description = "问题编号")),
    responses((status = 200, body = SimilarProblems), (status = 404, body = super::ErrorBody)))]
pub async fn similar(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<SimilarProblems>, AppError> {
    Ok(Json(app::supervision::service::similar::similar(&state.db, state.clock.now(), &ctx, id).await?))
}

/// Draw the round's follow-up sample (回头看) of earlier rounds' closed findings, once, with the seed read out.
#[utoipa::path(post, path = "/api/supervision/rounds/{id}/followup", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号")), request_body = FollowUpDrawForm,
    responses((status = 201, body = Drawn), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn draw_followup(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<FollowUpDrawForm>,
) -> Result<(StatusCode, Json<Drawn>), AppError> {
    let drawn = app::supervision::service::followup::draw(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok((StatusCode::CREATED, Json(Drawn { drawn })))
}

/// Record that a drawn finding's rectification holds (a problem back is recorded as a finding with
/// `followup_of_finding_id`).
#[utoipa::path(post, path = "/api/supervision/rounds/{id}/followup/confirmations", tag = "supervision",
    params(("id" = i64, Path, description = "督查编号")), request_body = FollowUpConfirmation,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn confirm_followup(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(body): Json<FollowUpConfirmation>,
) -> Result<StatusCode, AppError> {
    let now = state.clock.now();
    app::supervision::service::followup::confirm(&state.db, now, &ctx, id, body.finding_id, &body.note).await?;
    Ok(StatusCode::NO_CONTENT)
}
