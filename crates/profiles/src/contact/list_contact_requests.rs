use actix_web::{HttpResponse, get, web};
use plateforme_api::openapi::ReadProblems;
use plateforme_api::{ApiError, List, PageBody};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::contact_request::{ContactRequestStatus, RecruiterContactRequest};
use plateforme_store::StoreError;
use plateforme_store::access::journal;
use plateforme_store::profiles::contact_requests::{self, Whose};

use super::read_view;
use crate::pseudonym::PseudonymKey;

plateforme_api::paging_query! {
    pub struct ContactRequestsQuery {
        /// Only the requests in this status: `pending`, `accepted`, `declined` or `cancelled`
        /// (any other value is refused, 400 `invalid_query`); all when left out.
        #[param(inline, example = "accepted")]
        status: Option<ContactRequestStatus>,
    }
    limit: "Contact requests per page, 1 to 100 (20 by default)."
}

/// List your organization's contact requests
///
/// The contact requests your organization sent, newest first, a page at a time (`limit`,
/// `cursor`, and the `Link` of the next page), in one `status` or all: each as
/// `GET /v1/contact-requests/{id}` reads it, under the pseudonym your organization sees, with
/// the `contact` details only once the person accepted. Those details are read from the
/// dossier as it stands, and each request whose details a page shows is journaled for its
/// person (section `contact_request`), as a single read. Another organization's requests are
/// never listed.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["profiles:read"])),
    params(ContactRequestsQuery),
    responses(
        (status = 200, description = "One page of your organization's contact requests.",
            body = PageBody<RecruiterContactRequest>,
            example = json!({"items": [{"id": "0190f0c2-7b00-7c1a-9e44-5a7d2b1c9e02", "pseudonym": "pf_3f2a9c0d4b5e6f708192a3b4c5d6e7f8", "offer_id": null, "message": "Bonjour, seriez-vous disponible pour un entretien ?", "status": "accepted", "created_at": "2026-12-08T09:00:00Z", "decided_at": "2026-12-08T10:30:00Z", "contact": {"email": "lea.martin@example.org"}, "version": 2}], "next_cursor": "azE6MDE5MGYwYzItN2IwMC03YzFh"})),
        ReadProblems,
    )
)]
#[get("/contact-requests")]
pub async fn list_contact_requests(
    list: List<Caller, ContactRequestsQuery>,
    pseudonyms: web::Data<PseudonymKey>,
) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let whose = Whose::SentBy { organization_id: list.caller.principal().organization_id, status: list.query.status };
    let pseudonyms = pseudonyms.into_inner();
    let views = list
        .store
        .run(move |conn| {
            contact_requests::list(conn, whose, &page)?
                .try_map(|request| Ok::<_, StoreError>((request.person_id, read_view(conn, &request, &pseudonyms)?)))
        })
        .await?;
    // The contact details shown are journaled, durably, before the answer, as a single read.
    let accesses: Vec<_> = views
        .items
        .iter()
        .filter(|(_, view)| view.contact.is_some())
        .map(|(person_id, _)| list.caller.access(*person_id, JournalSection::ContactRequest, Operation::Read))
        .collect();
    journal::append_durably(&list.store, accesses).await?;
    Ok(list.page(views.map(|(_, view)| view)))
}
