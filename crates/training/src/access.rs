//! Who may write which part of the catalogue, through the policy (`plateforme_auth::policy`,
//! rows `Training`): France Travail all of it, a région the training of its région, a training
//! provider or a partner what it publishes itself; the other kinds none.

use plateforme_api::{ApiError, ErrorCode};
use plateforme_auth::Caller;
use plateforme_auth::policy::{Operation, Resource, TrainingAccess};
use plateforme_model::codes::RegionCode;

/// The région a caller's formations fall in when none of their sites is placed: the first of
/// its territory, else none (`""`).
pub fn fallback_region(caller: &Caller) -> String {
    caller.principal().territory.regions.first().map(|region| region.to_string()).unwrap_or_default()
}

/// Whether the caller may place, under its own name, an action in `region` (`None` or an
/// unknown code: its fallback région).
pub fn may_place(caller: &Caller, region: Option<&str>) -> bool {
    let region =
        region.filter(|region| !region.is_empty()).map(str::to_owned).unwrap_or_else(|| fallback_region(caller));
    let Ok(region) = RegionCode::parse(&region) else {
        // No région at all: only a caller whose writes the région does not decide.
        return may_write_anywhere_it_publishes(caller);
    };
    let access = TrainingAccess { region, published_by: caller.principal().organization_id };
    caller.may(Operation::Write, Resource::Training(&access))
}

/// Whether the caller's kind publishes training at all: answered before a document is read.
pub fn may_import(caller: &Caller) -> Result<(), ApiError> {
    if may_place(caller, None) || may_write_anywhere_it_publishes(caller) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Forbidden,
        "organizations of this kind do not publish training (France Travail, régions, training providers and partners do)",
    ))
}

/// Whether the caller may write its own training whatever the région (France Travail, a
/// training provider, a partner): asked of the policy with two régions apart.
fn may_write_anywhere_it_publishes(caller: &Caller) -> bool {
    let me = caller.principal().organization_id;
    ["11", "06"]
        .iter()
        .filter_map(|code| RegionCode::parse(code).ok())
        .all(|region| caller.may(Operation::Write, Resource::Training(&TrainingAccess { region, published_by: me })))
}
