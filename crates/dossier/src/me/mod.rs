//! The person's own view: their dossier, who accessed it, and everything held about them as one
//! document and one file (RGPD rights of access and portability). These
//! operations take a person token (scope `me`), never a partner's, so they go through
//! `PersonCaller` rather than the policy: the person reaches only their own dossier.

mod get_my_data;
mod get_my_dossier;
mod get_my_journal;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(get_my_data::get_my_data)
        .service(get_my_data::export_my_data)
        .service(get_my_dossier::get_my_dossier)
        .service(get_my_journal::get_my_journal);
}
