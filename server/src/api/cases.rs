//! Cases for the JSON API.

use super::extract::{AtMost, Json, Path, Query};
use app::cases::lifecycle::ActionForm;
use app::cases::{CaseDetail, CaseFilter, CasePageView, NewCaseForm, ReassignForm};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `mine`, `overdue`, `due_week`, `red` or `all`.
    view: Option<String>,
    status: Option<String>,
    source: Option<String>,
    risk_type: Option<String>,
    /// A household code.
    household: Option<String>,
    /// A unit's code: that unit and the units below it.
    within: Option<String>,
    /// Page number from 0 (50 per page).
    #[param(value_type = Option<u64>, maximum = 1000000)]
    page: Option<AtMost<1_000_000>>,
}

impl ListQuery {
    fn filter(&self) -> CaseFilter {
        CaseFilter {
            view: self.view.clone(),
            status: self.status.clone(),
            source: self.source.clone(),
            risk_type: self.risk_type.clone(),
            household: self.household.clone(),
            within: self.within.clone(),
        }
    }
}

/// A new case's id, or how many cases moved.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Count {
    value: i64,
}

/// Cases in the caller's scope, nearest deadline first.
#[utoipa::path(get, path = "/api/cases", tag = "cases", params(ListQuery),
    responses((status = 200, body = CasePageView), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<ListQuery>,
) -> Result<Json<CasePageView>, AppError> {
    let filter = q.filter();
    Ok(Json(
        app::cases::service::reading::list(&state.db, state.clock.now(), &ctx, &filter, q.page.map_or(0, |p| p.0))
            .await?,
    ))
}

/// One case with its history and the steps open to the caller.
#[utoipa::path(get, path = "/api/cases/{id}", tag = "cases", params(("id" = i64, Path, description = "案件编号")),
    responses((status = 200, body = CaseDetail), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<CaseDetail>, AppError> {
    Ok(Json(app::cases::service::reading::get(&state.db, state.clock.now(), &ctx, id).await?))
}

/// Register a case for a household (deadline from the policy unless given).
#[utoipa::path(post, path = "/api/cases", tag = "cases", request_body = NewCaseForm,
    responses((status = 201, body = Count), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<NewCaseForm>,
) -> Result<(StatusCode, Json<Count>), AppError> {
    let id = app::cases::service::opening::create(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(Count { value: id })))
}

/// Take a step on a case (the caller's role must be entitled to it).
#[utoipa::path(post, path = "/api/cases/{id}/steps", tag = "cases", params(("id" = i64, Path, description = "案件编号")),
    request_body = ActionForm,
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<ActionForm>,
) -> Result<StatusCode, AppError> {
    app::cases::service::steps::act(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Hand one case, or every open case of one owner in the caller's units, to another owner.
#[utoipa::path(post, path = "/api/cases/reassign", tag = "cases", request_body = ReassignForm,
    responses((status = 200, body = Count), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn reassign(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<ReassignForm>,
) -> Result<Json<Count>, AppError> {
    let moved = app::cases::service::steps::reassign(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok(Json(Count { value: moved as i64 }))
}

/// The cases of a list (all pages) as .xlsx, with the same filters; audited.
#[utoipa::path(get, path = "/api/cases/export.xlsx", tag = "cases", params(ListQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))]
pub async fn export(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<ListQuery>,
) -> Result<axum::response::Response, AppError> {
    let filter = q.filter();
    let file = app::cases::service::export::export(&state.db, state.clock.now(), &ctx, &filter).await?;
    Ok(super::excel::xlsx_response(file))
}

/// Add an assistance measure to a case, or change one (`measure_id`).
#[utoipa::path(post, path = "/api/cases/{id}/measures", tag = "cases", params(("id" = i64, Path, description = "案件编号")),
    request_body = app::cases::measures::MeasureForm,
    responses((status = 204), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub async fn save_measure(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<app::cases::measures::MeasureForm>,
) -> Result<StatusCode, AppError> {
    app::cases::service::plan::save_measure(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}
