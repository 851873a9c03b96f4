//! Discovery: the public keys (`/.well-known/jwks.json`) and the authorization server's
//! metadata (RFC 8414).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::state::SharedAuth;

/// Public keys
///
/// The JWK Set of the keys that sign access tokens (ES256). A key rotated out stays here
/// until the tokens it signed have expired. Cache it and fetch it again on an unknown `kid`.
#[utoipa::path(tag = "Access", security(()), responses((status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"), (status = 200, description = "The JWK Set.", body = Object,
    example = json!({"keys": [{"kty": "EC", "crv": "P-256", "x": "…", "y": "…", "kid": "…", "alg": "ES256", "use": "sig"}]}))))]
#[get("/.well-known/jwks.json")]
pub async fn get_jwks(auth: web::Data<SharedAuth>) -> HttpResponse {
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "public, max-age=300")).json(auth.keys.jwks())
}

/// Authorization server metadata (RFC 8414).
#[derive(Serialize, ToSchema)]
pub struct ServerMetadata {
    issuer: String,
    token_endpoint: String,
    jwks_uri: String,
    grant_types_supported: Vec<&'static str>,
    token_endpoint_auth_methods_supported: Vec<&'static str>,
    response_types_supported: Vec<&'static str>,
    scopes_supported: Vec<&'static str>,
}

/// Authorization server metadata
///
/// Where to get tokens and keys, and what the server supports (RFC 8414).
#[utoipa::path(tag = "Access", security(()), responses((status = 200, description = "The metadata.", body = ServerMetadata), (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json")))]
#[get("/.well-known/oauth-authorization-server")]
pub async fn get_server_metadata(auth: web::Data<SharedAuth>) -> HttpResponse {
    let issuer = auth.settings.tokens.issuer.trim_end_matches('/').to_owned();
    HttpResponse::Ok().json(ServerMetadata {
        token_endpoint: format!("{issuer}/oauth/token"),
        jwks_uri: format!("{issuer}/.well-known/jwks.json"),
        issuer,
        grant_types_supported: vec!["client_credentials", crate::token_endpoint::PERSON_CODE_GRANT],
        token_endpoint_auth_methods_supported: vec!["client_secret_basic", "client_secret_post"],
        response_types_supported: vec![],
        scopes_supported: crate::scopes::SCOPES.iter().map(|(name, _)| *name).collect(),
    })
}
