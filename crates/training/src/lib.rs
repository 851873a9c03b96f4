//! The unified training catalogue (propositions #62–#64): formations, actions and sessions in
//! LHEO's terms, fed by LHEO imports of the régions, France Travail and training providers,
//! given back as LHEO and as JSON. One file per operation; the handler's name is the
//! operationId.

mod access;
mod export_lheo;
mod get_training;
pub mod import;
mod import_lheo;
pub mod lheo;
mod list_training_history;
pub mod model;
pub mod positionings;
pub mod report;
pub mod search_index;
mod search_trainings;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use import_lheo::ImportLimit;
pub use search_index::TrainingsIndex;

pub const TAG: &str = "Training";

/// The media types an LHEO document is sent and answered in.
pub const XML: &[&str] = &["application/xml", "text/xml"];

/// Registers the routes under the caller's scope (`/v1`). The LHEO paths come before
/// `/trainings/{id}`, which would otherwise take `lheo` for an id; so does the providers' list
/// of positionings. A person's positionings are under `/persons/{id}/trainings`.
pub fn configure(config: &mut ServiceConfig) {
    config.service(import_lheo::import_lheo).service(export_lheo::export_lheo);
    positionings::configure_provider_list(config);
    config
        .service(search_trainings::search_trainings)
        .service(get_training::get_training)
        .service(list_training_history::list_training_history);
    positionings::configure(config);
}

/// The part of the contract this crate owns besides its paths: its tag.
#[derive(OpenApi)]
#[openapi(components(schemas(model::Training)), tags((name = "Training", description = "The unified training catalogue (offre de formation): formations, \
their actions and sessions, in the terms of LHEO 2.3 (Langage Harmonisé d'Échange d'informations sur l'Offre de \
formation, décret 2015-742). Régions (their Carif-Oref), France Travail and training providers import their catalogues \
as LHEO XML (`POST /v1/trainings/lheo`, 2.3 or 2.2), upserted by publisher and LHEO `@numero`; the catalogue is \
read as JSON and exported as LHEO 2.3. Reading is public; importing needs `training:write` and the policy's row \
(France Travail all, a région its région's training, a training provider or partner its own). A person's path into training (Ouiform): a counsellor positions the \
person on a session (`POST /v1/persons/{id}/trainings`), the session's provider answers, then records the entry and \
the exit (`PATCH`), each step on the person's timeline and the change feed; the provider sees the positionings on \
its own sessions, the région those on the sessions it funds.")))]
pub struct TrainingApi;

/// A stored record that does not read back as the catalogue's model.
fn corrupt(error: impl std::fmt::Display) -> plateforme_store::StoreError {
    plateforme_store::StoreError::Corrupt(error.to_string())
}
