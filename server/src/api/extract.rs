//! The API's extractors: axum's `Path`, `Query`, `Json`, `Multipart` and body bytes, refusing a request
//! they cannot read with an [`AppError`] (so with the API's error body and a Chinese sentence naming the
//! parameter or field) instead of axum's plain-text rejections.

use app::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Path parameters; a value of the wrong type answers 400 naming the parameter.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                let names: Vec<String> = match RawPathParams::from_request_parts(parts, state).await {
                    Ok(params) => params.iter().map(|(name, _)| name.to_string()).collect(),
                    Err(_) => Vec::new(),
                };
                Err(path_error(&rejection, &names))
            }
        }
    }
}

fn path_error(rejection: &PathRejection, names: &[String]) -> AppError {
    use axum::extract::path::ErrorKind;
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        return AppError::internal(rejection.body_text());
    };
    let (field, value, expected) = match failed.kind() {
        ErrorKind::ParseErrorAtKey { key, value, expected_type } => (Some(key.clone()), value, *expected_type),
        ErrorKind::ParseErrorAtIndex { index, value, expected_type } => {
            (names.get(*index).cloned(), value, *expected_type)
        }
        ErrorKind::ParseError { value, expected_type } => (names.first().cloned(), value, *expected_type),
        other => {
            tracing::info!(error = %other, "path parameters unreadable");
            return AppError::BadRequest {
                field: None, message: "地址中的参数无法识别，请查阅接口文档。".into()
            };
        }
    };
    let name = field.as_deref().unwrap_or("参数");
    let wanted = if expected.starts_with('i') || expected.starts_with('u') { "整数" } else { expected };
    AppError::BadRequest {
        message: format!("地址中的 {name} 应为{wanted}，收到的是“{value}”。"), field
    }
}

/// The query string; a parameter of the wrong type answers 400 naming it.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer).map(Query).map_err(|e| {
            let field = Some(e.path().to_string()).filter(|path| path != ".");
            let message = match &field {
                Some(name) => format!("查询参数 {name} 的格式不正确，请查阅接口文档。"),
                None => "查询参数的格式不正确，请查阅接口文档。".to_string(),
            };
            AppError::BadRequest { field, message }
        })
    }
}

/// A whole number in a query, at most `MAX` (the OpenAPI document states the same maximum); a larger one
/// refuses the request like any other malformed parameter.
#[derive(Clone, Copy, serde::Deserialize)]
#[serde(try_from = "u64")]
pub struct AtMost<const MAX: u64>(pub u64);

impl<const MAX: u64> TryFrom<u64> for AtMost<MAX> {
    type Error = String;

    fn try_from(value: u64) -> Result<Self, String> {
        if value <= MAX { Ok(AtMost(value)) } else { Err(format!("{value} is over {MAX}")) }
    }
}

/// A JSON body (`Content-Type: application/json`): 415 without that type, 413 over the route's size limit,
/// 400 when it is not JSON, 422 naming the field when a field is missing or of the wrong type.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default()) {
            return Err(AppError::UnsupportedMediaType(
                "请以 JSON 格式提交（Content-Type: application/json）。".into(),
            ));
        }
        let Body(bytes) = Body::from_request(req, state).await?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(&mut deserializer).map_err(json_error)?;
        deserializer.end().map_err(|e| not_json(&e))?;
        Ok(Json(value))
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `application/json`, or a `+json` type, with or without parameters.
fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let inner = error.inner();
    if !inner.is_data() {
        return not_json(inner);
    }
    let path = error.path().to_string();
    let parent = if path == "." { None } else { Some(path) };
    let detail = inner.to_string();
    // serde names a missing field in its message and puts the path at the object that lacks it.
    if let Some(name) = detail.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
        let field = parent.map_or_else(|| name.to_string(), |p| format!("{p}.{name}"));
        return AppError::validation(&field, format!("缺少字段 {field}。"));
    }
    match parent {
        Some(field) => AppError::validation(&field, format!("字段 {field} 的类型或取值不正确，请查阅接口文档。")),
        None => AppError::validation("body", "提交的内容应为一个 JSON 对象，请查阅接口文档。"),
    }
}

fn not_json(error: &serde_json::Error) -> AppError {
    AppError::BadRequest {
        field: None,
        message: format!("提交的内容不是有效的 JSON（第 {} 行第 {} 列附近）。", error.line(), error.column()),
    }
}

/// The raw body, within the route's size limit (413 beyond it).
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        Bytes::from_request(req, state).await.map(Body).map_err(|rejection: BytesRejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                tracing::info!(error = %rejection.body_text(), "request body unreadable");
                AppError::BadRequest {
                    field: None, message: "请求内容未能完整接收，请重新提交。".into()
                }
            }
        })
    }
}

/// A `multipart/form-data` body; 415 for any other type.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::extract::Multipart::from_request(req, state).await.map(Multipart).map_err(|_| {
            AppError::UnsupportedMediaType("请以 multipart/form-data 格式上传文件（字段名 file）。".into())
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_content_types() {
        assert!(super::is_json("application/json"));
        assert!(super::is_json("Application/JSON; charset=utf-8"));
        assert!(super::is_json("application/problem+json"));
        assert!(!super::is_json("text/plain"));
        assert!(!super::is_json(""));
    }
}
