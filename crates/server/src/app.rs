//! The app: every API crate's routes, the shared middleware, and the server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, get, web};
use plateforme_api::{ApiError, BodyLimit, ErrorCode};
use plateforme_auth::external::ExternalIssuer;
use plateforme_auth::keys::KeyRing;
use plateforme_auth::rate_limit::RateLimiter;
use plateforme_auth::revocations::Revocations;
use plateforme_auth::route_scopes::{RouteScopes, UndeclaredSecurity};
use plateforme_auth::tokens::TokenSettings;
use plateforme_auth::{AuthSettings, AuthState, SharedAuth};
use plateforme_dossier::NirKey;
use plateforme_store::access::journal;
use plateforme_store::dossier::erasure;
use plateforme_store::{Store, StoreError, StoreOptions, idempotency, upkeep};
use utoipa::openapi::OpenApi as Document;
use utoipa_actix_web::{AppExt, scope};

use crate::config::Config;
use crate::fallback::{KnownRoutes, fallback, refuse_shadowed_methods};
use crate::{head, health, openapi, problems, status};

/// The routes that the contract documents, and the contract.
pub fn documented_routes() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody>,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    Document,
) {
    App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .service(openapi::DOMAINS.iter().fold(scope("/v1"), |v1, domain| v1.configure(domain.configure)))
        .configure(plateforme_auth::configure_oauth)
        .service(health::live)
        .service(health::ready)
        .service(health::metrics)
        .service(status::get_status)
        .service(problems::list_problem_types)
        .service(problems::get_problem_type)
        .split_for_parts()
}

