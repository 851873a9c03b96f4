//! Administration API: clients, signing keys and the access journal.

mod clients;
mod journal;
mod keys;

use utoipa_actix_web::service_config::ServiceConfig;

pub use clients::{Client, ClientCredentials, ClientRegistration};

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(clients::create_client)
        .service(clients::list_clients)
        .service(clients::get_client)
        .service(clients::rotate_client_secret)
        .service(clients::disable_client)
        .service(clients::enable_client)
        .service(keys::rotate_signing_key)
        .service(journal::list_journal);
}
