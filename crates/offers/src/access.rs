//! Who may do what with offers, through the policy: organizations publish under their own
//! name; a source changes only the offers it publishes (France Travail moderates any offer);
//! open offers are public, the others readable with `offers:read` or by their sources.

use plateforme_api::{ApiError, ErrorCode};
use plateforme_auth::policy::{OfferAccess, Operation, Resource};
use plateforme_auth::{Caller, MaybeCaller};
use plateforme_model::offer::{Offer, OfferStatus};

pub fn may_publish(caller: &Caller) -> Result<(), ApiError> {
    let access = OfferAccess { source_organizations: vec![caller.principal().organization_id] };
    if caller.may(Operation::Write, Resource::Offer(&access)) {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::Forbidden, "organizations of this kind do not publish offers"))
}

/// Whether the caller may change this offer (its status, its sources).
pub fn may_change(caller: &Caller, offer: &Offer) -> Result<(), ApiError> {
    let access = OfferAccess { source_organizations: offer.source_organizations() };
    if caller.may(Operation::Write, Resource::Offer(&access)) {
        return Ok(());
    }
    Err(ApiError::new(ErrorCode::Forbidden, "only a source of the offer may change it"))
}

/// Open offers are public; the others (suspended, filled, cancelled, expired) are visible with
/// `offers:read`, and to their sources.
pub fn may_read(caller: &MaybeCaller, offer: &Offer) -> bool {
    if offer.status == OfferStatus::Open {
        return true;
    }
    let Some(caller) = &caller.0 else { return false };
    caller.has_scope("offers:read") || offer.source_organizations().contains(&caller.principal().organization_id)
}