/// Why the services cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An operation of the contract does not say who may call it.
    #[error(transparent)]
    Security(#[from] UndeclaredSecurity),
    /// A search index cannot be opened (its folder unusable, or held by another process).
    #[error(transparent)]
    Search(#[from] plateforme_search::SearchError),
}

/// This replica's search indexes, for the readiness probe and the metrics.
#[derive(Clone)]
pub struct SearchIndexes(pub Vec<plateforme_search::Indexer>);

/// What every worker shares: built once per process.
#[derive(Clone)]
pub struct Services {
    pub store: Store,
    pub auth: SharedAuth,
    pub body_limit: BodyLimit,
    pub batch_limit: plateforme_offers::BatchLimit,
    /// How often the offer expiry sweep runs.
    pub expiry_sweep: Duration,
    pub secrecy: plateforme_indicators::Secrecy,
    /// What secrecy hides of each indicator of the current vintage, worked out once.
    pub published: plateforme_indicators::published::Patterns,
    pub feed_patterns: plateforme_indicators::FeedPatterns,
    /// Whether this replica keeps the indicators' live figures current.
    pub indicators_live_follower: bool,
    /// How long a dossier is kept after its last change.
    pub dossier_retention: chrono::Duration,
    /// How far back the change feed's followers may resume, and how often a long-poll reads.
    pub feed: plateforme_sync::FeedSettings,
    /// The offers' search index of this replica, following the change feed.
    pub offers_index: plateforme_offers::OffersIndex,
    /// How the webhooks are checked and delivered (issue 12, item 3).
    pub webhooks: plateforme_sync::WebhookSettings,
    nir_key: Arc<NirKey>,
    contract: Arc<String>,
    /// `info.version` of the contract, for the status page.
    contract_version: Arc<str>,
    /// The developer portal's pages, read from the contract once (issue 21).
    portal: web::Data<plateforme_portal::Portal>,
    /// The profiles' search index of this replica and the key of the recruiters' pseudonyms
    /// (issue 14).
    pub profiles_index: plateforme_profiles::ProfilesIndex,
    profile_pseudonyms: Arc<plateforme_profiles::PseudonymKey>,
    known_routes: Arc<KnownRoutes>,
    /// The headers of the deprecated operations' responses, read from the contract.
    deprecations: web::Data<crate::deprecations::Announcements>,
    /// The training catalogue's search index of this replica (issue 15, item 4).
    pub trainings_index: plateforme_training::TrainingsIndex,
}

impl Services {
    /// Opens the signing keys (creating the first one on a new database) and reads the
    /// contract once: it says which routes exist and which scopes each needs. An operation
    /// that declares no security stops the start.
    pub fn new(store: Store, config: &Config) -> Result<Services, StartError> {
        Services::with_contract(store, config, openapi::document())
    }

    /// The same, from a given contract (tests give one with a flaw, or a deprecation of their
    /// own: `deprecations::mark`).
    pub fn with_contract(store: Store, config: &Config, document: Document) -> Result<Services, StartError> {
        let routes = RouteScopes::from_openapi(&document)?;
        let contract = serde_json::to_value(&document).unwrap_or_default();
        let lifetime = chrono::Duration::seconds(i64::try_from(config.token_lifetime_secs).unwrap_or(600));
        let settings = AuthSettings {
            tokens: TokenSettings { issuer: config.issuer(), audience: config.audience.clone(), lifetime },
            profile: config.profile,
            default_rate_limit_per_minute: config.default_rate_limit_per_minute,
            anonymous_rate_limit_per_minute: config.anonymous_rate_limit_per_minute,
            public_read_rate_limit_per_minute: config.public_read_rate_limit_per_minute,
            token_rate_limit_per_minute: config.token_rate_limit_per_minute,
            trusted_proxies: config.trusted_proxies().map_err(StoreError::Config)?,
        };
        let revocation_refresh = Duration::from_secs(config.token_revocation_refresh_secs);
        plateforme_store::cursor::install_key(config.cursor_key());
        let encryption = Arc::new(key_encryption(config)?);
        // The KEKs open the signing keys first: a wrong one stops the start here, naming it.
        let keys = KeyRing::open(store.clone(), lifetime, encryption.clone())?;
        store.install_key_encryption(encryption);
        let offers_index = plateforme_offers::OffersIndex::start(&config.search_index_dir, store.clone())?;
        let profiles_index = plateforme_profiles::ProfilesIndex::start(&config.search_index_dir, store.clone())?;
        let trainings_index = plateforme_training::TrainingsIndex::start(&config.search_index_dir, store.clone())?;
        let auth = AuthState {
            settings,
            keys,
            store: store.clone(),
            limiter: RateLimiter::new(store.clone()),
            routes,
            external: config.external_issuer.clone().map(ExternalIssuer::new),
            verified: Default::default(),
            revocations: Revocations::new(revocation_refresh, lifetime),
        };
        Ok(Services {
            store,
            auth: Arc::new(auth),
            body_limit: BodyLimit(config.max_body_bytes),
            batch_limit: plateforme_offers::BatchLimit(config.max_batch_bytes),
            expiry_sweep: Duration::from_secs(config.offer_expiry_sweep_secs),
            secrecy: config.secrecy(),
            published: Default::default(),
            feed_patterns: Default::default(),
            indicators_live_follower: config.indicators_live_follower,
            dossier_retention: chrono::Duration::days(i64::from(config.dossier_retention_days)),
            feed: plateforme_sync::FeedSettings {
                retention: chrono::Duration::days(i64::from(config.change_feed_retention_days)),
                ..plateforme_sync::FeedSettings::default()
            },
            offers_index,
            webhooks: config.webhook_settings(),
            nir_key: Arc::new(NirKey(config.nir_key())),
            contract: Arc::new(openapi::to_json(&document).unwrap_or_default()),
            contract_version: Arc::from(document.info.version.as_str()),
            portal: web::Data::new(plateforme_portal::Portal::new(&contract, plateforme_portal::Sandbox::off())),
            deprecations: web::Data::new(crate::deprecations::Announcements::of_contract(&contract)),
            known_routes: Arc::new(KnownRoutes::from_openapi(&document)),
            profiles_index,
            profile_pseudonyms: Arc::new(plateforme_profiles::PseudonymKey::derived_from(&config.nir_key())),
            trainings_index,
        })
    }
}

impl Services {
    /// Offers the demo clients in the portal's sandbox (`serve --demo`): never under the
    /// production profile, where demo data is refused anyway.
    pub fn with_sandbox(mut self, config: &Config, clients: Vec<plateforme_portal::DemoClient>) -> Services {
        let sandbox =
            plateforme_portal::Sandbox::offered(config.profile == plateforme_auth::Profile::Production, clients);
        let contract: serde_json::Value = serde_json::from_str(&self.contract).unwrap_or_default();
        self.portal = web::Data::new(plateforme_portal::Portal::new(&contract, sandbox));
        self
    }

    /// The version of the contract served (`info.version`).
    pub fn contract_version(&self) -> &str {
        &self.contract_version
    }

    /// The sandbox of the portal, for the reference's settings.
    pub fn sandbox(&self) -> &plateforme_portal::Sandbox {
        self.portal.sandbox()
    }
}

/// The store the configuration names: `database_url`, and `read_database_url` for the reads
/// that tolerate staleness when set, sealing the sensitive fields under its KEKs. Connections
/// open when first asked for.
pub fn connect_store(config: &Config, options: &StoreOptions) -> Result<Store, StoreError> {
    let store = Store::connect(&config.database_url, options)?;
    store.install_key_encryption(Arc::new(key_encryption(config)?));
    match &config.read_database_url {
        Some(url) => store.with_stale_reads_from(url, options),
        None => Ok(store),
    }
}

/// The KEKs of the configuration (checked when it was loaded).
fn key_encryption(config: &Config) -> Result<plateforme_auth::key_encryption::KeyEncryption, StoreError> {
    config.key_encryption().map_err(|error| StoreError::Config(error.to_string()))
}

/// The contract as served at `/openapi.json`.
#[get("/openapi.json")]
async fn get_openapi(services: web::Data<Services>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(services.contract.as_str().to_owned())
}

/// The whole app for one worker.
pub fn app(
    services: Services,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, _) = documented_routes();
    let portal = services.portal.clone();
    app.app_data(web::Data::new(services.store.clone()))
        .app_data(web::Data::new(services.auth.clone()))
        .app_data(services.body_limit)
        .app_data(web::Data::new(services.batch_limit))
        .app_data(web::Data::new(services.feed))
        .app_data(web::Data::new(services.webhooks.clone()))
        .app_data(web::Data::from(services.known_routes.clone()))
        .app_data(services.deprecations.clone())
        .app_data(web::Data::from(services.nir_key.clone()))
        .app_data(web::Data::new(services.offers_index.clone()))
        .app_data(web::Data::new(SearchIndexes(vec![
            services.offers_index.0.clone(),
            services.profiles_index.0.clone(),
            services.trainings_index.0.clone(),
        ])))
        .app_data(web::Data::new(services.trainings_index.clone()))
        .app_data(web::Data::new(services.profiles_index.clone()))
        .app_data(web::Data::from(services.profile_pseudonyms.clone()))
        .app_data(web::Data::new(services.secrecy))
        .app_data(web::Data::new(services.published.clone()))
        .app_data(web::Data::new(services.feed_patterns.clone()))
        .app_data(web::Data::new(plateforme_profiles::OffersSearch(services.offers_index.0.clone())))
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::new(ErrorCode::InvalidPath, format!("the path does not name a resource: {error}")).into()
        }))
        .app_data(web::Data::new(services))
        .service(get_openapi)
        .configure(crate::portal::configure)
        .configure(crate::dashboard::configure)
        .configure(|cfg| plateforme_portal::configure(cfg, portal))
        .default_service(web::to(fallback))
        .wrap(from_fn(crate::deprecations::announce))
        .wrap(from_fn(refuse_shadowed_methods))
        .wrap(from_fn(plateforme_auth::authenticate::authenticate))
        .wrap(from_fn(plateforme_api::middleware::refuse_control_characters_in_path))
        .wrap(from_fn(head::answer_head_as_get))
        .wrap(from_fn(plateforme_api::middleware::observe))
}

