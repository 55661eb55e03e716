//! Judgment meetings for the JSON API (read-only: the meeting is held on its page).

use super::extract::{Json, Path, Query};
use app::error::AppError;
use app::meetings::{MeetingView, MeetingsOverview};
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::State;
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// `YYYY-MM` (this month when absent).
    #[serde(default)]
    month: String,
}

/// The meetings due in a month in the caller's scope, with the units whose meeting is missing.
#[utoipa::path(get, path = "/api/meetings", tag = "meetings", params(MonthQuery),
    responses((status = 200, body = MeetingsOverview), (status = 401, body = super::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Query(q): Query<MonthQuery>,
) -> Result<Json<MeetingsOverview>, AppError> {
    Ok(Json(app::meetings::service::overview(&state.db, state.clock.now(), &ctx, &q.month).await?))
}

/// One meeting with its attendance, items, decisions and addenda.
#[utoipa::path(get, path = "/api/meetings/{id}", tag = "meetings", params(("id" = i64, Path, description = "会议编号")),
    responses((status = 200, body = MeetingView), (status = 404, body = super::ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Json<MeetingView>, AppError> {
    Ok(Json(app::meetings::service::get(&state.db, state.clock.now(), &ctx, id).await?))
}
