//! Evidence files over HTTP: uploads (the case, visit and supervision pages' forms and the JSON API, all
//! multipart) and downloads, each checked against the caller's scope before a byte moves.

use super::extract::{Json, Path, Query};
use app::error::AppError;
use app::evidence::Attachment;
use app::evidence::service::{self as evidence, Target, Upload};
use app::request::RequestContext;
use app::state::AppState;
use axum::Extension;
use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

/// The ids of the evidence an upload recorded.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Uploaded {
    ids: Vec<i64>,
}

/// The upload form (`multipart/form-data`), as the OpenAPI document describes it.
#[derive(utoipa::ToSchema)]
#[expect(dead_code, reason = "read field by field from the multipart stream; this type only documents it")]
pub struct UploadForm {
    /// Cases only: `step:<id>` or `measure:<id>`, the step or measure the files belong to; sent before the files.
    attach: Option<String>,
    /// The date the files show (taken, signed), `YYYY-MM-DD`; sent before the files. Required for a supervision
    /// finding and its rectification case, whose evidence may not be dated before the finding, and for a cross-check
    /// sheet's photos.
    shown_on: Option<String>,
    /// One or more files (photos, scans, PDF).
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// Receive every non-empty `file` field of the form (the `attach` field, if sent first, says which step
/// or measure of a case the files belong to, the `shown_on` field the date they show) and record each as
/// evidence of the case or finding, or as a photo of the visit.
async fn receive(
    state: &AppState,
    ctx: &RequestContext,
    target: Target,
    mut multipart: Multipart,
) -> Result<Vec<i64>, AppError> {
    let now = state.clock.now();
    let owner = evidence::owner_for_upload(&state.db, now, ctx, target).await?;
    let limit_mb = state.evidence.max_bytes() / (1024 * 1024);
    let bad = |e: MultipartError| {
        tracing::info!(error = %e, status = %e.status(), "evidence upload unreadable");
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::validation("file", format!("文件超过 {limit_mb} MB 的上限，请压缩或拆分后再上传。"))
        } else {
            AppError::validation("file", "上传中断或文件不完整，请重新选择文件上传。")
        }
    };
    let mut attachment = Attachment::Case;
    let mut shown_on = None;
    let mut ids = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("attach") => {
                let text = field.text().await.map_err(bad)?;
                attachment = Attachment::parse(&text)
                    .ok_or_else(|| AppError::validation("attach", "请从列表中选择资料所属的步骤或措施。"))?;
            }
            Some("shown_on") => {
                let text = field.text().await.map_err(bad)?;
                shown_on = match text.trim() {
                    "" => None,
                    day => Some(
                        chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
                            .map_err(|_| AppError::validation("shown_on", "资料日期应写作 2026-06-10 的形式。"))?,
                    ),
                };
            }
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let mut upload = state.evidence.begin()?;
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    upload.write(&chunk)?;
                }
                if name.is_empty() && upload.is_empty() {
                    continue; // the other of the two file pickers, left empty
                }
                evidence::check_shown_on(&owner, shown_on, app::time::beijing_date(now))?;
                let stored = upload.finish(&name).await?;
                let upload = Upload { file_name: &name, stored: &stored, attachment: &attachment, shown_on };
                ids.push(evidence::attach(&state.db, now, ctx, &owner, &upload).await?);
            }
            _ => {}
        }
    }
    if ids.is_empty() {
        return Err(AppError::validation("file", "请拍照或选择要上传的文件。"));
    }
    Ok(ids)
}

/// Upload evidence to a case (multipart: optional `attach` = `step:<id>` | `measure:<id>`, then one or
/// more `file` fields).
#[utoipa::path(post, path = "/api/cases/{id}/evidence", tag = "cases",
    params(("id" = i64, Path, description = "案件编号")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Uploaded), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    super::extract::Multipart(multipart): super::extract::Multipart,
) -> Result<(StatusCode, Json<Uploaded>), AppError> {
    let ids = receive(&state, &ctx, Target::Case(id), multipart).await?;
    Ok((StatusCode::CREATED, Json(Uploaded { ids })))
}

/// Upload photos of a visit (multipart: one or more `file` fields).
#[utoipa::path(post, path = "/api/visits/{id}/photos", tag = "visits",
    params(("id" = i64, Path, description = "走访记录编号")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Uploaded), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn upload_visit_photos(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    super::extract::Multipart(multipart): super::extract::Multipart,
) -> Result<(StatusCode, Json<Uploaded>), AppError> {
    let ids = receive(&state, &ctx, Target::Visit(id), multipart).await?;
    Ok((StatusCode::CREATED, Json(Uploaded { ids })))
}

/// Upload evidence of a supervision finding (multipart: `shown_on`, then one or more `file` fields).
#[utoipa::path(post, path = "/api/supervision/findings/{id}/evidence", tag = "supervision",
    params(("id" = i64, Path, description = "督查问题编号")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Uploaded), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
    (status = 409, body = super::ErrorBody)))]
pub async fn upload_finding_evidence(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    super::extract::Multipart(multipart): super::extract::Multipart,
) -> Result<(StatusCode, Json<Uploaded>), AppError> {
    let ids = receive(&state, &ctx, Target::Finding(id), multipart).await?;
    Ok((StatusCode::CREATED, Json(Uploaded { ids })))
}

