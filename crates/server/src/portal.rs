//! The API portal: an API reference (Swagger UI) at `GET /docs/` that reads the one contract
//! the server serves at `GET /openapi.json`.
//!
//! The UI's files come from utoipa-swagger-ui's `vendored` distribution, embedded in the
//! binary: the page loads nothing from another origin, so it works on a network with no way
//! out, and its Content-Security-Policy says so to the browser. The portal is public, like the
//! contract. "Authorize" runs the contract's OAuth2 client-credentials flow against
//! `/oauth/token`; the token stays in the page (not persisted) and "Try it out" sends it as a
//! bearer token.
//!
//! These routes are not operations of the contract, so the 404/405 fallback (which knows the
//! contract's paths) never sees them: `/docs` redirects to `/docs/`, each file answers 200
//! with its content type, an unknown file is a `route_not_found` problem and another method
//! than GET or HEAD is a 405 problem with `Allow`.

use std::sync::Arc;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use plateforme_api::{ApiError, ErrorCode};
use utoipa_swagger_ui::{Config, oauth};

use crate::app::Services;

/// Where the portal lives; the UI itself is under `/docs/`.
pub const PATH: &str = "/docs";
/// The contract the UI renders: the server's own `/openapi.json`, not a copy.
pub const CONTRACT_URL: &str = "/openapi.json";
const TITLE: &str = "Plateforme — API reference";

/// Only this origin: no CDN, no font or image service, no online validator.
/// Swagger UI sets `style` attributes and embeds its icons as `data:` URLs.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
form-action 'self'; base-uri 'self'; frame-ancestors 'self'";

/// The UI's settings, shared by the files of one worker.
struct Portal {
    config: Arc<Config<'static>>,
}

/// Registers `/docs` and `/docs/{file}`.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let portal = web::Data::new(Portal { config: Arc::new(ui_config()) });
    cfg.service(web::resource(PATH).route(web::get().to(redirect)).route(web::head().to(redirect))).service(
        web::resource(format!("{PATH}/{{file:.*}}"))
            .app_data(portal)
            .route(web::get().to(file))
            .route(web::head().to(file)),
    );
}

fn ui_config() -> Config<'static> {
    ui_config_with(oauth::Config::new().app_name(TITLE))
}

/// The settings with "Authorize" pre-filled with a demo client chosen in the sandbox
/// (`/portail/bac-a-sable`, `serve --demo` only).
fn sandbox_config(client: &plateforme_portal::DemoClient) -> Config<'static> {
    ui_config_with(oauth::Config::new().app_name(TITLE).client_id(&client.id).client_secret(&client.secret))
}

fn ui_config_with(oauth: oauth::Config) -> Config<'static> {
    Config::with_oauth_config([CONTRACT_URL], oauth)
        // No top bar with its "Explore" box: the portal shows this server's contract only.
        .use_base_layout()
        .deep_linking(true)
        .display_operation_id(true)
        .display_request_duration(true)
        .doc_expansion("list")
        .default_models_expand_depth(0)
        .filter(true)
        .request_snippets_enabled(true)
        .show_extensions(true)
        .show_common_extensions(true)
        .persist_authorization(false)
        // The default sends the contract to validator.swagger.io.
        .validator_url("none")
}

/// `/docs` → `/docs/`, so that the page's relative links resolve under `/docs/`.
async fn redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, format!("{PATH}/")))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .finish()
}

/// One file of the UI; the empty name is the index.
async fn file(
    request: HttpRequest,
    name: web::Path<String>,
    portal: web::Data<Portal>,
    services: web::Data<Services>,
) -> Result<HttpResponse, ApiError> {
    let name = name.into_inner();
    let config = match services.sandbox().chosen(&request) {
        Some(client) if name == "swagger-initializer.js" => Arc::new(sandbox_config(client)),
        _ => portal.config.clone(),
    };
    let served = utoipa_swagger_ui::serve(&name, config)
        .map_err(|error| ApiError::internal(format!("the portal's {name} cannot be served: {error}")))?;
    let Some(served) = served else {
        return Err(ApiError::new(
            ErrorCode::RouteNotFound,
            format!("the portal has no file {PATH}/{name}; the portal is at {PATH}/"),
        ));
    };
    let body = if is_index(&name) {
        let page = String::from_utf8_lossy(&served.bytes);
        page.replace("<title>Swagger UI</title>", &format!("<title>{TITLE}</title>")).into_bytes()
    } else {
        served.bytes.into_owned()
    };
    Ok(respond(&served.content_type, body, &name))
}

fn is_index(name: &str) -> bool {
    matches!(name, "" | "/" | "index.html")
}

fn respond(content_type: &str, body: Vec<u8>, name: &str) -> HttpResponse {
    // The index and the initializer carry the settings: revalidate them; the rest is static.
    let cache = if is_index(name) || name == "swagger-initializer.js" { "no-cache" } else { "public, max-age=3600" };
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, with_charset(content_type)))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .insert_header((header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .body(body)
}

/// Text files are UTF-8; say so.
fn with_charset(content_type: &str) -> String {
    let textual =
        content_type.starts_with("text/") || content_type.ends_with("javascript") || content_type.ends_with("json");
    if textual && !content_type.contains("charset") {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_say_their_charset() {
        assert_eq!(with_charset("text/html"), "text/html; charset=utf-8");
        assert_eq!(with_charset("text/javascript"), "text/javascript; charset=utf-8");
        assert_eq!(with_charset("application/javascript"), "application/javascript; charset=utf-8");
        assert_eq!(with_charset("image/png"), "image/png");
    }

    #[test]
    fn the_ui_reads_the_served_contract_and_nothing_outside() {
        let initializer = utoipa_swagger_ui::serve("swagger-initializer.js", Arc::new(ui_config()))
            .expect("serve the initializer")
            .expect("the initializer exists");
        let text = String::from_utf8_lossy(&initializer.bytes).into_owned();
        assert!(text.contains("\"url\": \"/openapi.json\""), "{text}");
        assert!(text.contains("\"validatorUrl\": \"none\""), "{text}");
        assert!(!text.contains("http://") && !text.contains("https://"), "{text}");
    }
}
