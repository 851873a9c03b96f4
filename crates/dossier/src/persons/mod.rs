//! The person (personne): registration once for the network, matching, reading and updating
//! the dossier, its history, orientation, the list for action, the person's access codes and the
//! erasure of the whole dossier.
//! Every handler reaches the person through `access`, so the policy decides and the journal
//! records each access.

pub(crate) mod create_person;
mod erase_person;
mod get_person;
mod issue_access_code;
mod limitation;
mod list_person_history;
mod list_unoriented_persons;
mod match_persons;
mod set_orientation;
mod set_rsa_status;
pub(crate) mod update_person;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers the person routes. Fixed paths (`/persons/match`, `/persons`) come before
/// `/persons/{id}`. The order is the contract's order of paths, so the timeline of a person is
/// registered here too.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(match_persons::match_persons)
        .service(create_person::create_person)
        .service(list_unoriented_persons::list_unoriented_persons)
        .service(get_person::get_person)
        .service(update_person::update_person)
        .service(erase_person::erase_person)
        .service(limitation::limit_processing)
        .service(limitation::lift_limitation)
        .service(set_orientation::set_orientation)
        .service(set_rsa_status::set_rsa_status)
        .service(list_person_history::list_person_history)
        .service(crate::timeline::get_timeline)
        .service(issue_access_code::issue_access_code);
}