/// Upload photos of a saved cross-check sheet (multipart: `shown_on`, then one or more `file` fields; the team, in
/// the window).
#[utoipa::path(post, path = "/api/cross-checks/sheets/{id}/photos", tag = "cross-checks",
    params(("id" = i64, Path, description = "核查表编号")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = Uploaded), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody)))]
pub async fn upload_sheet_photos(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    super::extract::Multipart(multipart): super::extract::Multipart,
) -> Result<(StatusCode, Json<Uploaded>), AppError> {
    let ids = receive(&state, &ctx, Target::CheckSheet(id), multipart).await?;
    Ok((StatusCode::CREATED, Json(Uploaded { ids })))
}

/// The case page's upload form: back to the case, with the error in words if it failed.
pub async fn upload_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Redirect, AppError> {
    Ok(form_upload(&state, &ctx, Target::Case(id), &format!("/cases/{id}"), multipart).await)
}

/// The visit page's photo form: back to the visit, with the error in words if it failed.
pub async fn visit_photos_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Redirect, AppError> {
    Ok(form_upload(&state, &ctx, Target::Visit(id), &format!("/visits/{id}"), multipart).await)
}

/// A finding's upload form on its round's page: back to the finding, with the error in words if it failed.
pub async fn finding_evidence_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Redirect, AppError> {
    let page = match app::supervision::service::findings::visible(&state.db, &ctx, id).await {
        Ok(finding) => format!("/supervision/{}", finding.round_id),
        Err(error) => return Ok(super::form_failed("/supervision", error)),
    };
    Ok(form_upload(&state, &ctx, Target::Finding(id), &page, multipart).await)
}

/// A sheet's photo form: back to the sheet's page, with the error in words if it failed.
pub async fn sheet_photos_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Result<Redirect, AppError> {
    let page = match app::crosscheck::service::sheets::visible(&state.db, state.clock.now(), &ctx, id).await {
        Ok(sheet) => format!("/cross-checks/units/{}", sheet.unit_id),
        Err(error) => return Ok(super::form_failed("/cross-checks", error)),
    };
    Ok(form_upload(&state, &ctx, Target::CheckSheet(id), &page, multipart).await)
}

/// Receive a page's upload form and go back to the page's section of what was uploaded to (`#evidence` of a
/// case or visit, `#finding-<id>` of a finding) with the outcome; `at` names the section.
async fn form_upload(
    state: &AppState,
    ctx: &RequestContext,
    target: Target,
    page: &str,
    multipart: Multipart,
) -> Redirect {
    // A case or visit page has one evidence section (`#evidence`, the default); a round's page one per finding.
    let (section, at) = match target {
        Target::Finding(id) => (format!("finding-{id}-evidence"), format!("?at=finding-{id}-evidence")),
        Target::Case(_) | Target::Visit(_) | Target::CheckSheet(_) => ("evidence".to_string(), String::new()),
    };
    let back = format!("{page}{at}#{section}");
    if let Err(error) = ctx.caller() {
        return super::form_failed(&back, error);
    }
    match receive(state, ctx, target, multipart).await {
        Ok(ids) => {
            let separator = if at.is_empty() { '?' } else { '&' };
            Redirect::to(&format!("{page}{at}{separator}uploaded={}#{section}", ids.len()))
        }
        Err(error) => super::form_failed(&back, error),
    }
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    /// `1`: offer the file as a download instead of showing it.
    download: Option<u8>,
}

/// The file of a piece of evidence (withdrawn ones too: they stay on record).
pub async fn file(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
) -> Result<Response, AppError> {
    let row = evidence::for_download(&state.db, state.clock.now(), &ctx, id).await?;
    let inline = q.download.is_none() && (row.mime.starts_with("image/") || row.mime == "application/pdf");
    serve(state.evidence.read(&row.sha256).await?, &row.mime, Some((&row.file_name, inline)))
}

/// The thumbnail of a photo.
pub async fn thumbnail(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let row = evidence::for_download(&state.db, state.clock.now(), &ctx, id).await?;
    if !row.has_thumbnail {
        return Err(AppError::NotFound);
    }
    serve(state.evidence.read_thumbnail(&row.sha256).await?, "image/jpeg", None)
}

fn serve(bytes: Vec<u8>, mime: &str, name: Option<(&str, bool)>) -> Result<Response, AppError> {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(mime).map_err(AppError::internal)?);
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox; default-src 'none'"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    if let Some((name, inline)) = name {
        headers.insert(header::CONTENT_DISPOSITION, super::content_disposition(name, inline));
    }
    Ok(response.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct WithdrawRequest {
    /// Why the upload was a mistake.
    reason: String,
}

/// Withdraw a mistaken upload with a reason (the file stays on record).
#[utoipa::path(post, path = "/api/evidence/{id}/withdraw", tag = "cases", request_body = WithdrawRequest,
    params(("id" = i64, Path, description = "资料编号")),
    responses((status = 204), (status = 422, body = super::ErrorBody), (status = 404, body = super::ErrorBody)))]
pub async fn withdraw(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    Path(id): Path<i64>,
    Json(body): Json<WithdrawRequest>,
) -> Result<StatusCode, AppError> {
    evidence::withdraw(&state.db, state.clock.now(), &ctx, id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
