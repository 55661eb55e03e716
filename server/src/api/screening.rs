//! Department screening over HTTP: the departments' JSON API (with a department token), the page's
//! file upload (taken in the background while the page shows progress), and the file template.

use super::extract::Json;
use app::error::AppError;
use app::request::RequestContext;
use app::screening::service::import_scopes;
use app::screening::service::intake::{from_api, read_file};
use app::screening::service::taking::{Begun, begin, run};
use app::screening::{COLUMNS, ScreeningReport, WarningInput};
use app::state::AppState;
use axum::Extension;
use axum::extract::{FromRequestParts, Multipart, State};
use axum::http::request::Parts;
use axum::response::Redirect;
use serde::Deserialize;

/// A department's warnings.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct WarningsRequest {
    /// The department's code: education, health, medical_insurance, housing, water, civil_affairs,
    /// human_resources, agriculture, emergency, public_security, statistics, disabled_federation.
    department: String,
    warnings: Vec<WarningInput>,
}

/// Push warnings (up to 10,000 per call). All-or-nothing: with any bad item nothing is taken and the
/// report lists every problem. The same call twice, or a warning sent before, is taken once.
#[utoipa::path(post, path = "/api/screening/warnings", tag = "screening", request_body = WarningsRequest,
    responses((status = 200, body = ScreeningReport), (status = 422, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn push(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    _: Importer,
    Json(body): Json<WarningsRequest>,
) -> Result<Json<ScreeningReport>, AppError> {
    let department = app::screening::department(&body.department)?;
    let prepared = from_api(&body.warnings, department)?;
    match begin(&state.db, state.clock.now(), &ctx, prepared).await? {
        Begun::Done(report) => Ok(Json(*report)),
        Begun::Run(job) => Ok(Json(run(&state.db, state.clock.now(), *job, &state.imports).await?)),
    }
}

/// A caller who may bring in warnings. An extractor of the request's head, so axum runs it before the
/// body is read: an anonymous or unentitled client's body (up to 10,000 warnings) is never parsed.
pub struct Importer;

impl FromRequestParts<AppState> for Importer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Importer, AppError> {
        let ctx = parts
            .extensions
            .get::<RequestContext>()
            .ok_or_else(|| AppError::internal("RequestContext missing from the request"))?;
        import_scopes(ctx.caller()?)?;
        Ok(Importer)
    }
}

/// The page's upload: a checked file is taken in the background and the page follows its progress.
pub async fn upload_form(
    State(state): State<AppState>,
    Extension(ctx): Extension<RequestContext>,
    mut multipart: Multipart,
) -> Result<Redirect, AppError> {
    if let Err(error) = ctx.caller() {
        return Ok(super::form_failed("/screening", error));
    }
    let bad = |e: axum::extract::multipart::MultipartError| {
        tracing::info!(error = %e, "warning file upload unreadable");
        AppError::validation("file", "上传的文件不完整或超过 20 MB，请重新选择文件上传。")
    };
    let mut department = None;
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("department") => department = Some(field.text().await.map_err(bad)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                file = Some((name, field.bytes().await.map_err(bad)?));
            }
            _ => {}
        }
    }
    let outcome = async {
        let department = app::screening::department(department.as_deref().unwrap_or_default())?;
        let (name, bytes) = file.ok_or_else(|| AppError::validation("file", "请选择要导入的预警文件。"))?;
        let prepared = read_file(&bytes, &name, department)?;
        begin(&state.db, state.clock.now(), &ctx, prepared).await
    }
    .await;
    match outcome {
        Ok(Begun::Done(report)) => {
            let duplicate = if report.outcome == "duplicate" { "?duplicate=1" } else { "" };
            Ok(Redirect::to(&format!("/screening/batches/{}{duplicate}", report.batch_id)))
        }
        Ok(Begun::Run(job)) => {
            let id = job.batch_id;
            let (db, now, progress) = (state.db.clone(), state.clock.now(), state.imports.clone());
            tokio::spawn(async move {
                if let Err(e) = run(&db, now, *job, &progress).await {
                    tracing::error!(batch = id, error = %e, "department warning file failed");
                }
            });
            Ok(Redirect::to(&format!("/screening/batches/{id}")))
        }
        Err(error) => Ok(super::form_failed("/screening", error)),
    }
}

/// The warning file template (no sign-in needed; CSV, UTF-8 with BOM so Excel reads the Chinese).
#[utoipa::path(get, path = "/api/screening/template.csv", tag = "screening", security(()),
    responses((status = 200, content_type = "text/csv")))]
pub async fn template() -> axum::response::Response {
    let example = ["11010519491231002X", "张三", "医疗", "红色", "住院自付医疗费 5.2 万元", "双江镇", "青龙村"];
    super::csv_template("部门预警导入模板.csv", &COLUMNS, &example)
}
