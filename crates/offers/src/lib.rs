//! Job offers API: offers published "once for all" — each job held once, with every source
//! that publishes it — and found by a French full-text search with filters and facets.
//! One file per operation; the handler's name is the operationId.

mod access;
mod batch;
mod change_offer_status;
pub mod expiry;
mod get_offer;
mod list_offer_history;
mod prepare;
mod publish_offer;
mod search;
mod search_index;
mod search_offers;
mod suggest_offers;
mod withdraw_offer;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use batch::BatchLimit;
pub use prepare::prepare;
pub use search_index::OffersIndex;

pub const TAG: &str = "Offers";

/// Registers the routes under the caller's scope (`/v1`).
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(search_offers::search_offers)
        .service(suggest_offers::suggest_offers)
        .service(publish_offer::publish_offer)
        .service(batch::publish_offer_batch)
        .service(get_offer::get_offer)
        .service(change_offer_status::change_offer_status)
        .service(withdraw_offer::withdraw_offer)
        .service(list_offer_history::list_offer_history);
}

/// The part of the contract this crate owns besides its paths: its tag.
#[derive(OpenApi)]
#[openapi(tags((name = "Offers", description = "Job offers (offres d'emploi) published once for all: employers, job \
boards, France Travail and partners publish each offer with their own reference; the platform holds one offer per job, \
with all its sources (de-duplication rule: same employer by SIRET or normalized name, same normalized title, ROME code, \
commune and contract type). Searching open offers needs no token (anonymous calls share a lower rate limit per address); \
publishing needs `offers:write`; joining an offer gives no control of it: its owner (the organization whose publication \
created it, or the employer organization of its SIRET) alone changes its text and status, with France Travail's moderation.")))]
pub struct OffersApi;

fn location(id: uuid::Uuid) -> String {
    format!("/v1/offers/{id}")
}
