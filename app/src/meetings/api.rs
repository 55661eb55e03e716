//! Server functions for meetings.

use leptos::prelude::*;

use super::{DecisionForm, HeaderForm, MeetingView, MeetingsOverview};
use crate::error::AppError;

/// The meetings due in a month (`YYYY-MM`, this month when empty) in the caller's scope.
#[server(prefix = "/rpc")]
pub async fn list_meetings(month: String) -> Result<MeetingsOverview, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::overview(&state.db, state.clock.now(), &ctx, &month).await
}

/// Prepare a unit's meeting for a month (its agenda built); returns its id.
#[server(prefix = "/rpc")]
pub async fn prepare_meeting(unit: String, month: String) -> Result<i64, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::preparation::prepare(&state.db, state.clock.now(), &ctx, &unit, &month).await
}

/// One meeting.
#[server(prefix = "/rpc")]
pub async fn get_meeting(id: i64) -> Result<MeetingView, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::get(&state.db, state.clock.now(), &ctx, id).await
}

/// Date, place, guests and attendance.
#[server(prefix = "/rpc")]
pub async fn save_meeting_header(id: i64, form: HeaderForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::minutes::save_header(&state.db, state.clock.now(), &ctx, id, &form).await
}

/// Add an item of the chair's own.
#[server(prefix = "/rpc")]
pub async fn add_meeting_item(id: i64, title: String, facts: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::preparation::add_item(&state.db, state.clock.now(), &ctx, id, &title, &facts).await
}

/// Take an item off the agenda, with the reason.
#[server(prefix = "/rpc")]
pub async fn drop_meeting_item(id: i64, item_id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::preparation::drop_item(&state.db, state.clock.now(), &ctx, id, item_id, &reason, false).await
}

/// Put a dropped item back on the agenda.
#[server(prefix = "/rpc")]
pub async fn restore_meeting_item(id: i64, item_id: i64) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::preparation::drop_item(&state.db, state.clock.now(), &ctx, id, item_id, "", true).await
}

/// Move an item one place (`direction` = `up` or `down`).
#[server(prefix = "/rpc")]
pub async fn move_meeting_item(id: i64, item_id: i64, direction: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::preparation::move_item(&state.db, state.clock.now(), &ctx, id, item_id, direction == "up").await
}

/// The analysis and decision on an item, carried out at once.
#[server(prefix = "/rpc")]
pub async fn decide_meeting_item(id: i64, form: DecisionForm) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::decisions::decide(&state.db, state.clock.now(), &ctx, id, &form).await
}

/// The recorder finalises the minutes.
#[server(prefix = "/rpc")]
pub async fn finalise_meeting(id: i64) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::minutes::finalise(&state.db, state.clock.now(), &ctx, id).await
}

/// Append what is new since the agenda was built; returns how many items were added.
#[server(prefix = "/rpc")]
pub async fn refresh_meeting_agenda(id: i64) -> Result<u32, AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::preparation::refresh_agenda(&state.db, state.clock.now(), &ctx, id).await
}

/// The chair sends finalised minutes back to the recorder.
#[server(prefix = "/rpc")]
pub async fn send_back_meeting(id: i64, reason: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::minutes::send_back(&state.db, state.clock.now(), &ctx, id, &reason).await
}

/// The chair signs: the minutes are locked.
#[server(prefix = "/rpc")]
pub async fn sign_meeting(id: i64) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::minutes::sign(&state.db, state.clock.now(), &ctx, id).await
}

/// A dated addendum to signed minutes.
#[server(prefix = "/rpc")]
pub async fn amend_meeting(id: i64, text: String) -> Result<(), AppError> {
    let state = crate::request::app_state()?;
    let ctx = crate::request::request_context().await?;
    super::service::minutes::amend(&state.db, state.clock.now(), &ctx, id, &text).await
}
