//! Building the server from its settings: the catalog, the database, the
//! storage, the shared state, the background jobs and every route.

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;

use crate::settings::ServeSettings;

use crate::hosting::{limits, serve, web};
use crate::notify::{sms, webhook as webhooks};
use crate::state::AppState;
use crate::{account, apply, at_rest, case, catalog, db, error, holidays, openapi};

/// The whole HTTP surface: `/api/…` and the app.
/// How requests are paced and shed, from the settings.
pub struct Traffic {
    pub pace: crate::hosting::body::Pace,
    pub shed: crate::hosting::shed::Shed,
}

pub fn app(state: Arc<AppState>, uploads: Router, dist: &std::path::Path, traffic: Traffic) -> Router {
    let csp = HeaderValue::try_from(web::content_security_policy_for(dist)).expect("CSP is ASCII");
    let (api, document) = utoipa_axum::router::OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        // In the order of the journey: catalog → apply → case.
        .merge(catalog::routes::routes())
        .merge(apply::application_key::routes())
        .merge(apply::drafts::routes())
        .merge(apply::uploads::checks::check_routes())
        .merge(apply::notice_channels::routes())
        .merge(apply::phone_codes::routes())
        .merge(apply::submissions::routes())
        .merge(case::applicant::routes())
        .merge(case::recovery::routes())
        .merge(case::staff::routes())
        .merge(case::staff_list::routes())
        .merge(case::ledger::routes())
        .merge(case::work_orders::routes())
        .merge(case::hall_pad::routes())
        .merge(case::qr::routes())
        .merge(case::documents::routes())
        .merge(case::figures::routes())
        .merge(crate::exchange::ratings::routes())
        .merge(account::routes::routes())
        .merge(account::my_cases::routes())
        .merge(account::personal_data::routes())
        .merge(apply::reuse::routes())
        .merge(account::wechat::routes())
        .merge(account::zhejiang::routes())
        .merge(account::guangdong::routes())
        .split_for_parts();
    let document = Arc::new(document);
    let api = api
        .route("/openapi.json", axum::routing::get(move || async move { axum::Json(document.as_ref().clone()) }))
        .fallback(|| async { error::ApiError::NotFound("没有这个接口".to_owned()) })
        .with_state(Arc::clone(&state))
        // An API answer that takes longer than this is not coming (uploads are not under /api/ here).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(30),
        ))
        .layer(CompressionLayer::new())
        // Personal data is never cached; the catalog's prepared answers say `no-cache` themselves.
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    // Every tus route behind the owner guard; `/api/uploads/` (tusd's spelling) as well.
    let uploads = uploads.layer(axum::middleware::from_fn_with_state(Arc::clone(&state), apply::uploads::owner::guard));
    let with_slash = tower::ServiceExt::map_request(uploads.clone(), |mut request: axum::extract::Request| {
        let query = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        if let Ok(uri) = format!("{}{query}", apply::uploads::owner::BASE).parse() {
            *request.uri_mut() = uri;
        }
        request
    });
    Router::new()
        .merge(uploads)
        .route_service("/api/uploads/", with_slash)
        .nest("/api", api)
        .merge(web::app_routes(dist))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        // Older browsers that ignore CSP's frame-ancestors; and HTTPS only once seen over HTTPS
        // (browsers ignore the header on plain HTTP, so a loopback or test server is unaffected).
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN")))
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(), microphone=(), payment=()"),
        ))
        // A request body that stops sending for a minute, or trickles, is given up.
        .layer(axum::middleware::from_fn_with_state(traffic.pace, crate::hosting::body::paced))
        // Past the requests the server can carry at once, new ones are told to come back.
        .layer(axum::middleware::from_fn_with_state(traffic.shed, crate::hosting::shed::shed))
        .layer(TraceLayer::new_for_http())
}

/// A server bound to its address, ready to run.
pub struct Server {
    listener: TcpListener,
    router: Router,
    limits: serve::Limits,
    state: Arc<AppState>,
}

