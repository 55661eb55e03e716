//! The JSON API under `/api/`: the integration surface for department systems and scripts.
//! Browser sessions (cookie) and machine clients (`Authorization: Bearer <token>`) both work;
//! every handler goes through the same services and authorisation as the pages.
//! The OpenAPI document is served at `/api/openapi.json`.

mod accountability;
mod assessment;
mod auth;
mod cases;
mod crosscheck;
mod crosscheck_sheets;
pub mod evidence;
pub mod excel;
mod extract;
mod households;
mod meetings;
mod org;
mod policy;
pub mod prints;
pub mod screening;
mod supervision;
mod visits;

use app::state::AppState;
use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post, put};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "防返贫监测帮扶系统 API", description = "县级防止返贫动态监测和帮扶系统的数据接口。任何失败（包括无法识别的参数、内容类型或请求方法）都以相应状态码返回 ErrorBody：{\"error\": 类型, \"message\": 中文说明, \"field\": 字段或 null}。"),
    paths(
        auth::login, auth::logout, auth::change_password, auth::me,
        org::list, org::get_one,
        households::list, households::get_one, households::save_income, households::assess,
        households::apply_identification, households::identification_step,
        households::create, households::update, households::add_member, households::update_member,
        households::set_dibao, households::set_warning_kinds, households::propose_measures, households::propose_elimination, excel::export, excel::template, excel::import,
        cases::list, cases::get_one, cases::create, cases::step, cases::reassign, cases::export, cases::save_measure, evidence::upload, evidence::withdraw, screening::push, screening::template,
        policy::get_one,
        visits::record, visits::get_one, visits::mine, visits::coverage, visits::sweep, visits::sweep_ledgers_file, evidence::upload_visit_photos,
        meetings::list, meetings::get_one,
        supervision::list, supervision::create, supervision::get_one, supervision::step, supervision::record,
        supervision::hand_over, supervision::recheck, supervision::carry_over, supervision::workpaper,
        supervision::summary_file, evidence::upload_finding_evidence, supervision::similar, supervision::draw_followup,
        supervision::confirm_followup, crosscheck::list, crosscheck::create, crosscheck::get_one, crosscheck::add_team,
        crosscheck::declare_conflict, crosscheck::confirm_pairing, crosscheck::draw, crosscheck::verify, crosscheck::replace, crosscheck::draw_file,
        crosscheck_sheets::sheet, crosscheck_sheets::save, crosscheck_sheets::amend, evidence::upload_sheet_photos,
        crosscheck_sheets::findings, crosscheck_sheets::hand_over, crosscheck_sheets::self_score,
        crosscheck_sheets::scores, crosscheck_sheets::report_file,
        accountability::candidates, accountability::dismiss, accountability::open, accountability::list,
        accountability::get_one, accountability::step, accountability::subjects,
        assessment::table, assessment::compute, assessment::publish, assessment::table_file, assessment::unit,
        assessment::vetoes, assessment::propose, assessment::get_veto, assessment::veto_step,
    ),
    components(schemas(
        auth::LoginRequest, auth::PasswordChange, app::permissions::Caller, app::permissions::RoleGrant, app::permissions::Role,
        app::org::OrgUnitView, app::org::OrgLevel,
        app::households::HouseholdPage, app::households::HouseholdSummary, app::households::HouseholdDetail, app::household_file::HouseholdFile,
        app::households::MemberView, app::households::IncomeForm, households::NewHousehold, households::Created,
        app::households::HouseholdForm, app::households::MemberForm, app::households::DibaoForm,
        app::households::DibaoView, app::households::WarningKindsForm, app::households::MonitoringStatus, app::workflow::procedure::EliminationForm,
        app::audit::AuditRecordView, app::excel::ImportReport, app::excel::RowIssue,
        app::cases::CasePageView, app::cases::CaseSummary, app::cases::CaseDetail, app::cases::CaseEventView,
        app::cases::NewCaseForm, app::cases::ReassignForm, app::cases::Status, app::cases::lifecycle::ActionForm,
        cases::Count, app::cases::measures::MeasureForm, evidence::Uploaded, evidence::UploadForm, evidence::WithdrawRequest, screening::WarningsRequest,
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
        app::supervision::RoundSummary, app::supervision::RoundView, app::supervision::RoundForm, app::supervision::FindingForm,
        app::supervision::HandOverForm, app::supervision::RecheckForm, app::supervision::Workpaper,
        supervision::NewId, supervision::RoundStep, supervision::CarryOverReason, supervision::FollowUpConfirmation,
        supervision::Drawn, app::supervision::SimilarProblems, app::supervision::FollowUpDrawForm,
        crosscheck::DrawRequest, app::crosscheck::CheckSummary, app::crosscheck::CheckView, app::crosscheck::PlanForm,
        app::crosscheck::TeamForm, app::crosscheck::ConflictForm, app::crosscheck::Verification,
        app::crosscheck::ReplaceForm, crosscheck::Replacement,
        app::crosscheck::SheetPage, app::crosscheck::sheet::SheetForm, crosscheck_sheets::AddendumRequest,
        app::crosscheck::TownshipFindings, app::crosscheck::HandOverForm, crosscheck_sheets::HandedOver,
        app::crosscheck::SelfScoreForm, app::crosscheck::ScoresView,
        app::accountability::CandidatesView, app::accountability::DismissForm, app::accountability::OpenForm,
        app::accountability::RecordSummary, app::accountability::RecordView, app::accountability::StepForm,
        app::assessment::AssessmentTable, app::assessment::UnitAssessmentView, app::assessment::VetoForm,
        app::assessment::VetoStepForm, app::assessment::VetoView, app::assessment::VetoesView,
    )),
    modifiers(&SecuritySchemes, &CommonErrors),
    security(("bearer" = []), ("session" = [])),
)]
struct ApiDoc;

