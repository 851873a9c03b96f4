//! The route table fails closed: the server does not start with an operation whose contract
//! declares no security.

use plateforme_server::app::{Services, StartError};
use plateforme_server::config::Config;
use plateforme_server::openapi;
use plateforme_store::{Store, StoreOptions};

use crate::helpers::FreshDatabase;

#[test]
fn the_server_does_not_start_with_an_operation_that_declares_no_security() {
    let database = FreshDatabase::sqlite();
    let store = Store::connect(&database.url, &StoreOptions::default()).expect("open the database");
    store.migrate().expect("migrate");
    let search = crate::helpers::search_folder();
    let config =
        Config { database_url: database.url.clone(), search_index_dir: search.path().to_owned(), ..Config::default() };
    assert!(Services::new(store.clone(), &config).is_ok(), "every operation of the contract declares its security");

    let mut contract = openapi::document();
    let search = contract.paths.paths.get_mut("/v1/offers").and_then(|item| item.get.as_mut()).expect("search_offers");
    search.security = None;
    match Services::with_contract(store, &config, contract) {
        Err(StartError::Security(refused)) => assert_eq!(refused.0, ["GET /v1/offers: declares no security"]),
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("the server starts with an operation that declares no security"),
    }
}
