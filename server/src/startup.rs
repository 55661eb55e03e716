//! Building the application from its settings: the state, the router, the listener. Tests build the
//! very same application with `Application::build`.

use std::any::Any;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use anyhow::Context;
use app::error::AppError;
use app::state::{AppState, SecuritySettings};
use app::time::{Clock, SystemClock};
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes, file_and_error_handler_with_context, generate_route_list,
    handle_server_fns_with_context,
};
use sea_orm::ConnectionTrait;
use tower::ServiceExt;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::config::Settings;

pub struct Application {
    pub state: AppState,
    listener: tokio::net::TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown_timeout: Duration,
}

impl Application {
    /// Open (and migrate) the database, bind the address, and build the router.
    pub async fn build(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let db = crate::database::connect(settings).await?;
        let session_key = crate::database::session_key(&db, settings).await?;
        crate::audit::open(settings, &db, clock.now()).await?;
        let listener = tokio::net::TcpListener::bind(settings.bind_addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.bind_addr))?;
        let addr = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name(crate::assets::bundle_name(&settings.site_root))
            .site_root(settings.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .site_addr(addr)
            .build();
        let state = AppState {
            db,
            clock,
            security: SecuritySettings {
                session_key: session_key.into(),
                idle_timeout: settings.session_idle,
                absolute_timeout: settings.session_absolute,
                cookie_secure: settings.public_url.starts_with("https://"),
                allowed_origins: vec![settings.public_origin()],
                trust_proxy_headers: settings.trust_proxy_headers,
                login_max_failures_per_account: settings.login_max_failures_per_account,
                login_max_failures_per_address: settings.login_max_failures_per_address,
                login_failure_window: settings.login_failure_window,
                audit_checkpoints: settings.audit_checkpoints(),
            },
            evidence: app::evidence::store::EvidenceStore::open(
                &settings.evidence_backend(),
                settings.evidence_dir.join("incoming"),
                settings.evidence_max_mb * 1024 * 1024,
            )?,
            imports: Default::default(),
            self_reports: Default::default(),
            denials: Default::default(),
            refused: Default::default(),
            leptos_options,
        };
        let printer = crate::pdf::Printer::load(&settings.print_font, settings.print_templates_dir.as_deref());
        let router = router(state.clone(), settings).layer(axum::Extension(Arc::new(printer)));
        Ok(Application {
            state,
            listener,
            router,
            header_read_timeout: settings.header_read_timeout,
            shutdown_timeout: settings.shutdown_timeout,
        })
    }

    /// Build with the system clock.
    pub async fn build_default(settings: &Settings) -> anyhow::Result<Application> {
        Application::build(settings, Arc::new(SystemClock)).await
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// Bring stale risk verdicts up to date in the background (after a restart or a new year). The
    /// `serve` command calls it; tests call `reevaluate_stale` themselves when they need it.
    pub fn catch_up_in_background(&self) {
        let (db, now) = (self.state.db.clone(), self.state.clock.now());
        tokio::spawn(async move {
            match app::households::service::evaluation::reevaluate_stale(&db, now).await {
                Ok(changed) => tracing::info!(changed, "stale risk verdicts brought up to date"),
                Err(e) => tracing::error!(error = %e, "bringing stale risk verdicts up to date failed"),
            }
        });
    }

    /// Serve until Ctrl-C / SIGTERM.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serve until `shutdown` completes, then stop accepting, give the requests in flight the shutdown
    /// deadline to finish, and close the connections still open after it. A client that has not sent a
    /// whole request header within the header read timeout is disconnected.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Application { listener, router, header_read_timeout, shutdown_timeout, .. } = self;
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
        let graceful = GracefulShutdown::new();
        let mut connections = tokio::task::JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                () = &mut shutdown => break,
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                accepted = listener.accept() => match accepted {
                    Ok((stream, remote)) => {
                        let service = router.clone().map_request(move |mut request: Request<hyper::body::Incoming>| {
                            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
                            request.map(Body::new)
                        });
                        let connection = builder
                            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
                            .into_owned();
                        let connection = graceful.watch(connection);
                        connections.spawn(async move {
                            if let Err(e) = connection.await {
                                tracing::debug!(error = %e, %remote, "connection ended with an error");
                            }
                        });
                    }
                    // Out of file descriptors and the like: wait a little rather than spin.
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                },
            }
        }
        drop(listener);
        if tokio::time::timeout(shutdown_timeout, graceful.shutdown()).await.is_err() {
            connections.abort_all();
            let mut closed = 0;
            while let Some(ended) = connections.join_next().await {
                closed += usize::from(ended.is_err_and(|e| e.is_cancelled()));
            }
            tracing::warn!(closed, deadline = ?shutdown_timeout, "connections still open at the shutdown deadline were closed");
        }
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

/// The app's page routes, generated once per process. Generating them runs the app with resource loading
/// suppressed through a process-wide flag (leptos_server's `SuppressResourceLoad`); a page rendered by
/// another router in the same process while that flag is up waits forever (leptos issue #4773). One
/// process serves one router in production, but the tests start many: generating the list once, before
/// any router exists, keeps every render clear of that window.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// How long a request may take before it is answered 408 (reading its body included).
#[derive(Clone, Copy)]
struct Deadlines {
    request: Duration,
    upload: Duration,
}

impl Deadlines {
    fn of(settings: &Settings) -> Deadlines {
        Deadlines { request: settings.request_timeout, upload: settings.upload_timeout }
    }
}

/// Uploads (multipart forms: evidence, visit photos, household and department files), which may come
/// over a slow link, get the upload timeout; every other request the request timeout.
async fn deadline(State(deadlines): State<Deadlines>, request: Request, next: Next) -> Response {
    let upload = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("multipart/form-data"));
    let limit = if upload { deadlines.upload } else { deadlines.request };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(?limit, "a request was not answered in time");
            (StatusCode::REQUEST_TIMEOUT, "请求超时").into_response()
        }
    }
}

