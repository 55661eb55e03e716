//! Printed forms as PDF downloads. The data comes from `app::prints::service` (scope-checked, masked,
//! audited); the print engine lays it out in a worker thread.

use std::sync::Arc;

use app::error::AppError;
use app::prints::service as prints;
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::pdf::{Part, Printer};

/// Lay out the parts into one PDF off the async threads, and answer it as an inline download.
pub async fn pdf_response(printer: Arc<Printer>, title: String, parts: Vec<Part>) -> Result<Response, AppError> {
    let name = format!("{title}.pdf");
    let bytes = tokio::task::spawn_blocking(move || printer.render(&title, &parts))
        .await
        .map_err(|e| AppError::internal(format!("print task: {e}")))??;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CONTENT_DISPOSITION, super::content_disposition(&name, true));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// 入户走访记录表, pre-filled with the household's data for a visit to record by hand.
pub async fn visit_sheet(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let data = prints::blank_visit_sheet(&state.db, state.clock.now(), &ctx, &code).await?;
    let bookmark = bookmark(&data);
    pdf_response(printer, format!("入户走访记录表-{code}"), vec![Part { form: "visit-sheet", data, bookmark }]).await
}

/// 承诺书 of the household's identification.
pub async fn commitment(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let data = prints::commitment(&state.db, state.clock.now(), &ctx, &code).await?;
    let bookmark = bookmark(&data);
    pdf_response(printer, format!("承诺书-{code}"), vec![Part { form: "commitment", data, bookmark }]).await
}

/// 公示 of the household's identification or risk elimination.
pub async fn public_notice(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let data = prints::public_notice(&state.db, state.clock.now(), &ctx, &code).await?;
    pdf_response(printer, format!("公示-{code}"), vec![Part { form: "public-notice", data, bookmark: "公示".into() }])
        .await
}

/// "张建国户（500152101201000001）" from a form's household data.
fn bookmark(data: &serde_json::Value) -> String {
    let household = &data["household"];
    format!(
        "{}户（{}）",
        household["head_name"].as_str().unwrap_or_default(),
        household["code"].as_str().unwrap_or_default()
    )
}
