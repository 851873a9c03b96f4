//! Person dossier API: the shared dossier of a person's path back to work ("dites-le nous une
//! fois"). Every read and write goes through the access policy and the access journal
//! (`access`); every write keeps its provenance, history and change event.

mod access;
mod co_accompaniments;
mod consents;
mod contracts;
mod diagnostic;
mod duties;
// Inbound sync: POST /v1/persons/batch.
mod inbound;
mod me;
mod persons;
mod provenance;
mod read_part;
mod timeline;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use access::{load as load_person, person_access};

pub const TAG: &str = "Dossier";

/// The secret key of the NIR's keyed hash.
pub struct NirKey(pub Vec<u8>);

/// Registers the routes under `/v1`, each part in its own module, in the contract's order.
pub fn configure(config: &mut ServiceConfig) {
    // `/persons/batch` before the person routes' `/persons/{id}`.
    inbound::configure(config);
    persons::configure(config);
    me::configure(config);
    co_accompaniments::configure(config);
    contracts::configure(config);
    diagnostic::configure(config);
    consents::configure(config);
    duties::configure(config);
}

#[derive(OpenApi)]
#[openapi(tags((name = "Dossier", description = "The shared dossier of a person (dossier unique): identity, \
registration (inscription), orientation, diagnostic, contract of reciprocal commitments (contrat d'engagement), reviews \
(points d'étape) and consents. A person is registered once for the whole network: `POST /v1/persons/match` finds them \
again. Every access is journaled; records outside your organization's remit answer 404.")))]
pub struct DossierApi;

fn location(id: uuid::Uuid) -> String {
    format!("/v1/persons/{id}")
}
