//! Delegations between organizations (`/v1/delegations`): a département lets France Travail
//! orient its RSA beneficiaries; France Travail or a département mandates an operator to
//! register and accompany persons for it. An organization grants and ends its own delegations;
//! every organization reads them, as it reads the organizations, to know who acts for whom.

mod create_delegation;
mod get_delegation;
mod list_delegation_history;
mod list_delegations;
mod update_delegation;

use plateforme_api::ApiError;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_delegation::create_delegation)
        .service(list_delegations::list_delegations)
        .service(get_delegation::get_delegation)
        .service(update_delegation::update_delegation)
        .service(list_delegation_history::list_delegation_history);
}

fn location(id: Uuid) -> String {
    format!("/v1/delegations/{id}")
}

fn not_found(id: Uuid) -> ApiError {
    ApiError::not_found(format!("delegation {id}"))
}