/// How often keys past their retention are forgotten: they are refused from the moment they
/// expire, so the purge only bounds how long their responses stay stored.
const IDEMPOTENCY_PURGE_PERIOD: Duration = Duration::from_secs(3600);

async fn purge_idempotency_keys(store: Store) {
    upkeep::every(IDEMPOTENCY_PURGE_PERIOD, "idempotency keys forgotten", || {
        let store = store.clone();
        async move { store.run(|conn| idempotency::purge_expired(conn, plateforme_model::ids::now())).await }
    })
    .await;
}

/// How often the rate-limit windows of past minutes are forgotten (each replica reads only the
/// current one).
const RATE_LIMIT_PURGE_PERIOD: Duration = Duration::from_secs(60);

async fn purge_rate_limit_windows(store: Store) {
    upkeep::every(RATE_LIMIT_PURGE_PERIOD, "rate-limit windows forgotten", || RateLimiter::purge_past_windows(&store))
        .await;
}

/// How often the retention of dossiers is applied (docs/retention.md): once a day, and at each
/// start. Replicas may apply it at once; an erasure done by one is skipped by the others.
const RETENTION_PERIOD: Duration = Duration::from_secs(24 * 3600);

async fn erase_expired_dossiers(store: Store, retention: chrono::Duration) {
    upkeep::every(RETENTION_PERIOD, "dossiers past their retention erased", || {
        let store = store.clone();
        let unchanged_since = plateforme_model::ids::now() - retention;
        async move { store.run(move |conn| erasure::erase_expired(conn, unchanged_since)).await }
    })
    .await;
}

/// The journal keeps an access as long as a dossier unchanged is kept.
async fn purge_past_journal_entries(store: Store, retention: chrono::Duration) {
    upkeep::every(RETENTION_PERIOD, "journal entries past their retention forgotten", || {
        let store = store.clone();
        let before = plateforme_model::ids::now() - retention;
        async move { store.run(move |conn| journal::purge_before(conn, before)).await }
    })
    .await;
}

