//! 问责 for the JSON API: the candidates of an area and period, dismissing one, opening a record from one, the
//! records, one record and its steps.

use super::extract::{Json, Path, Query};
use app::accountability::{CandidatesView, DismissForm, OpenForm, RecordSummary, RecordView, StepForm};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use super::supervision::NewId;

/// The area and period of the candidates.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct Period {
    /// A county or township the caller's discipline team covers; absent: the first.
    #[serde(default)]
    area: String,
    /// `YYYY-MM`; absent: the first month of this half-year.
    #[serde(default)]
    from: String,
    /// `YYYY-MM`; absent: this month.
    #[serde(default)]
    to: String,
}

/// The candidates for accountability from the record, each fact linked and each problem's exemption explained
/// (the discipline team).
#[utoipa::path(get, path = "/api/accountability/candidates", tag = "accountability", params(Period),
    responses((status = 200, body = CandidatesView), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
    (status = 404, body = super::ErrorBody)))]
pub async fn candidates(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(p): Query<Period>,
) -> Result<Json<CandidatesView>, AppError> {
    let view = app::accountability::service::candidates::candidates(
        &state.db,
        state.clock.now(),
        &ctx,
        &p.area,
        &p.from,
        &p.to,
    )
    .await?;
    Ok(Json(view))
}

/// Dismiss a candidate with the reason.
#[utoipa::path(post, path = "/api/accountability/dismissals", tag = "accountability", request_body = DismissForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn dismiss(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<DismissForm>,
) -> Result<StatusCode, AppError> {
    app::accountability::service::records::dismiss(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Open a record from a candidate: its counted facts are the basis.
#[utoipa::path(post, path = "/api/accountability/records", tag = "accountability", request_body = OpenForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<OpenForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::accountability::service::records::open(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(id))))
}

/// The unit whose people are asked for.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct SubjectsQuery {
    /// A village or township code.
    #[serde(default)]
    unit: String,
}

/// The people of a unit who may be named a record's subject (`subject_user_id`), for the discipline team over it.
#[utoipa::path(get, path = "/api/accountability/subjects", tag = "accountability", params(SubjectsQuery),
    responses((status = 200, body = Vec<app::households::CadreOption>), (status = 422, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn subjects(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<SubjectsQuery>,
) -> Result<Json<Vec<app::households::CadreOption>>, AppError> {
    Ok(Json(app::accountability::service::records::subjects(&state.db, &ctx, &q.unit).await?))
}

/// Which records: all, those still in progress, or the decisions.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct RecordsQuery {
    /// Absent: all; `open`: not yet decided; `decided`: decided or revoked.
    #[serde(default)]
    status: String,
}

/// The records the caller sees, newest first.
#[utoipa::path(get, path = "/api/accountability/records", tag = "accountability", params(RecordsQuery),
    responses((status = 200, body = Vec<RecordSummary>), (status = 422, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<RecordsQuery>,
) -> Result<Json<Vec<RecordSummary>>, AppError> {
    Ok(Json(app::accountability::service::records::list(&state.db, &ctx, &q.status).await?))
}

/// One record with its basis and steps.
#[utoipa::path(get, path = "/api/accountability/records/{id}", tag = "accountability",
    params(("id" = i64, Path, description = "问责记录编号")),
    responses((status = 200, body = RecordView), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<RecordView>, AppError> {
    Ok(Json(app::accountability::service::records::get(&state.db, state.clock.now(), &ctx, id).await?))
}

/// Take a step on a record: `state` (the subject), `review` (the discipline team), `decide`, `correct`, `revoke`
/// (the county's discipline team), `approve`, `reject` (the county office).
#[utoipa::path(post, path = "/api/accountability/records/{id}/steps", tag = "accountability",
    params(("id" = i64, Path, description = "问责记录编号")), request_body = StepForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<StepForm>,
) -> Result<StatusCode, AppError> {
    app::accountability::service::records::step(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}
