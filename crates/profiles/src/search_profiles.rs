use actix_web::{HttpRequest, HttpResponse, get, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ListProblems;
use plateforme_api::pagination::answer_page;
use plateforme_api::query::parse_query;
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::{Store, access::journal, profiles};
use serde::Serialize;
use utoipa::ToSchema;

use crate::pseudonym::PseudonymKey;
use crate::recruiter_view::RecruiterProfile;
use crate::search_index::ProfilesIndex;
use crate::search_query::{PAGES, ProfileSearchQuery, refuse_protected};

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileSearchResponse {
    /// The profiles of this page: nearest first around a commune, else best skills match then
    /// the most recently updated.
    pub items: Vec<RecruiterProfile>,
    /// Pass it as `cursor` to read the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Search the profile bank
///
/// Finds the profiles of persons who consented to the profile bank (banque de profils) and did
/// not pause their profile, by jobs sought (ROME), skills, around a commune with a radius,
/// contract types wanted, availability date, and — only where the person chose to show it —
/// the disability recognition. Each profile is the recruiter's view (an allow-list): a
/// pseudonym stable for your organization and different for every other one, the jobs,
/// skills, level, certifications, experience, languages, licences, the département of
/// residence and the distance, the wishes and the availability; never the name, contact,
/// address, birth date, NIR or nationality.
///
/// Parameters on protected criteria (age, sex, nationality, origin, disability other than the
/// person's chosen flag, family situation, health, religion…) are refused (400 `invalid_query`,
/// rule `criterion.protected`): selecting on them is discrimination (Code du travail
/// L.1132-1), and the platform holds nothing not linked to the job (L.1221-6). A profile
/// whose consent was withdrawn or that was paused leaves the results from the very next
/// search. Every profile answered is journaled as a read of the person's `profile`, which the
/// person sees in `/v1/me/journal`. Pages follow `next_cursor` up to 1,000 results deep.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["profiles:read"])),
    params(ProfileSearchQuery),
    responses(
        (status = 200, description = "One page of profiles.", body = ProfileSearchResponse,
            headers(("Link" = String, description = "`<…>; rel=\"next\"` when there is a next page"))),
        ListProblems,
    )
)]
#[get("/profiles")]
pub async fn search_profiles(
    req: HttpRequest,
    store: web::Data<Store>,
    caller: Caller,
    index: web::Data<ProfilesIndex>,
    key: web::Data<PseudonymKey>,
) -> Result<HttpResponse, ApiError> {
    refuse_protected(req.query_string())?;
    let search = parse_query::<ProfileSearchQuery>(req.query_string())?.checked()?;
    let around = search.around.map(|(place, _)| place);
    let next_offset = search.offset + search.limit;
    let query = search.query();
    let index = index.into_inner();
    let results = web::block(move || index.0.engine().search(&query))
        .await
        .map_err(|error| ApiError::internal(format!("the search did not run: {error}")))?
        .map_err(|error| ApiError::internal(format!("the search failed: {error}")))?;
    let ids: Vec<uuid::Uuid> = results.hits.iter().map(|hit| hit.id).collect();
    // The database decides, not the index: a profile paused or withdrawn since the index last
    // followed the feed is left out at once.
    let visible = {
        let ids = ids.clone();
        store.run(move |conn| profiles::shown_among(conn, &ids)).await?
    };
    let pseudonyms = key.of_organization(caller.principal().organization_id);
    let mut items = Vec::with_capacity(ids.len());
    let mut accesses = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(profile) = visible.iter().find(|profile| profile.person_id == id) {
            items.push(RecruiterProfile::of(&profile.fields, pseudonyms.pseudonym(id), around));
            accesses.push(caller.access(id, JournalSection::Profile, Operation::Read));
        }
    }
    // Every profile seen is journaled, durably, before the answer.
    journal::append_durably(&store, accesses).await?;
    let next_cursor = PAGES.next(results.more, next_offset);
    let link = next_cursor.clone();
    Ok(answer_page(&req, link.as_deref(), ProfileSearchResponse { items, next_cursor }))
}