/// The profile bank's retention (docs/profiles.md): the warning at 23 months untouched, the
/// purge at 24, once a day.
async fn apply_profiles_retention(store: Store) {
    upkeep::every(RETENTION_PERIOD, "profiles warned of their purge or purged", || {
        let store = store.clone();
        async move {
            let applied = store
                .run(|conn| plateforme_store::profiles::retention::apply(conn, plateforme_model::ids::now()))
                .await?;
            Ok(applied.warned + applied.purged)
        }
    })
    .await;
}

async fn purge_expired_access_codes(store: Store) {
    upkeep::every(RETENTION_PERIOD, "expired access codes forgotten", || {
        let store = store.clone();
        async move { store.run(|conn| erasure::purge_expired_access_codes(conn, plateforme_model::ids::now())).await }
    })
    .await;
}

/// How often bulk exports past their 7 days are forgotten, and runs interrupted by a stop
/// (their lease of 5 minutes passed) failed, so that their client asks again.
const EXPORTS_UPKEEP_PERIOD: Duration = Duration::from_secs(600);

async fn forget_expired_exports(store: Store) {
    upkeep::every(EXPORTS_UPKEEP_PERIOD, "bulk exports forgotten or failed", || {
        let store = store.clone();
        async move { plateforme_sync::exports::forget_expired(&store).await }
    })
    .await;
}

/// How often the indicators' live figures look for other replicas' writes (this replica's wake
/// them at once).
const LIVE_FIGURES_POLL: Duration = Duration::from_millis(500);

/// Starts serving on `listener`; the returned server runs until stopped or signalled: SIGTERM
/// and SIGINT both stop it gracefully (no new connection; in-flight requests run for up to
/// `shutdown_timeout_secs`), SIGQUIT at once.
///
/// Must be called within an actix system: the offer expiry sweep runs beside the server.
pub fn serve(listener: TcpListener, services: Services, config: &Config) -> std::io::Result<Server> {
    actix_web::rt::spawn(plateforme_offers::expiry::run(services.store.clone(), services.expiry_sweep));
    actix_web::rt::spawn(purge_idempotency_keys(services.store.clone()));
    actix_web::rt::spawn(purge_rate_limit_windows(services.store.clone()));
    actix_web::rt::spawn(erase_expired_dossiers(services.store.clone(), services.dossier_retention));
    actix_web::rt::spawn(purge_past_journal_entries(services.store.clone(), services.dossier_retention));
    actix_web::rt::spawn(apply_profiles_retention(services.store.clone()));
    actix_web::rt::spawn(purge_expired_access_codes(services.store.clone()));
    // Webhooks (issue 12, item 3): fan-out and deliveries, shared by the replicas.
    if services.webhooks.worker {
        actix_web::rt::spawn(plateforme_sync::webhooks::run_worker(services.store.clone(), services.webhooks.clone()));
    }
    actix_web::rt::spawn(forget_expired_exports(services.store.clone()));
    // The indicators' live figures follow the change feed (one replica at a time).
    if services.indicators_live_follower {
        actix_web::rt::spawn(plateforme_indicators::live::run(services.store.clone(), LIVE_FIGURES_POLL));
    }
    let mut server = HttpServer::new(move || app(services.clone()))
        .shutdown_timeout(config.shutdown_timeout_secs)
        .client_request_timeout(Duration::from_secs(30))
        // actix-server stops at once on SIGINT: ours drains on it as on SIGTERM (below).
        .disable_signals();
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    let server = server.listen(listener)?.run();
    actix_web::rt::spawn(stop_on_signal(server.handle()));
    Ok(server)
}

/// Stops `server` on the first stop signal: gracefully on SIGTERM and SIGINT, at once on SIGQUIT.
async fn stop_on_signal(server: actix_web::dev::ServerHandle) {
    use std::pin::pin;

    use actix_web::rt::signal::unix::{SignalKind, signal};
    use futures_util::future::{Either, select};
    let (Ok(mut terminate), Ok(mut interrupt), Ok(mut quit)) =
        (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::quit()))
    else {
        tracing::error!("cannot listen for stop signals; the server stops only when killed");
        return;
    };
    let (terminated, interrupted, quitted) = (pin!(terminate.recv()), pin!(interrupt.recv()), pin!(quit.recv()));
    let graceful = matches!(select(select(terminated, interrupted), quitted).await, Either::Left(_));
    tracing::info!(graceful, "stop signal received; draining in-flight requests");
    server.stop(graceful).await;
}
