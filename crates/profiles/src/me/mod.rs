//! The person's own profile (`/v1/me/profile`): read, write, pause, resume, delete. These take a
//! person token (scope `me`), so they go through `PersonCaller`, not the policy: the person
//! reaches only their own profile. Their own reads and writes are not journaled as accesses by
//! the network; the history and the change feed record the writes, naming the person.

mod contact_requests;
mod delete_my_profile;
mod get_my_profile;
mod pause_my_profile;
mod put_my_profile;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(get_my_profile::get_my_profile)
        .service(put_my_profile::put_my_profile)
        .service(delete_my_profile::delete_my_profile)
        .service(pause_my_profile::pause_my_profile)
        .service(pause_my_profile::resume_my_profile)
        .service(contact_requests::list_my_contact_requests)
        .service(contact_requests::accept_contact_request)
        .service(contact_requests::decline_contact_request);
}
