use actix_web::{HttpResponse, get};
use chrono::Days;
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, List, PageBody};
use plateforme_auth::policy::{self, Operation};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::person::Person;
use plateforme_store::{access::journal, dossier::persons};

use crate::access::{self, today};

/// Ten years: a longer wait is a data problem, not a list for action.
const MAX_DAYS: u32 = 3650;

plateforme_api::paging_query! {
    pub struct UnorientedQuery {
        /// Persons registered at least this many days ago and still not oriented, 0 to 3650
        /// (rule `unoriented_for_days.range`).
        #[param(minimum = 0, maximum = 3650, example = 30)]
        unoriented_for_days: u32,
    }
    limit: "Persons per page, 1 to 100 (20 by default)."
}

/// Persons waiting for an orientation
///
/// The persons of your remit registered at least `unoriented_for_days` days ago and not
/// oriented yet, oldest registration first: the list for action (nobody lost between two
/// structures). Each person listed is journaled as read.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:read"])),
    params(UnorientedQuery),
    responses((status = 200, description = "One page of persons.", body = PageBody<Person>), ListProblems)
)]
#[get("/persons")]
pub async fn list_unoriented_persons(list: List<Caller, UnorientedQuery>) -> Result<HttpResponse, ApiError> {
    let (query, caller) = (&list.query, list.caller.clone());
    let page = query.page_request()?;
    // One rule for every day count out of range, whether or not the calendar reaches it.
    let out_of_range = || {
        ApiError::new(ErrorCode::InvalidQuery, format!("unoriented_for_days: at most {MAX_DAYS}")).with_errors(vec![
            FieldError::new("unoriented_for_days", "unoriented_for_days.range", format!("0 to {MAX_DAYS} days")),
        ])
    };
    if query.unoriented_for_days > MAX_DAYS {
        return Err(out_of_range());
    }
    let registered_before =
        today().checked_sub_days(Days::new(u64::from(query.unoriented_for_days))).ok_or_else(out_of_range)?;
    // The policy's person rule, as the filter of the list: the same rule that judges one person.
    let visibility = policy::person_filter(caller.principal(), Operation::Read);
    let listed = list
        .store
        .run(move |conn| {
            let page = persons::unoriented(conn, &visibility, registered_before, &page)?;
            let reads: Vec<_> = page
                .items
                .iter()
                .map(|person| caller.access(person.id, JournalSection::Registration, Operation::Read))
                .collect();
            journal::append(conn, &reads)?;
            Ok(page)
        })
        .await?;
    Ok(list.page(listed.map(|person| access::view_for(&list.caller, &person))))
}