/// The error body every endpoint returns on failure (`AppError` as a response).
#[derive(utoipa::ToSchema, serde::Serialize)]
struct ErrorBody {
    /// `bad_request` (400: a query or path parameter of the wrong type, a body that is not JSON),
    /// `unauthenticated` or `login_failed` (401), `forbidden` or `cross_origin` (403), `not_found` (404),
    /// `method_not_allowed` (405), `conflict` (409), `payload_too_large` (413), `unsupported_media_type`
    /// (415), `validation` (422), `rate_limited` (429), `internal` (500).
    error: String,
    /// A sentence in Chinese for the user.
    message: String,
    /// The offending field or parameter, for `validation` and `bad_request` (the first, when there are
    /// several); null otherwise.
    #[schema(required = true)]
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

/// The refusals an operation can answer besides its own, added to each operation that does not name them
/// itself: 400 (a parameter or body it cannot read), 401, 403; 404 where the path names a record; 422
/// where it takes parameters or a body; 413 and 415 where it takes a body.
struct CommonErrors;

const COMMON_ERRORS: [(&str, &str); 7] = [
    ("400", "请求无法识别：参数类型不对，或内容不是 JSON"),
    ("401", "尚未登录、登录已过期或令牌无效"),
    ("403", "无权执行此操作，或请求来源不被信任"),
    ("404", "记录不存在，或不在您的管辖范围内"),
    ("413", "提交的内容超过大小上限"),
    ("415", "内容类型不对（JSON 接口须 application/json，上传须 multipart/form-data）"),
    ("422", "内容或参数有误：缺少字段、字段类型不对或未通过校验"),
];

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, description) in COMMON_ERRORS {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
            let response = ResponseBuilder::new().description(description).content("application/json", content);
            components.responses.insert(format!("Error{status}"), RefOr::T(response.build()));
        }
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete].into_iter().flatten() {
                for status in common_errors_of(operation) {
                    let error = RefOr::Ref(Ref::from_response_name(format!("Error{status}")));
                    operation.responses.responses.entry(status.to_string()).or_insert(error);
                }
            }
        }
    }
}

fn common_errors_of(operation: &Operation) -> Vec<&'static str> {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has_body = operation.request_body.is_some();
    let mut statuses = vec!["401", "403"];
    if has_body || !parameters.is_empty() {
        statuses.extend(["400", "422"]);
    }
    if parameters.iter().any(|p| p.parameter_in == ParameterIn::Path) {
        statuses.push("404");
    }
    if has_body {
        statuses.extend(["413", "415"]);
    }
    statuses
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Every route but the public ones asks to sign in before anything else: no id is looked up and no body is
/// read for an anonymous client, so each answers it 401 alike.
async fn require_signed_in(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    match req.extensions().get::<app::request::RequestContext>() {
        Some(ctx) if ctx.caller.is_some() => next.run(req).await,
        _ => app::error::AppError::Unauthenticated.into_response(),
    }
}

