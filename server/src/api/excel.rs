//! Spreadsheets over HTTP: roster downloads, the import template, and imports (a JSON endpoint that
//! takes the file as the request body, and the page's multipart form that redirects to the report).

use super::extract::{Body, Json, Path, Query};
use app::error::AppError;
use app::excel::{IMPORT_COLUMNS, ImportReport, Roster};
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Narrow to the subtree of this area code.
    within: Option<String>,
}

/// Download a ledger or roster as .xlsx (ID numbers in full only for roles entitled to them; audited).
#[utoipa::path(get, path = "/api/exports/{roster}", tag = "excel", params(("roster" = String, Path,
    description = "monitoring-ledger, warning-ledger, edge-adjustment, monitored-adjustment, edge-survey, monitored-survey, without-policy-roll, with-policy-roll"),
    ExportQuery), responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (status = 404, body = super::ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(roster): Path<String>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    ctx.caller()?;
    let roster = Roster::parse(&roster).ok_or(AppError::NotFound)?;
    let file = app::excel::export::export(&state.db, state.clock.now(), &ctx, roster, query.within.as_deref()).await?;
    Ok(xlsx_response(file))
}

/// A finished .xlsx as a download.
pub fn xlsx_response(file: app::excel::workbook::ExportFile) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            ),
            (header::CONTENT_DISPOSITION, super::content_disposition(&file.file_name, false)),
        ],
        file.bytes,
    )
        .into_response()
}

/// The import template (no sign-in needed): the header row and one example household, as UTF-8 CSV with a BOM (so Excel
/// shows the Chinese correctly).
#[utoipa::path(get, path = "/api/imports/template.csv", tag = "excel", security(()), responses((status = 200, content_type = "text/csv")))]
pub async fn template() -> Response {
    let example = [
        "1",
        "500152101201001",
        "重庆市潼南区××镇××村一组 8 号",
        "13800001234",
        "砖混",
        "张三丰",
        "（18 位身份证号，单元格设为文本）",
        "户主",
        "普通劳动力",
        "健康",
        "非在校",
        "",
    ];
    super::csv_template("农户导入模板.csv", &IMPORT_COLUMNS, &example)
}

/// Import households and members: the file is the request body, its name in `X-File-Name`
/// (percent-encoded). Returns the row-by-row report; a file with errors imports nothing.
#[utoipa::path(post, path = "/api/imports/households", tag = "excel",
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportReport), (status = 422, body = super::ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Json<ImportReport>, AppError> {
    ctx.caller()?;
    let name =
        headers.get("x-file-name").and_then(|v| v.to_str().ok()).map(percent_decode).unwrap_or_else(|| "upload".into());
    Ok(Json(app::excel::import::import(&state.db, state.clock.now(), &ctx, &name, &body).await?))
}

fn percent_decode(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let escaped = tail
            .get(..2)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, escaped) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                rest = tail.get(2..).unwrap_or_default();
            }
            _ => {
                out.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The page's upload form (multipart): import, then show the report page.
pub async fn import_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    mut multipart: Multipart,
) -> Result<Redirect, AppError> {
    ctx.caller()?;
    let bad = |e: axum::extract::multipart::MultipartError| {
        tracing::info!(error = %e, "multipart upload unreadable");
        AppError::validation("file", "上传的文件不完整，请重新选择文件上传。")
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload").to_string();
        let bytes = field.bytes().await.map_err(bad)?;
        let report = app::excel::import::import(&state.db, state.clock.now(), &ctx, &name, &bytes).await?;
        let suffix = if report.outcome == "duplicate" { "?duplicate=1" } else { "" };
        return Ok(Redirect::to(&format!("/imports/{}{suffix}", report.batch_id)));
    }
    Err(AppError::validation("file", "请选择要导入的文件。"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_round_trip() {
        assert_eq!(super::percent_decode("%E5%86%9C%E6%88%B7.csv"), "农户.csv");
        assert_eq!(super::percent_decode("plain%2"), "plain%2");
    }
}
