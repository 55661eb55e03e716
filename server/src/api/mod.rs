//! The JSON API under `/api/`: the integration surface for department systems and scripts.
//! Browser sessions (cookie) and machine clients (`Authorization: Bearer <token>`) both work;
//! every handler goes through the same services and authorisation as the pages.
//! The OpenAPI document is served at `/api/openapi.json`.

mod auth;
mod cases;
pub mod evidence;
pub mod excel;
mod households;
mod meetings;
mod org;
mod policy;
pub mod prints;
pub mod screening;
mod visits;

use app::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post, put};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "防返贫监测帮扶系统 API", description = "县级防止返贫动态监测和帮扶系统的数据接口。错误返回 {\"error\": 类型, \"message\": 中文说明, \"field\": 字段}。"),
    paths(
        auth::login, auth::logout, auth::me,
        org::list, org::get_one,
        households::list, households::get_one, households::save_income, households::assess,
        households::apply_identification, households::identification_step,
        households::create, households::update, households::add_member, households::update_member,
        households::set_dibao, households::propose_elimination, excel::export, excel::template, excel::import,
        cases::list, cases::get_one, cases::create, cases::step, cases::reassign, cases::export, cases::save_measure, evidence::upload, evidence::withdraw, screening::push, screening::template,
        policy::get_one,
        visits::record, visits::get_one, visits::mine, visits::coverage, visits::sweep, visits::sweep_ledgers_file, evidence::upload_visit_photos,
        meetings::list, meetings::get_one,
    ),
    components(schemas(
        auth::LoginRequest, app::auth::Caller, app::auth::RoleGrant, app::auth::Role,
        app::org::OrgUnitView, app::org::OrgLevel,
        app::households::HouseholdPage, app::households::HouseholdSummary, app::households::HouseholdDetail,
        app::households::MemberView, app::households::IncomeForm, households::NewHousehold, households::Created,
        app::households::HouseholdForm, app::households::MemberForm, app::households::DibaoForm,
        app::households::DibaoView, app::households::MonitoringStatus, app::workflow::procedure::EliminationForm,
        app::audit::AuditRecordView, app::excel::ImportReport, app::excel::RowIssue,
        app::cases::CasePageView, app::cases::CaseSummary, app::cases::CaseDetail, app::cases::CaseEventView,
        app::cases::NewCaseForm, app::cases::ReassignForm, app::cases::Status, app::cases::lifecycle::ActionForm,
        cases::Count, app::cases::measures::MeasureForm, evidence::Uploaded, evidence::WithdrawRequest, screening::WarningsRequest,
        app::screening::WarningInput, app::screening::ScreeningReport,
        app::evidence::EvidenceView, app::evidence::Withdrawal, app::cases::measures::MeasureView,
        app::cases::measures::Category, app::cases::measures::MeasureStatus, app::households::IncomeRecord,
        app::households::AssessmentForm, app::households::AssessmentView, app::risk::AssessmentStatus,
        app::households::RiskView, app::risk::Evaluation, app::risk::RiskFlag, app::risk::RiskKind, app::risk::SecurityItem,
        app::workflow::procedure::ApplyForm, app::workflow::procedure::StepForm,
        app::workflow::procedure::ProcedureView, app::workflow::procedure::EventView,
        app::workflow::procedure::Stage,
        app::policy::PolicyView, app::policy::Policy, app::policy::Category, ErrorBody,
        visits::Recorded, app::visits::VisitForm, app::visits::VisitView, app::visits::MyVisits, app::visits::DueVisit,
        app::visits::CoverageView, app::visits::CoverageRow, app::visits::CoverageCounts, app::visits::CoverageGap,
        app::visits::SweepView, app::visits::Ledger, app::visits::LedgerEntry, app::visits::Mode,
        app::visits::Acknowledgement, app::visits::ChecklistAnswer, app::visits::Problem, app::visits::AddendumView,
        app::visits::schedule::Standing, app::visits::schedule::Coverage, app::cases::RiskType,
        app::meetings::MeetingsOverview, app::meetings::MeetingRow, app::meetings::MeetingView, app::meetings::ItemView,
        app::meetings::Attendee, app::meetings::MeetingAddendum, app::meetings::MeetingStatus, app::meetings::ItemKind,
        app::meetings::ItemAction, app::households::CadreOption,
    )),
    modifiers(&SecuritySchemes),
    security(("bearer" = []), ("session" = [])),
)]
struct ApiDoc;