fn router(state: AppState, settings: &Settings) -> Router {
    let routes = page_routes();
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    let fallback_state = state.clone();

    Router::new()
        .route("/healthz", get(healthz))
        .merge(crate::assets::router(std::path::Path::new(state.leptos_options.site_root.as_ref())))
        .nest("/api", crate::api::router())
        .route(
            "/imports/households",
            axum::routing::post(crate::api::excel::import_form)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::UPLOAD_LIMIT)),
        )
        .route(
            "/cases/{id}/evidence",
            axum::routing::post(crate::api::evidence::upload_form).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/visits/{id}/photos",
            axum::routing::post(crate::api::evidence::visit_photos_form)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/supervision/findings/{id}/evidence",
            axum::routing::post(crate::api::evidence::finding_evidence_form)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/cross-checks/sheets/{id}/photos",
            axum::routing::post(crate::api::evidence::sheet_photos_form)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/screening/upload",
            axum::routing::post(crate::api::screening::upload_form)
                .layer(axum::extract::DefaultBodyLimit::max(app::screening::service::intake::MAX_BYTES + 64 * 1024)),
        )
        .route("/prints/households/{code}/visit-sheet.pdf", get(crate::api::prints::visit_sheet))
        .route("/prints/households/{code}/commitment.pdf", get(crate::api::prints::commitment))
        .route("/prints/households/{code}/public-notice.pdf", get(crate::api::prints::public_notice))
        .route("/prints/supervision/{id}/units/{code}/handover.pdf", get(crate::api::prints::supervision_handover))
        .route("/prints/supervision/{id}/units/{code}/workpaper.pdf", get(crate::api::prints::supervision_workpaper))
        .route("/prints/supervision/{id}/summary.pdf", get(crate::api::prints::supervision_summary))
        .route(
            "/prints/cross-checks/{id}/villages/{code}/sheets.pdf",
            get(crate::api::prints::cross_check_blank_sheets),
        )
        .route("/prints/cross-checks/units/{unit}/sheet.pdf", get(crate::api::prints::cross_check_sheet))
        .route("/prints/cross-checks/{id}/report.pdf", get(crate::api::prints::cross_check_report))
        .route("/prints/accountability/{id}/decision.pdf", get(crate::api::prints::accountability_decision))
        .route("/prints/assessments/{year}/table.pdf", get(crate::api::prints::assessment_table))
        .route("/prints/assessments/vetoes/{id}/decision.pdf", get(crate::api::prints::assessment_veto))
        .route("/prints/visits/{id}/visit-sheet.pdf", get(crate::api::prints::recorded_visit_sheet))
        .route("/prints/villages/{code}/visit-sheets.pdf", get(crate::api::prints::village_visit_sheets))
        .route("/prints/meetings/{id}/minutes.pdf", get(crate::api::prints::meeting_minutes))
        .route("/prints/meetings/book.pdf", get(crate::api::prints::meeting_book))
        .route("/evidence/{id}", get(crate::api::evidence::file))
        .route("/evidence/{id}/thumbnail", get(crate::api::evidence::thumbnail))
        .route("/rpc/{*fn_name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(axum::middleware::map_response(server_fn_status))
        .layer(axum::middleware::from_fn(crate::middleware::server_functions_need_sign_in))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::refill::keep_refused_input))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::middleware::authenticate))
        // Pages and API answers carry personal data: no shared cache keeps them, and the browser asks again.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ))
        // HTML and JSON compressed on the fly; the bundle is already compressed (it has a Content-Encoding).
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(Deadlines::of(settings), deadline))
        .layer(catch_panics())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn server_fn(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// server_fn answers every error of a server function with 500; the error in the body names its own
/// status (404, 403, 422, …: `AppError::status`), set here so that a refusal is not a server failure.
async fn server_fn_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => return AppError::internal(format!("server function error unreadable: {e}")).into_response(),
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = error.status();
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A panic inside a request answers 500 with the API's `AppError::Internal` body instead of dropping the
/// connection; the panic hook (`log_panics`) has logged it.
fn catch_panics() -> CatchPanicLayer<fn(Box<dyn Any + Send>) -> Response> {
    CatchPanicLayer::custom(panic_response as fn(_) -> _)
}

fn panic_response(_: Box<dyn Any + Send>) -> Response {
    AppError::Internal.into_response()
}

/// Log a panic as one line, its message and place, instead of the default report on standard error.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(ToString::to_string).unwrap_or_default();
        tracing::error!(%place, "panic: {}", info.payload_as_str().unwrap_or("(no message)"));
    }));
}

/// 200 when the database answers.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

#[cfg(test)]
mod tests {
    use tower::ServiceExt;

    use super::*;

    async fn panics() -> &'static str {
        panic!("a handler panicked")
    }

    #[tokio::test]
    async fn a_panic_answers_the_internal_error_in_chinese_and_the_router_keeps_serving() {
        let router =
            Router::new().route("/panic", get(panics)).route("/ok", get(|| async { "ok" })).layer(catch_panics());
        let get_body = |path: &str| Request::get(path).body(Body::empty()).unwrap();

        let response = router.clone().oneshot(get_body("/panic")).await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body: serde_json::Value =
            serde_json::from_slice(&axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()).unwrap();
        assert_eq!(body["error"], "internal");
        assert_eq!(body["message"], "系统出现内部错误，请稍后再试；如持续出现，请联系管理员。");

        let response = router.oneshot(get_body("/ok")).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(&axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()[..], b"ok");
    }
}
