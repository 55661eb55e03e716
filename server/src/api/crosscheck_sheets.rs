//! 交叉检查 for the JSON API, continued: the check sheets, the problems they found and their handing over by the
//! township, the townships' self-assessments and scores, and the county's report.

use super::extract::{Json, Path};
use app::crosscheck::sheet::SheetForm;
use app::crosscheck::{HandOverForm, ScoresView, SelfScoreForm, SheetPage, TownshipFindings};
use app::error::AppError;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::supervision::NewId;

/// A drawn household's or village's sheet: the saved one (`Saved`), or for the team in the window the one to fill,
/// pre-filled from the register (`Start`).
#[utoipa::path(get, path = "/api/cross-checks/units/{unit}/sheet", tag = "cross-checks",
    params(("unit" = i64, Path, description = "抽中户或村在抽样中的编号")),
    responses((status = 200, body = SheetPage), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn sheet(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(unit): Path<i64>,
) -> Result<Json<SheetPage>, AppError> {
    Ok(Json(app::crosscheck::service::sheets::page(&state.db, state.clock.now(), &ctx, unit).await?))
}

/// Save a check sheet, once (the team that checks the township, in the window).
#[utoipa::path(post, path = "/api/cross-checks/sheets", tag = "cross-checks", request_body = SheetForm,
    responses((status = 201, body = NewId), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Json(form): Json<SheetForm>,
) -> Result<(StatusCode, Json<NewId>), AppError> {
    let id = app::crosscheck::service::sheets::save(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(NewId::from(id))))
}

/// A note added to a saved sheet.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AddendumRequest {
    text: String,
}

/// Add a note to a saved sheet (the sheet itself never changes).
#[utoipa::path(post, path = "/api/cross-checks/sheets/{id}/addenda", tag = "cross-checks",
    params(("id" = i64, Path, description = "核查表编号")), request_body = AddendumRequest,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
    (status = 404, body = super::ErrorBody)))]
pub async fn amend(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(body): Json<AddendumRequest>,
) -> Result<StatusCode, AppError> {
    app::crosscheck::service::sheets::amend(&state.db, state.clock.now(), &ctx, id, &body.text).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A checked township's problems, with whether each is handed over.
#[utoipa::path(get, path = "/api/cross-checks/{id}/townships/{code}/findings", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号"), ("code" = String, Path, description = "镇街代码")),
    responses((status = 200, body = TownshipFindings), (status = 404, body = super::ErrorBody)))]
pub async fn findings(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Json<TownshipFindings>, AppError> {
    Ok(Json(app::crosscheck::service::findings::township(&state.db, state.clock.now(), &ctx, id, &code).await?))
}

/// The case a problem was handed over as.
#[derive(Serialize, utoipa::ToSchema)]
pub struct HandedOver {
    case_id: i64,
}

/// Hand a problem to an owner of its village as a case (the township's leaders and staff).
#[utoipa::path(post, path = "/api/cross-checks/findings/{id}/handover", tag = "cross-checks",
    params(("id" = i64, Path, description = "问题编号")), request_body = HandOverForm,
    responses((status = 201, body = HandedOver), (status = 422, body = super::ErrorBody), (status = 409, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn hand_over(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<HandOverForm>,
) -> Result<(StatusCode, Json<HandedOver>), AppError> {
    let form = HandOverForm { finding_id: id.to_string(), ..form };
    let case_id = app::crosscheck::service::findings::hand_over(&state.db, state.clock.now(), &ctx, &form).await?;
    Ok((StatusCode::CREATED, Json(HandedOver { case_id })))
}

/// Enter or correct the township's self-assessment (its leaders and staff), until the check's window ends.
#[utoipa::path(put, path = "/api/cross-checks/{id}/self-scores", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")), request_body = SelfScoreForm,
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
    (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)))]
pub async fn self_score(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(form): Json<SelfScoreForm>,
) -> Result<StatusCode, AppError> {
    app::crosscheck::service::scores::enter_self_score(&state.db, state.clock.now(), &ctx, id, &form).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every checked township's score with its components, ranked.
#[utoipa::path(get, path = "/api/cross-checks/{id}/scores", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")),
    responses((status = 200, body = ScoresView), (status = 404, body = super::ErrorBody)))]
pub async fn scores(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<ScoresView>, AppError> {
    Ok(Json(app::crosscheck::service::scores::scores(&state.db, &ctx, id).await?))
}

/// The ranking with each indicator's points as .xlsx.
#[utoipa::path(get, path = "/api/cross-checks/{id}/report.xlsx", tag = "cross-checks",
    params(("id" = i64, Path, description = "交叉检查编号")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, body = super::ErrorBody)))]
pub async fn report_file(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<axum::response::Response, AppError> {
    let file = app::crosscheck::service::scores::report_file(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(super::excel::xlsx_response(file))
}
