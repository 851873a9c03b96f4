//! The app: every API crate's routes, the shared middleware, and the server.

use std::net::TcpListener;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, get, web};
use plateforme_api::{ApiError, BodyLimit, ErrorCode};
use plateforme_store::Store;
use utoipa::openapi::OpenApi as Document;
use utoipa_actix_web::{AppExt, scope};

use crate::config::Config;
use crate::fallback::{KnownRoutes, fallback};
use crate::{health, openapi, problems};

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
        .service(scope("/v1").configure(plateforme_organizations::configure))
        .service(health::live)
        .service(health::ready)
        .service(problems::list_problem_types)
        .service(problems::get_problem_type)
        .split_for_parts()
}

/// The contract as served at `/openapi.json`.
struct Contract(String);

#[get("/openapi.json")]
async fn get_openapi(contract: web::Data<Contract>) -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(contract.0.clone())
}

/// The whole app for one worker.
pub fn app(
    store: Store,
    body_limit: BodyLimit,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, document) = documented_routes();
    let contract = openapi::to_json(&document).unwrap_or_default();
    app.app_data(web::Data::new(store))
        .app_data(body_limit)
        .app_data(web::PathConfig::default().error_handler(|error, _| {
            ApiError::new(ErrorCode::InvalidPath, format!("the path does not name a resource: {error}")).into()
        }))
        .app_data(web::Data::new(KnownRoutes::from_openapi(&document)))
        .app_data(web::Data::new(Contract(contract)))
        .service(get_openapi)
        .default_service(web::to(fallback))
        .wrap(from_fn(plateforme_api::middleware::observe))
}

/// Starts serving on `listener`; the returned server runs until stopped or signalled
/// (SIGINT/SIGTERM stop it gracefully, letting in-flight requests finish).
pub fn serve(listener: TcpListener, store: Store, config: &Config) -> std::io::Result<Server> {
    let body_limit = BodyLimit(config.max_body_bytes);
    let mut server = HttpServer::new(move || app(store.clone(), body_limit))
        .shutdown_timeout(config.shutdown_timeout_secs)
        .client_request_timeout(Duration::from_secs(30));
    if let Some(workers) = config.workers {
        server = server.workers(workers);
    }
    Ok(server.listen(listener)?.run())
}
