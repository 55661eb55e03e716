//! 年度考核与一票否决 for the JSON API: the county's assessment table (and computing and publishing it), one unit's
//! assessment with its facts, the table as .xlsx, the vetoes of a year, proposing one, one veto and its steps.

use super::extract::{Json, Path, Query};
use app::assessment::{AssessmentTable, UnitAssessmentView, VetoForm, VetoStepForm, VetoView, VetoesView};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::supervision::NewId;

/// Which county's assessment, and which township's villages.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct TableQuery {
    /// The county's code; absent: the caller's.
    #[serde(default)]
    county: String,
    /// A township whose villages are listed; absent: none (or the caller's own).
    #[serde(default)]
    township: String,
}

/// The county of a request; absent: the caller's.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct CountyQuery {
    #[serde(default)]
    county: String,
}

/// The county's assessment of a year: the townships ranked, the villages of a township, each component's points.
#[utoipa::path(get, path = "/api/assessments/{year}", tag = "assessment",
    params(("year" = String, Path, description = "考核年度"), TableQuery),
    responses((status = 200, body = AssessmentTable), (status = 422, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn table(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(year): Path<String>,
    Query(q): Query<TableQuery>,
) -> Result<Json<AssessmentTable>, AppError> {
    let view =
        app::assessment::service::table::table(&state.db, state.clock.now(), &ctx, &q.county, &year, &q.township)
            .await?;
    Ok(Json(view))
}

/// Compute (or recompute, until published) the county's assessment of a year (the county office).
#[utoipa::path(post, path = "/api/assessments/{year}/computation", tag = "assessment",
    params(("year" = String, Path, description = "考核年度"), CountyQuery),
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn compute(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(year): Path<String>,
    Query(q): Query<CountyQuery>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::assessment::service::compute::compute(&state.db, state.clock.now(), &ctx, &q.county, &year).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(id))))
}

/// Publish the county's computed assessment of a year: fixed from then on (the county office).
#[utoipa::path(post, path = "/api/assessments/{year}/publication", tag = "assessment",
    params(("year" = String, Path, description = "考核年度"), CountyQuery),
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn publish(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(year): Path<String>,
    Query(q): Query<CountyQuery>,
) -> Result<StatusCode, AppError> {
    app::assessment::service::compute::publish(&state.db, state.clock.now(), &ctx, &q.county, &year).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The table of every township and village as .xlsx.
#[utoipa::path(get, path = "/api/assessments/{year}/table.xlsx", tag = "assessment",
    params(("year" = String, Path, description = "考核年度"), CountyQuery),
    responses((status = 200, description = "Excel 工作簿"), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn table_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(year): Path<String>,
    Query(q): Query<CountyQuery>,
) -> Result<Response, AppError> {
    let file =
        app::assessment::service::table::table_file(&state.db, state.clock.now(), &ctx, &q.county, &year).await?;
    Ok(super::excel::xlsx_response(file))
}

/// One unit's assessment of a year with every component's facts and its vetoes.
#[utoipa::path(get, path = "/api/assessments/{year}/units/{code}", tag = "assessment",
    params(("year" = String, Path, description = "考核年度"), ("code" = String, Path, description = "镇街或村的区划代码")),
    responses((status = 200, body = UnitAssessmentView), (status = 422, body = super::ErrorBody),
    (status = 404, body = super::ErrorBody)))]
pub async fn unit(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path((year, code)): Path<(String, String)>,
) -> Result<Json<UnitAssessmentView>, AppError> {
    Ok(Json(app::assessment::service::table::unit(&state.db, state.clock.now(), &ctx, &code, &year).await?))
}

/// The vetoes of a year the caller sees.
#[utoipa::path(get, path = "/api/assessments/{year}/vetoes", tag = "assessment",
    params(("year" = String, Path, description = "考核年度")),
    responses((status = 200, body = VetoesView), (status = 422, body = super::ErrorBody)))]
pub async fn vetoes(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(year): Path<String>,
) -> Result<Json<VetoesView>, AppError> {
    Ok(Json(app::assessment::service::vetoes::list(&state.db, state.clock.now(), &ctx, &year).await?))
}

/// Propose a one-vote veto on a ground the policy lists, based on decided accountability records (the discipline
/// team over the unit). Without a basis it is refused.
#[utoipa::path(post, path = "/api/vetoes", tag = "assessment", request_body = VetoForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn propose(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<VetoForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::assessment::service::vetoes::propose(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(id))))
}

/// One veto with its basis, effect and steps.
#[utoipa::path(get, path = "/api/vetoes/{id}", tag = "assessment",
    params(("id" = i64, Path, description = "一票否决编号")),
    responses((status = 200, body = VetoView), (status = 404, body = super::ErrorBody)))]
pub async fn get_veto(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<VetoView>, AppError> {
    Ok(Json(app::assessment::service::vetoes::get(&state.db, &ctx, id).await?))
}

/// Take a step on a veto: `uphold`, `dismiss`, `revoke` (the county's discipline team), `approve`, `reject` (the
/// county office).
#[utoipa::path(post, path = "/api/vetoes/{id}/steps", tag = "assessment",
    params(("id" = i64, Path, description = "一票否决编号")), request_body = VetoStepForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn veto_step(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<VetoStepForm>,
) -> Result<StatusCode, AppError> {
    app::assessment::service::vetoes::step(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}
