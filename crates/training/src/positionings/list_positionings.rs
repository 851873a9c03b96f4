use actix_web::{HttpResponse, get};
use plateforme_api::openapi::ListProblems;
use plateforme_api::{ApiError, ErrorCode, List, PageBody};
use plateforme_auth::policy::{self, Operation, ResourceKind, Rule};
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::access::journal;
use plateforme_store::training::positionings::{self, Visible};

use super::access;
use super::model::{Positioning, PositioningStatus};

plateforme_api::paging_query! {
    pub struct PositioningsQuery {
        /// Only the positionings at this status (`positioned`: waiting for the answer).
        status: Option<PositioningStatus>
    }
    limit: "Positionings per page, 1 to 100 (20 by default)."
}

/// List the positionings on one's sessions
///
/// The positionings a provider or a funder follows, oldest first: a training provider (or a
/// partner) those on the sessions it published, and only those; a région those on the sessions
/// it funds (`code-financeur` 2 on the session's action, placed in its région); France Travail
/// all. The organizations that follow persons list each person's positionings under the person
/// (`GET /v1/persons/{id}/trainings`): here they are answered 403. Needs `training:read`; each
/// person listed is journaled as `training`.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["training:read"])),
    params(PositioningsQuery),
    responses((status = 200, description = "One page of positionings.", body = PageBody<Positioning>), ListProblems)
)]
#[get("/trainings/positionings")]
pub async fn list_positionings(list: List<Caller, PositioningsQuery>) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let visible = visible_to(&list.caller)?;
    let status = list.query.status.map(|status| status.as_str());
    let listed = list
        .store
        .run(move |conn| positionings::list_visible(conn, &visible, status, &page)?.try_map(access::view))
        .await?;
    let accesses = listed
        .items
        .iter()
        .map(|positioning| list.caller.access(positioning.person_id, JournalSection::Training, Operation::Read))
        .collect();
    journal::append_durably(&list.store, accesses).await?;
    Ok(list.page(listed))
}

/// The positionings the caller's `Positioning` read rule admits, as one filter of the store.
fn visible_to(caller: &Caller) -> Result<Visible, ApiError> {
    let principal = caller.principal();
    match policy::rule(principal.kind, ResourceKind::Positioning, Operation::Read) {
        Rule::Everything => Ok(Visible::Every),
        Rule::OnOwnSessions | Rule::OfPersonsItReadsOrOnOwnSessions => {
            Ok(Visible::ProvidedBy(principal.organization_id))
        }
        Rule::OnSessionsItFunds => {
            Ok(Visible::FundedIn(principal.territory.regions.iter().map(ToString::to_string).collect()))
        }
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "organizations of this kind read positionings under each person they follow (GET /v1/persons/{id}/trainings)",
        )),
    }
}
