//! The organisation tree for the JSON API.

use super::extract::{Json, Path};
use app::error::AppError;
use app::org::OrgUnitView;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;

/// The org units in the caller's scope.
#[utoipa::path(get, path = "/api/org-units", tag = "org",
    responses((status = 200, body = Vec<OrgUnitView>), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
) -> Result<Json<Vec<OrgUnitView>>, AppError> {
    Ok(Json(app::org::service::list(&state.db, ctx.caller()?).await?))
}

/// One org unit by its area code.
#[utoipa::path(get, path = "/api/org-units/{code}", tag = "org",
    params(("code" = String, Path, description = "12 位区划代码（村民小组 15 位）")),
    responses((status = 200, body = OrgUnitView), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(code): Path<String>,
) -> Result<Json<OrgUnitView>, AppError> {
    ctx.caller()?;
    Ok(Json(app::org::service::get(&state.db, state.clock.now(), &ctx, &code).await?))
}
