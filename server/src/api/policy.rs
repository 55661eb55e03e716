//! The policy in force, for the JSON API.

use super::extract::{Json, Path};
use app::error::AppError;
use app::policy::PolicyView;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;

/// The policy in force for a unit and year (its own, or inherited from the nearest ancestor).
#[utoipa::path(get, path = "/api/policies/{code}/{year}", tag = "policy",
    params(("code" = String, Path, description = "区划代码"), ("year" = i32, Path, description = "年度")),
    responses((status = 200, body = PolicyView), (status = 404, body = super::ErrorBody),
              (status = 409, body = super::ErrorBody, description = "该年度尚未设置政策")))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path((code, year)): Path<(String, i32)>,
) -> Result<Json<PolicyView>, AppError> {
    ctx.caller()?;
    Ok(Json(app::policy::service::get(&state.db, state.clock.now(), &ctx, &code, year).await?))
}