/// The error body every endpoint returns on failure.
#[derive(utoipa::ToSchema, serde::Serialize)]
struct ErrorBody {
    /// `unauthenticated`, `not_found`, `forbidden`, `validation`, `conflict`, `login_failed`, `cross_origin`, `internal`.
    error: String,
    /// A sentence in Chinese for the user.
    message: String,
    /// The offending field, for validation errors (the first, when there are several).
    field: Option<String>,
    /// Validation errors only: every problem found, the first included.
    #[schema(nullable = false)]
    errors: Option<Vec<app::error::FieldError>>,
}

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(app::auth::session::COOKIE_NAME))),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/org-units", get(org::list))
        .route("/org-units/{code}", get(org::get_one))
        .route("/households", get(households::list).post(households::create))
        .route("/households/{code}", get(households::get_one).put(households::update))
        .route("/households/{code}/members", post(households::add_member))
        .route("/households/{code}/members/{member_id}", put(households::update_member))
        .route("/households/{code}/dibao", put(households::set_dibao))
        .route("/households/{code}/elimination", post(households::propose_elimination))
        .route("/households/{code}/incomes", post(households::save_income))
        .route("/households/{code}/assessments", post(households::assess))
        .route("/households/{code}/identification", post(households::apply_identification))
        .route("/households/{code}/identification/steps", post(households::identification_step))
        .route("/policies/{code}/{year}", get(policy::get_one))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/reassign", post(cases::reassign))
        .route("/cases/export.xlsx", get(cases::export))
        .route("/cases/{id}", get(cases::get_one))
        .route("/cases/{id}/steps", post(cases::step))
        .route("/cases/{id}/measures", post(cases::save_measure))
        .route("/cases/{id}/evidence", post(evidence::upload).layer(DefaultBodyLimit::disable()))
        .route("/evidence/{id}/withdraw", post(evidence::withdraw))
        .route("/screening/warnings", post(screening::push).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/screening/template.csv", get(screening::template))
        .route("/meetings", get(meetings::list))
        .route("/meetings/{id}", get(meetings::get_one))
        .route("/visits", post(visits::record))
        .route("/visits/mine", get(visits::mine))
        .route("/visits/coverage", get(visits::coverage))
        .route("/visits/sweep", get(visits::sweep))
        .route("/visits/sweep/ledgers.xlsx", get(visits::sweep_ledgers_file))
        .route("/visits/{id}", get(visits::get_one))
        .route("/visits/{id}/photos", post(evidence::upload_visit_photos).layer(DefaultBodyLimit::disable()))
        .route("/exports/{roster}", get(excel::export))
        .route("/imports/template.csv", get(excel::template))
        .route("/imports/households", post(excel::import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
}

/// `attachment` (or `inline`) naming a file in Chinese (RFC 6266 `filename*`).
pub(crate) fn content_disposition(name: &str, inline: bool) -> axum::http::HeaderValue {
    let kind = if inline { "inline" } else { "attachment" };
    axum::http::HeaderValue::from_str(&format!(
        "{kind}; filename=\"download\"; filename*=UTF-8''{}",
        percent_encode(name)
    ))
    .unwrap_or_else(|_| axum::http::HeaderValue::from_static("attachment"))
}

/// A CSV template for an import: the header and one example row, UTF-8 with a BOM so Excel reads the Chinese.
pub(crate) fn csv_template(file_name: &str, columns: &[&str], example: &[&str]) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body = format!("\u{feff}{}\r\n{}\r\n", columns.join(","), example.join(","));
    (
        [
            (axum::http::header::CONTENT_TYPE, axum::http::HeaderValue::from_static("text/csv; charset=utf-8")),
            (axum::http::header::CONTENT_DISPOSITION, content_disposition(file_name, false)),
        ],
        body,
    )
        .into_response()
}

/// Where a plain HTML form's post goes back to when it failed: to `page` with the reason in words
/// (`upload_error`), or to the sign-in page when the session has ended. Never a bare JSON error page.
pub(crate) fn form_failed(page: &str, error: app::error::AppError) -> Redirect {
    match error {
        app::error::AppError::Unauthenticated => Redirect::to("/login"),
        other => {
            let separator = if page.contains('?') { '&' } else { '?' };
            let (path, fragment) = page.split_once('#').map_or((page, String::new()), |(p, f)| (p, format!("#{f}")));
            Redirect::to(&format!("{path}{separator}upload_error={}{fragment}", percent_encode(&other.to_string())))
        }
    }
}

/// RFC 3986 percent-encoding of everything but unreserved characters.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Uploads may be as large as the import accepts, plus room for the multipart framing.
pub const UPLOAD_LIMIT: usize = app::excel::import::MAX_BYTES + 64 * 1024;
