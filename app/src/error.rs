//! The one error type that crosses to the browser. Each variant carries a Chinese sentence for the user;
//! `Internal` hides its cause (logged on the server) so database or Rust text never reaches a user.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("您尚未登录或登录已过期，请重新登录。")]
    Unauthenticated,
    #[error("没有找到该记录，或您无权查看。")]
    NotFound,
    /// Signed in with the one-time password an administrator issued: nothing but setting one's own password.
    #[error("您正在使用管理员发放的一次性密码，请先在“我的账号”中设置自己的新密码，然后才能使用系统。")]
    PasswordChangeRequired,
    #[error("您没有权限执行此操作。")]
    Forbidden,
    /// A form refused: the first problem, and any others found at the same time.
    #[error("{}", validation_text(.message, .more))]
    Validation {
        field: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        more: Vec<FieldError>,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("登录失败：用户名或密码不正确，或连续失败次数过多。请核对后再试，多次失败需等待 15 分钟。")]
    LoginFailed,
    #[error("请求来源不被信任，操作已拒绝。请从本系统页面重新操作。")]
    CrossOrigin,
    #[error("无法连接服务器，请检查网络后重试。")]
    Network,
    #[error("提交过于频繁，请稍后再试。情况紧急的，请直接拨打本页所列热线或联系村干部。")]
    RateLimited,
    #[error("系统出现内部错误，请稍后再试；如持续出现，请联系管理员。")]
    Internal,
    /// A request the API cannot read: a malformed query or path parameter, or a body that is not JSON.
    #[error("{message}")]
    BadRequest { field: Option<String>, message: String },
    /// A body of a type the endpoint does not take; the sentence names the one it takes.
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("提交的内容超过了允许的大小，请压缩或拆分后再提交。")]
    PayloadTooLarge,
    #[error("该地址不支持此请求方法，请查阅接口文档（/api/openapi.json）。")]
    MethodNotAllowed,
}

/// One problem of a form: the field it is about and what is wrong, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn validation_text(message: &str, more: &[FieldError]) -> String {
    std::iter::once(message).chain(more.iter().map(|e| e.message.as_str())).collect::<Vec<_>>().join(" ")
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.to_string(), message: message.into(), more: Vec::new() }
    }

    /// Every problem of a refused form, in the order found; empty for other errors.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Validation { field, message, more } => {
                std::iter::once(FieldError { field: field.clone(), message: message.clone() })
                    .chain(more.iter().cloned())
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The message for one form field, if this error is about that field (several problems of one field
    /// read as one sentence after another).
    pub fn field_message(&self, field: &str) -> Option<String> {
        let messages: Vec<String> =
            self.field_errors().into_iter().filter(|e| e.field == field).map(|e| e.message).collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    /// The same error with every field named under `prefix` (a nested form's fields).
    pub fn within(self, prefix: &str) -> Self {
        match self {
            AppError::Validation { .. } => {
                let mut problems = Problems::default();
                for e in self.field_errors() {
                    problems.add(&format!("{prefix}.{}", e.field), e.message);
                }
                problems.finish().err().unwrap_or(AppError::Internal)
            }
            other => other,
        }
    }

    /// Log the real cause on the server and return the generic error for the user.
    #[cfg(feature = "ssr")]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        AppError::Internal
    }

    #[cfg(feature = "ssr")]
    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            AppError::Unauthenticated | AppError::LoginFailed => StatusCode::UNAUTHORIZED,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CrossOrigin | AppError::PasswordChangeRequired => StatusCode::FORBIDDEN,
            AppError::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Network => StatusCode::BAD_GATEWAY,
            AppError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        }
    }
}

/// Every problem of a form, collected so that one refusal names them all.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldError>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_string(), message: message.into() });
    }

    /// The value, or `T::default()` after noting what is wrong with it.
    pub fn take<T: Default>(&mut self, result: Result<T, AppError>) -> T {
        result.unwrap_or_else(|e| {
            match e.field_errors() {
                errors if errors.is_empty() => self.add("form", e.to_string()),
                errors => self.0.extend(errors),
            }
            T::default()
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when nothing is wrong, else one `Validation` error listing every problem.
    pub fn finish(self) -> Result<(), AppError> {
        let mut errors = self.0.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(first) => {
                Err(AppError::Validation { field: first.field, message: first.message, more: errors.collect() })
            }
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => AppError::Network,
            // The request's arguments did not parse: the form was incomplete or stale.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::validation("form", "提交的内容不完整或格式不正确，请刷新页面后重试。")
            }
            #[cfg(feature = "ssr")]
            other => AppError::internal(other),
            #[cfg(not(feature = "ssr"))]
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::internal(err)
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

/// JSON API responses (every refusal of an API request, the routing's and extractors' too, comes through
/// here): the status code and `{"error": kind, "message": 中文, "field": ...}`; a refused
/// form also lists every problem in `errors: [{field, message}]` (`field` is the first one's).
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let (field, errors) = match &self {
            AppError::Validation { field, .. } => (Some(field.clone()), Some(self.field_errors())),
            AppError::BadRequest { field, .. } => (field.clone(), None),
            _ => (None, None),
        };
        let kind = match &self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::PasswordChangeRequired => "password_change_required",
            AppError::Validation { .. } => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::LoginFailed => "login_failed",
            AppError::CrossOrigin => "cross_origin",
            AppError::Network => "network",
            AppError::RateLimited => "rate_limited",
            AppError::Internal => "internal",
            AppError::BadRequest { .. } => "bad_request",
            AppError::UnsupportedMediaType(_) => "unsupported_media_type",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::MethodNotAllowed => "method_not_allowed",
        };
        let mut body = serde_json::json!({ "error": kind, "message": self.to_string(), "field": field });
        if let (Some(errors), Some(map)) = (errors, body.as_object_mut()) {
            map.insert("errors".into(), serde_json::json!(errors));
        }
        (self.status(), axum::Json(body)).into_response()
    }
}
