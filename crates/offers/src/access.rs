//! Who may do what with offers, through the policy: organizations publish under their own
//! name (an employer only its own jobs); the owner changes an offer, France Travail moderates
//! any; open offers are public, the others readable as the policy says (docs/offers.md).

use plateforme_api::{ApiError, ErrorCode};
use plateforme_auth::policy::{self, OfferAccess, Operation, Resource};
use plateforme_auth::{Caller, MaybeCaller};
use plateforme_model::FieldError;
use plateforme_model::offer::{Offer, OfferFields};
use plateforme_model::organization::OrganizationKind;
use plateforme_store::offers::publish::Publisher;
use plateforme_store::{Store, organizations};

/// The scope that grants reading offers beyond what the public reads.
const READ_GRANT: &str = "offers:read";

/// What the policy knows of an offer.
fn access_of(offer: &Offer) -> OfferAccess {
    OfferAccess::of_offer(offer)
}

pub fn may_publish(caller: &Caller) -> Result<(), ApiError> {
    // What it publishes, it owns (until its employer comes): may its kind write such an offer?
    let me = caller.principal().organization_id;
    let access = OfferAccess { source_organizations: vec![me], owner: Some(me), open: true };
    if caller.may(Operation::Write, Resource::Offer(&access)) {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::Forbidden, "organizations of this kind do not publish offers"))
}

/// Who publishes for the caller: an employer organization speaks for its own SIRET.
pub async fn publisher(store: &Store, caller: &Caller) -> Result<Publisher, ApiError> {
    let organization_id = caller.principal().organization_id;
    if caller.principal().kind != OrganizationKind::Employer {
        return Ok(Publisher::organization(organization_id));
    }
    let organization = store
        .run(move |conn| organizations::find(conn, organization_id)?.ok_or(plateforme_store::StoreError::NotFound))
        .await?;
    Ok(Publisher { organization_id, employer_siret: Some(organization.siret.to_string()) })
}

/// An employer organization publishes only its own jobs: the offer names its SIRET.
pub fn check_employer(publisher: &Publisher, fields: &OfferFields) -> Result<(), FieldError> {
    let Some(own) = &publisher.employer_siret else { return Ok(()) };
    if fields.employer.siret.as_ref().is_some_and(|siret| siret.to_string() == *own) {
        return Ok(());
    }
    Err(FieldError::new(
        "offer.employer.siret",
        "siret.not_own",
        format!("an employer organization publishes its own jobs: employer.siret must be its SIRET, {own}"),
    ))
}

/// Whether the caller may change this offer's status: its owner, or France Travail.
pub fn may_change(caller: &Caller, offer: &Offer) -> Result<(), ApiError> {
    if caller.may(Operation::Write, Resource::Offer(&access_of(offer))) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Forbidden,
        format!(
            "offer {} is owned by organization {}: only its owner (or France Travail's moderation) changes it",
            offer.id, offer.owner_organization_id
        ),
    ))
}

/// A client granted `offers:read` reads what its kind's policy row allows; any other caller
/// reads as the public (open offers, and those its organization is a source of).
pub fn may_read(caller: &MaybeCaller, offer: &Offer) -> bool {
    let access = access_of(offer);
    let resource = Resource::Offer(&access);
    match &caller.0 {
        Some(caller) if caller.has_scope(READ_GRANT) => caller.may(Operation::Read, resource),
        caller => policy::allows_public(caller.as_ref().map(Caller::principal), Operation::Read, resource),
    }
}