impl Server {
    /// Load the catalog (refusing a bad one), open the database, bind the address.
    pub async fn build(settings: &ServeSettings) -> anyhow::Result<Self> {
        let catalog = catalog::load(&settings.catalog, &settings.public_dir())?;
        create_private_dir(&settings.data_dir)?;
        let db = db::connect_with(&settings.database_url(), settings.auto_migrate)
            .await
            .context("cannot open the database")?;
        db::record_catalog_version(&db, &catalog).await?;
        tracing::info!(items = catalog.items.len(), version = %catalog.version, "catalog loaded");
        let province_number = crate::case::province_number::pattern(&settings.province, &catalog)?;
        let exchange = crate::exchange::Exchange::from_settings(&settings.province, &catalog)?;
        let catalog = Arc::new(catalog);
        let operator = apply::uploads::store::operator(&settings.data_dir, &settings.storage)?;
        let keys = Arc::new(settings.data_keys()?);
        at_rest::lookup::migrate(&db, &keys.lookup()).await.context("cannot move bearer codes to keyed hashes")?;
        // After the codes: a draft's row is named by its code's hash.
        at_rest::key_rotation::seal_once_clear(&db, &keys).await.context("cannot seal stored values")?;
        at_rest::key_rotation::bind_legacy_at_start(&db, &keys).await.context("cannot seal stored values again")?;
        let (upload_routes, upload_files) =
            apply::uploads::store::build(operator, db.clone(), Arc::clone(&catalog), Arc::clone(&keys)).await?;
        let calendar = holidays::load(&settings.calendar_dir())?;
        let today = match &settings.today {
            Some(text) => Some(
                domain::time::date::Date::parse(text)
                    .with_context(|| format!("--today is not a date (YYYY-MM-DD): {text}"))?,
            ),
            None => None,
        };
        if !calendar.covers(db::china_date().year) {
            tracing::warn!(year = db::china_date().year, "no holiday data for this year: deadlines skip weekends only");
        }
        let state = AppState {
            catalog,
            db,
            retention: settings.retention.clone(),
            uploads: upload_files,
            calendar,
            today,
            limiter: limits::Limiter::default(),
            lookups_per_minute: settings.lookups_per_minute,
            trusted_proxies: settings.trusted_proxies()?,
            clamd: settings.clamd()?,
            limits: settings.limits.clone(),
            keys,
            webhooks: webhooks::Webhooks::load(settings.notify.webhooks.as_deref())?,
            sms: sms::SmsProvider::from_settings(&settings.notify)?,
            wechat: crate::notify::wechat::WechatNotices::from_settings(&settings.sign_in, &settings.notify)?,
            notify: settings.notify.clone(),
            figures: tokio::sync::Mutex::new(None),
            figures_max_age: std::time::Duration::from_secs(settings.figures_max_age_secs),
            default_rating_days: settings.default_rating_days,
            documents: settings.documents.clone(),
            document_font: std::sync::OnceLock::new(),
            province_number,
            exchange,
            sign_in: settings.sign_in.clone(),
            oidc: tokio::sync::OnceCell::new(),
        };
        let state = Arc::new(state);
        case::store::index::backfill(&state).await.context("cannot index the stored cases for the staff search")?;
        crate::scheduler::start(Arc::clone(&state));
        let traffic =
            Traffic { pace: settings.body_pace(), shed: crate::hosting::shed::Shed::new(settings.max_in_flight) };
        let router = app(Arc::clone(&state), upload_routes, &settings.dist, traffic);
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        Ok(Self { listener, router, limits: settings.connection_limits(), state })
    }

    /// What the handlers share (for running housekeeping from tests and tools).
    pub fn state(&self) -> Arc<AppState> {
        Arc::clone(&self.state)
    }

    pub fn local_addr(&self) -> std::net::SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Serve until `shutdown` completes, finishing requests under way.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        serve::serve(self.listener, self.router, self.limits, shutdown).await
    }
}

/// Make `dir` for this user only (0700), and every file this process creates
/// from now on 0600: the data directory holds personal data.
pub fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    // SAFETY: umask only sets the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot make the data directory {} private", dir.display()))?;
    }
    Ok(())
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
