//! Visits for the JSON API: recording one, reading one, "my visits", coverage and the sweep.

use super::extract::{Json, Path, Query};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use app::visits::{CoverageView, MyVisits, SweepView, VisitForm, VisitView};
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// A recorded visit's id.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Recorded {
    id: i64,
}

/// Record a visit: the checklist becomes the household's assessments, ticked figures its income
/// record, each problem marked for it a case.
#[utoipa::path(post, path = "/api/visits", tag = "visits", request_body = VisitForm,
    responses((status = 201, body = Recorded), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<VisitForm>,
) -> Result<(StatusCode, Json<Recorded>), AppError> {
    let id = app::visits::service::record::record(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(Recorded { id })))
}

/// One visit with its addenda.
#[utoipa::path(get, path = "/api/visits/{id}", tag = "visits", params(("id" = i64, Path, description = "走访记录编号")),
    responses((status = 200, body = VisitView), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<VisitView>, AppError> {
    Ok(Json(app::visits::service::record::get(&state.db, state.clock.now(), &ctx, id).await?))
}

/// The caller's overdue, due and done visits, in route order.
#[utoipa::path(get, path = "/api/visits/mine", tag = "visits",
    responses((status = 200, body = MyVisits), (status = 401, body = super::ErrorBody)))]
pub async fn mine(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Json<MyVisits>, AppError> {
    Ok(Json(app::visits::service::due::my_visits(&state.db, state.clock.now(), &ctx).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// A unit's code (the caller's first unit when absent).
    #[serde(default)]
    unit: String,
    /// `YYYY-MM` (this month when absent).
    #[serde(default)]
    month: String,
    /// A year (this year when absent).
    #[serde(default)]
    year: String,
}

/// Visit coverage of a unit for the periods containing a month.
#[utoipa::path(get, path = "/api/visits/coverage", tag = "visits", params(UnitQuery),
    responses((status = 200, body = CoverageView), (status = 404, body = super::ErrorBody)))]
pub async fn coverage(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<UnitQuery>,
) -> Result<Json<CoverageView>, AppError> {
    Ok(Json(app::visits::service::coverage::coverage(&state.db, state.clock.now(), &ctx, &q.unit, &q.month).await?))
}

/// A year's sweep of a unit and the monitoring and warning ledgers it built.
#[utoipa::path(get, path = "/api/visits/sweep", tag = "visits", params(UnitQuery),
    responses((status = 200, body = SweepView), (status = 404, body = super::ErrorBody)))]
pub async fn sweep(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<UnitQuery>,
) -> Result<Json<SweepView>, AppError> {
    Ok(Json(app::visits::service::sweep::sweep(&state.db, state.clock.now(), &ctx, &q.unit, &q.year).await?))
}

/// The ledgers a year's sweep of a unit built, as .xlsx (audited).
#[utoipa::path(get, path = "/api/visits/sweep/ledgers.xlsx", tag = "visits", params(UnitQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, body = super::ErrorBody)))]
pub async fn sweep_ledgers_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<UnitQuery>,
) -> Result<axum::response::Response, AppError> {
    let file =
        app::visits::service::sweep::sweep_ledgers_file(&state.db, state.clock.now(), &ctx, &q.unit, &q.year).await?;
    Ok(super::excel::xlsx_response(file))
}
