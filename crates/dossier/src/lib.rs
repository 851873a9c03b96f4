//! Person dossier API: the shared dossier of a person's path back to work ("dites-le nous une
//! fois"). Every read and write goes through the access policy and the access journal
//! (`access`); every write keeps its provenance, history and change event.

mod access;
mod consents;
mod contracts;
mod create_person;
mod diagnostic;
mod get_person;
mod issue_access_code;
mod list_person_history;
mod list_unoriented_persons;
mod match_persons;
mod me;
mod provenance;
mod set_orientation;
mod timeline;
mod update_person;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use access::{load as load_person, person_access};

pub const TAG: &str = "Dossier";

/// The secret key of the NIR's keyed hash.
pub struct NirKey(pub Vec<u8>);

/// Registers the routes under `/v1`. Fixed paths come before `/persons/{id}`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(match_persons::match_persons)
        .service(create_person::create_person)
        .service(list_unoriented_persons::list_unoriented_persons)
        .service(get_person::get_person)
        .service(update_person::update_person)
        .service(set_orientation::set_orientation)
        .service(list_person_history::list_person_history)
        .service(timeline::get_timeline)
        .service(issue_access_code::issue_access_code)
        .service(me::get_my_dossier)
        .service(me::get_my_journal);
    contracts::configure(config);
    diagnostic::configure(config);
    consents::configure(config);
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
