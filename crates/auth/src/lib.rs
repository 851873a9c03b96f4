//! Partner access: the OAuth2 authorization server (client credentials → JWT access tokens),
//! token checks, scopes, the record-level policy, the access journal and rate limits.
//!
//! Scopes are declared once per operation, in its `security` in the contract; the `Caller`
//! extractor enforces them. The policy decides which records an organization may touch.

pub mod admin;
pub mod authenticate;
pub mod caller;
pub mod client_address;
pub mod clients;
pub mod external;
pub mod identity;
pub mod journal_section;
pub mod key_encryption;
pub mod keys;
pub mod mandate;
pub mod person;
pub mod policy;
pub mod rate_limit;
pub mod revocations;
pub mod route_scopes;
pub mod scopes;
pub mod secrets;
pub mod state;
pub mod token_cache;
pub mod token_endpoint;
pub mod tokens;
pub mod well_known;

pub use caller::{Caller, MaybeCaller};
pub use journal_section::JournalSection;
pub use state::{AuthSettings, AuthState, Profile, SharedAuth};

use utoipa::openapi::security::{ClientCredentials, Flow, OAuth2, Scopes, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;

/// Routes outside `/v1`: the token endpoint and discovery.
pub fn configure_oauth(config: &mut ServiceConfig) {
    config.service(token_endpoint::issue_token).service(well_known::get_jwks).service(well_known::get_server_metadata);
}

/// Routes under `/v1`: administration.
pub fn configure_admin(config: &mut ServiceConfig) {
    admin::configure(config);
}

/// The security scheme and the tags of this crate.
#[derive(OpenApi)]
#[openapi(
    modifiers(&OAuth2Scheme),
    tags(
        (name = "Access", description = "OAuth2 client credentials: get a token at `/oauth/token` with your client id and \
secret, then send it as `Authorization: Bearer …`. Each operation lists the scopes it needs; the policy then limits which \
records your organization sees (records outside it answer 404). A token lives 10 minutes by default (`expires_in`); when its \
client is disabled or its secret rotated, it is refused within 5 seconds on every server (the server's \
`token_revocation_refresh_secs`)."),
        (name = "Administration", description = "Clients, keys and the access journal; `admin` scope."),
    )
)]
pub struct AccessApi;

struct OAuth2Scheme;

impl Modify for OAuth2Scheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scopes = Scopes::from_iter(scopes::SCOPES.iter().map(|(name, description)| (*name, *description)));
        let flow = Flow::ClientCredentials(ClientCredentials::new("/oauth/token", scopes));
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(route_scopes::SCHEME, SecurityScheme::OAuth2(OAuth2::new([flow])));
    }
}
