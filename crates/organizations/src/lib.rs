//! Organizations API: the members of the network. One file per operation; the handler's
//! name is the operationId.

mod create_organization;
mod delegations;
mod get_organization;
mod list_organization_history;
mod list_organizations;
mod sites;
mod update_organization;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub const TAG: &str = "Organizations";

/// Registers the routes under the caller's scope (`/v1`).
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_organization::create_organization)
        .service(list_organizations::list_organizations)
        .service(get_organization::get_organization)
        .service(update_organization::update_organization)
        .service(list_organization_history::list_organization_history);
    sites::configure(config);
    delegations::configure(config);
}

/// The part of the contract this crate owns besides its paths: its tag.
#[derive(OpenApi)]
#[openapi(tags((name = "Organizations", description = "The members of the network: France Travail, missions locales, \
Cap emploi, départements, régions, partners and employers. The SIRET is each organization's business key. \
Delegations say who acts for whom: a département's RSA orientation delegated to France Travail, an accompaniment \
mandated to a partner operator.")))]
pub struct OrganizationsApi;

fn location(id: uuid::Uuid) -> String {
    format!("/v1/organizations/{id}")
}
