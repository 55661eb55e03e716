//! Printed forms as PDF downloads. The data comes from `app::prints::service` (scope-checked, masked,
//! audited); the print engine lays it out in a worker thread.

use std::sync::Arc;

use app::error::AppError;
use app::prints::service as prints;
use app::request::RequestContext;
use app::state::AppState;
use app::visits::service::sheets;
use axum::Extension;
use axum::extract::Query;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::extract::Path;
use crate::pdf::{Part, Printer};

/// A print that failed, answered as a short page in Chinese: prints open in a browser tab, where a
/// JSON error body would mean nothing to the user.
pub struct PrintFailed(AppError);

impl From<AppError> for PrintFailed {
    fn from(error: AppError) -> Self {
        PrintFailed(error)
    }
}

impl IntoResponse for PrintFailed {
    fn into_response(self) -> Response {
        let message = self.0.to_string().replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        let page = format!(
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
             content=\"width=device-width, initial-scale=1\"><title>无法打印</title></head><body style=\"font-family:sans-serif;\
             margin:2em\"><h1>无法打印</h1><p>{message}</p><p><a href=\"javascript:history.back()\">返回</a></p></body></html>"
        );
        let mut response = (self.0.status(), Html(page)).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// Lay out the parts into one PDF off the async threads, and answer it as an inline download.
pub async fn pdf_response(printer: Arc<Printer>, title: String, parts: Vec<Part>) -> Result<Response, AppError> {
    let name = format!("{title}.pdf");
    let bytes = tokio::task::spawn_blocking(move || printer.render(&title, &parts))
        .await
        .map_err(|e| AppError::internal(format!("print task: {e}")))??;
    Ok(pdf_bytes(bytes, &name))
}

/// PDF bytes as an inline download named `name`.
fn pdf_bytes(bytes: Vec<u8>, name: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CONTENT_DISPOSITION, super::content_disposition(name, true));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}

/// 入户走访记录表, pre-filled with the household's data for a visit to record by hand.
pub async fn visit_sheet(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
) -> Result<Response, PrintFailed> {
    let data = prints::blank_visit_sheet(&state.db, state.clock.now(), &ctx, &code).await?;
    let bookmark = bookmark(&data);
    Ok(pdf_response(printer, format!("入户走访记录表-{code}"), vec![Part { form: "visit-sheet", data, bookmark }])
        .await?)
}

/// 入户走访记录表 of a recorded visit, with its addenda.
pub async fn recorded_visit_sheet(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(id): Path<i64>,
) -> Result<Response, PrintFailed> {
    let data = sheets::sheet(&state.db, state.clock.now(), &ctx, id).await?;
    let bookmark = bookmark(&data);
    Ok(pdf_response(printer, format!("入户走访记录-{id}"), vec![Part { form: "visit-sheet", data, bookmark }]).await?)
}

/// 研判会议记录 of one meeting (a draft says so).
pub async fn meeting_minutes(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(id): Path<i64>,
) -> Result<Response, PrintFailed> {
    let (title, data) = app::meetings::service::minutes::minutes(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(pdf_response(printer, title.clone(), vec![Part { form: "meeting-minutes", data, bookmark: title }]).await?)
}

#[derive(Deserialize)]
pub struct BookQuery {
    unit: String,
    /// This year when absent.
    #[serde(default)]
    year: String,
}

/// 研判会议记录专本: a unit's signed minutes of a year in one PDF, with a table of contents.
pub async fn meeting_book(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Query(q): Query<BookQuery>,
) -> Result<Response, PrintFailed> {
    let (title, contents, minutes) =
        app::meetings::service::minutes::book(&state.db, state.clock.now(), &ctx, &q.unit, &q.year).await?;
    let contents = Part { form: "meeting-book", data: contents, bookmark: "目录".into() };
    let parts: Vec<Part> =
        minutes.into_iter().map(|(bookmark, data)| Part { form: "meeting-minutes", data, bookmark }).collect();
    let name = format!("{title}.pdf");
    let bytes = tokio::task::spawn_blocking(move || printer.render_book(&title, contents, &parts))
        .await
        .map_err(|e| AppError::internal(format!("print task: {e}")))??;
    Ok(pdf_bytes(bytes, &name))
}

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; this month when absent.
    #[serde(default)]
    month: String,
}

/// Every sheet due in a month for one village, in route order, as one PDF with a bookmark per household.
pub async fn village_visit_sheets(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PrintFailed> {
    let (village, sheets) = sheets::due_sheets(&state.db, state.clock.now(), &ctx, &code, &q.month).await?;
    if sheets.is_empty() {
        return Err(AppError::Conflict(format!("{village}本月没有应访农户，无需打印走访表。")).into());
    }
    let parts = sheets.into_iter().map(|(bookmark, data)| Part { form: "visit-sheet", data, bookmark }).collect();
    Ok(pdf_response(printer, format!("入户走访记录表-{village}"), parts).await?)
}

/// 承诺书 of the household's identification.
pub async fn commitment(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
) -> Result<Response, PrintFailed> {
    let data = prints::commitment(&state.db, state.clock.now(), &ctx, &code).await?;
    let bookmark = bookmark(&data);
    Ok(pdf_response(printer, format!("承诺书-{code}"), vec![Part { form: "commitment", data, bookmark }]).await?)
}

/// 公示 of the household's identification or risk elimination.
pub async fn public_notice(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(code): Path<String>,
) -> Result<Response, PrintFailed> {
    let data = prints::public_notice(&state.db, state.clock.now(), &ctx, &code).await?;
    Ok(pdf_response(
        printer,
        format!("公示-{code}"),
        vec![Part { form: "public-notice", data, bookmark: "公示".into() }],
    )
    .await?)
}

/// 督查问题交办单 of one covered unit of a supervision round (with the outcomes once rectified).
pub async fn supervision_handover(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, PrintFailed> {
    let (title, data) =
        app::supervision::service::sheets::handover_sheet(&state.db, state.clock.now(), &ctx, id, &code).await?;
    Ok(pdf_response(printer, title.clone(), vec![Part { form: "supervision-handover", data, bookmark: title }]).await?)
}

/// 督查底稿 of one covered unit of a supervision round: the facts on record, for the team to verify.
pub async fn supervision_workpaper(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, PrintFailed> {
    let (title, data) =
        app::supervision::service::sheets::workpaper_sheet(&state.db, state.clock.now(), &ctx, id, &code).await?;
    Ok(pdf_response(printer, title.clone(), vec![Part { form: "supervision-workpaper", data, bookmark: title }])
        .await?)
}

/// A supervision round's summary: per covered unit, the totals and every finding.
pub async fn supervision_summary(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(id): Path<i64>,
) -> Result<Response, PrintFailed> {
    let (title, data) =
        app::supervision::service::sheets::summary_sheet(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(pdf_response(printer, title.clone(), vec![Part { form: "supervision-summary", data, bookmark: title }]).await?)
}

/// A drawn village's check sheets to fill by hand, pre-filled from the register, in visiting order, with the
/// village's own sheet last.
pub async fn cross_check_blank_sheets(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, PrintFailed> {
    let (title, sheets) =
        app::crosscheck::service::prints::blank_sheets(&state.db, state.clock.now(), &ctx, id, &code).await?;
    let parts = sheets.into_iter().map(|s| Part { form: s.form, data: s.data, bookmark: s.bookmark }).collect();
    Ok(pdf_response(printer, title, parts).await?)
}

/// A saved check sheet as recorded, with its addenda.
pub async fn cross_check_sheet(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(unit): Path<i64>,
) -> Result<Response, PrintFailed> {
    let (title, s) = app::crosscheck::service::prints::filled_sheet(&state.db, state.clock.now(), &ctx, unit).await?;
    Ok(pdf_response(printer, title, vec![Part { form: s.form, data: s.data, bookmark: s.bookmark }]).await?)
}

/// The county's report of a cross-check: the ranking and each township's components.
pub async fn cross_check_report(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(id): Path<i64>,
) -> Result<Response, PrintFailed> {
    let (title, data) = app::crosscheck::service::scores::report_sheet(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(pdf_response(printer, title.clone(), vec![Part { form: "cross-check-report", data, bookmark: title }]).await?)
}

/// 问责决定书 (or 约谈记录) of a decided accountability record.
pub async fn accountability_decision(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(id): Path<i64>,
) -> Result<Response, PrintFailed> {
    let (title, data) =
        app::accountability::service::records::decision_sheet(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(pdf_response(
        printer,
        format!("{title}-{id}"),
        vec![Part { form: "accountability-decision", data, bookmark: title }],
    )
    .await?)
}

/// The county's assessment table of a year.
pub async fn assessment_table(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(year): Path<String>,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PrintFailed> {
    let county = q.get("county").cloned().unwrap_or_default();
    let (title, data) =
        app::assessment::service::table::table_sheet(&state.db, state.clock.now(), &ctx, &county, &year).await?;
    Ok(pdf_response(printer, title.clone(), vec![Part { form: "assessment-table", data, bookmark: title }]).await?)
}

/// 一票否决决定 of a veto.
pub async fn assessment_veto(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Extension(printer): Extension<Arc<Printer>>,
    Path(id): Path<i64>,
) -> Result<Response, PrintFailed> {
    let (title, data) = app::assessment::service::vetoes::veto_sheet(&state.db, state.clock.now(), &ctx, id).await?;
    Ok(pdf_response(
        printer,
        format!("一票否决决定-{id}"),
        vec![Part { form: "assessment-veto", data, bookmark: title }],
    )
    .await?)
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
