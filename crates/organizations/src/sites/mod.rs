//! Reception sites (`/v1/organizations/{id}/sites`): where people meet an organization. An
//! organization records and changes its own (an administrator any); every organization reads
//! them, and the list of organizations finds the nearest ones (`near_commune`).

mod create_site;
mod get_site;
mod list_sites;
mod update_site;

use plateforme_api::{ApiError, ErrorCode};
use plateforme_auth::Caller;
use plateforme_auth::policy::{Operation, OrganizationAccess, Resource};
use plateforme_model::FieldError;
use plateforme_model::site::{Position, SiteFields};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_site::create_site)
        .service(list_sites::list_sites)
        .service(get_site::get_site)
        .service(update_site::update_site);
}

/// The path of one site of an organization.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct SitePath {
    /// Identifier of the organization
    id: Uuid,
    /// Identifier of the site
    site_id: Uuid,
}

fn location(organization_id: Uuid, id: Uuid) -> String {
    format!("{}/sites/{id}", crate::location(organization_id))
}

fn not_found(organization_id: Uuid, id: Uuid) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("organization {organization_id} has no site {id}"))
}

/// An organization writes its own sites; an administrator any organization's.
fn may_write(caller: &Caller, organization_id: Uuid) -> Result<(), ApiError> {
    let own = caller.may(Operation::Write, Resource::Organization(&OrganizationAccess { id: organization_id }));
    if own || caller.has_scope(plateforme_auth::scopes::ADMIN) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Forbidden,
        "an organization records and changes only its own reception sites; others need the admin scope",
    ))
}

/// Where the site is: the position given, or the commune's town hall; the commune is a current
/// one.
fn locate(fields: &SiteFields) -> Result<Position, ApiError> {
    let code = fields.address.commune.as_str();
    let refuse = |message: &str| {
        ApiError::validation(vec![FieldError::new("address.commune", "commune.unknown", format!("{code}: {message}"))])
    };
    let commune = plateforme_reference_data::commune(code).ok_or_else(|| refuse("not a current commune code"))?;
    match (fields.position, commune.position()) {
        (Some(position), _) => Ok(position),
        (None, Some((latitude, longitude))) => Ok(Position { latitude, longitude }),
        (None, None) => Err(refuse("this commune has no known position: give the site's")),
    }
}