pub fn router() -> Router<AppState> {
    let public = Router::new()
        .route("/openapi.json", get(openapi))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/screening/template.csv", get(screening::template))
        .route("/imports/template.csv", get(excel::template));
    let signed_in = Router::new()
        .route("/auth/password", post(auth::change_password))
        .route("/me", get(auth::me))
        .route("/org-units", get(org::list))
        .route("/org-units/{code}", get(org::get_one))
        .route("/households", get(households::list).post(households::create))
        .route("/households/{code}", get(households::get_one).put(households::update))
        .route("/households/{code}/members", post(households::add_member))
        .route("/households/{code}/members/{member_id}", put(households::update_member))
        .route("/households/{code}/dibao", put(households::set_dibao))
        .route("/households/{code}/warning-kinds", put(households::set_warning_kinds))
        .route("/households/{code}/elimination", post(households::propose_elimination))
        .route("/households/{code}/measures-appraisal", post(households::propose_measures))
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
        .route("/meetings", get(meetings::list))
        .route("/meetings/{id}", get(meetings::get_one))
        .route("/supervision/rounds", get(supervision::list).post(supervision::create))
        .route("/supervision/rounds/{id}", get(supervision::get_one))
        .route("/supervision/rounds/{id}/steps", post(supervision::step))
        .route("/supervision/rounds/{id}/summary.xlsx", get(supervision::summary_file))
        .route("/supervision/rounds/{id}/findings", post(supervision::record))
        .route("/supervision/rounds/{id}/units/{code}/workpaper", get(supervision::workpaper))
        .route("/supervision/findings/{id}/hand-over", post(supervision::hand_over))
        .route("/supervision/findings/{id}/recheck", post(supervision::recheck))
        .route("/supervision/findings/{id}/carry-over", post(supervision::carry_over))
        .route("/supervision/findings/{id}/similar", get(supervision::similar))
        .route("/supervision/rounds/{id}/followup", post(supervision::draw_followup))
        .route("/supervision/rounds/{id}/followup/confirmations", post(supervision::confirm_followup))
        .route("/cross-checks", get(crosscheck::list).post(crosscheck::create))
        .route("/cross-checks/{id}", get(crosscheck::get_one))
        .route("/cross-checks/{id}/teams", post(crosscheck::add_team))
        .route("/cross-checks/{id}/conflicts", post(crosscheck::declare_conflict))
        .route("/cross-checks/{id}/pairing", post(crosscheck::confirm_pairing))
        .route("/cross-checks/{id}/draw", post(crosscheck::draw))
        .route("/cross-checks/{id}/verification", get(crosscheck::verify))
        .route("/cross-checks/{id}/replacements", post(crosscheck::replace))
        .route("/cross-checks/{id}/draw.xlsx", get(crosscheck::draw_file))
        .route("/cross-checks/units/{unit}/sheet", get(crosscheck_sheets::sheet))
        .route("/cross-checks/sheets", post(crosscheck_sheets::save))
        .route("/cross-checks/sheets/{id}/addenda", post(crosscheck_sheets::amend))
        .route(
            "/cross-checks/sheets/{id}/photos",
            post(evidence::upload_sheet_photos).layer(DefaultBodyLimit::disable()),
        )
        .route("/cross-checks/{id}/townships/{code}/findings", get(crosscheck_sheets::findings))
        .route("/cross-checks/findings/{id}/handover", post(crosscheck_sheets::hand_over))
        .route("/cross-checks/{id}/self-scores", axum::routing::put(crosscheck_sheets::self_score))
        .route("/cross-checks/{id}/scores", get(crosscheck_sheets::scores))
        .route("/cross-checks/{id}/report.xlsx", get(crosscheck_sheets::report_file))
        .route("/accountability/candidates", get(accountability::candidates))
        .route("/accountability/dismissals", post(accountability::dismiss))
        .route("/accountability/records", get(accountability::list).post(accountability::open))
        .route("/accountability/records/{id}", get(accountability::get_one))
        .route("/accountability/records/{id}/steps", post(accountability::step))
        .route("/accountability/subjects", get(accountability::subjects))
        .route("/assessments/{year}", get(assessment::table))
        .route("/assessments/{year}/computation", post(assessment::compute))
        .route("/assessments/{year}/publication", post(assessment::publish))
        .route("/assessments/{year}/table.xlsx", get(assessment::table_file))
        .route("/assessments/{year}/units/{code}", get(assessment::unit))
        .route("/assessments/{year}/vetoes", get(assessment::vetoes))
        .route("/vetoes", post(assessment::propose))
        .route("/vetoes/{id}", get(assessment::get_veto))
        .route("/vetoes/{id}/steps", post(assessment::veto_step))
        .route(
            "/supervision/findings/{id}/evidence",
            post(evidence::upload_finding_evidence).layer(DefaultBodyLimit::disable()),
        )
        .route("/visits", post(visits::record))
        .route("/visits/mine", get(visits::mine))
        .route("/visits/coverage", get(visits::coverage))
        .route("/visits/sweep", get(visits::sweep))
        .route("/visits/sweep/ledgers.xlsx", get(visits::sweep_ledgers_file))
        .route("/visits/{id}", get(visits::get_one))
        .route("/visits/{id}/photos", post(evidence::upload_visit_photos).layer(DefaultBodyLimit::disable()))
        .route("/exports/{roster}", get(excel::export))
        .route("/imports/households", post(excel::import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route_layer(axum::middleware::from_fn(require_signed_in));
    public
        .merge(signed_in)
        // After the routes: it applies to the routes added so far. Both answer the API's error body.
        .method_not_allowed_fallback(|| async { app::error::AppError::MethodNotAllowed })
        .fallback(|| async { app::error::AppError::NotFound })
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
