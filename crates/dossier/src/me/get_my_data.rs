//! Everything the platform holds about the person holding the token, in one document (RGPD
//! right of access, article 15) and as one file to take elsewhere (portability, article 20).

use actix_web::http::header::{CONTENT_DISPOSITION, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use plateforme_api::ApiError;
use plateforme_api::history::HistoryVersion;
use plateforme_api::openapi::ReadProblems;
use plateforme_auth::person::PersonCaller;
use plateforme_model::person::Person;
use plateforme_model::person::co_accompaniment::CoAccompaniment;
use plateforme_model::person::consent::Consent;
use plateforme_model::person::contract::{Contract, Review};
use plateforme_model::person::diagnostic::Diagnostic;
use plateforme_model::person::duties::Breach;
use plateforme_model::profile::Profile;
use plateforme_store::access::journal::{self, JournalFilter, JournalRecord};
use plateforme_store::dossier::{breaches, co_accompaniments, consents, contracts, diagnostics, persons, reviews};
use plateforme_store::pagination::every_page;
use plateforme_store::{DbConnection, Store, StoreError, history, profiles};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::{self, today};
use crate::contracts::{contract_view, review_view};

/// Everything the platform holds about me: my dossier, my diagnostic with its social part (it is
/// mine), my contracts with their reviews, my consents, the organizations co-accompanying me, the
/// breaches of my duties with their exchange and measures, every version of each of these records
/// (who changed what, when) and every access to my data, and my profile in the profile bank.
/// The training catalogue will add its records here when it holds any.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "produced_at": "2026-12-04T10:00:00Z",
    "dossier": {"id": "01936b30-0000-7000-8000-000000000002",
        "identity": {"family_name": "Martin", "given_names": "Léa Marie", "birth_date": "2004-05-14", "birth_commune": "69123"},
        "contact": {"email": "lea.martin@example.org"},
        "statuses": {"rsa_beneficiary": false, "rqth": false, "under_26": true},
        "registration": {"registered_on": "2026-11-24", "channel": "counter", "registered_by": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"},
        "has_nir": false, "provenance": {}, "version": 1,
        "created_at": "2026-11-24T10:00:00Z", "updated_at": "2026-11-24T10:00:00Z"},
    "diagnostic": null,
    "contracts": [],
    "consents": [],
    "co_accompaniments": [],
    "breaches": [],
    "profile": null,
    "history": [{"resource_type": "person", "resource_id": "01936b30-0000-7000-8000-000000000002", "versions": [
        {"version": 1, "action": "created", "actor": "demo-mission-locale", "actor_organization": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
         "request_id": null, "changed_at": "2026-11-24T10:00:00Z", "changes": {"identity": {"family_name": "Martin"}}}]}],
    "journal": [{"id": "01936b2f-0000-7000-8000-000000000001", "occurred_at": "2026-11-24T10:00:00Z",
        "client_id": "demo-mission-locale", "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
        "person_id": "01936b30-0000-7000-8000-000000000002", "section": "identity", "action": "read", "request_id": null}]
}))]
pub struct MyData {
    /// When this copy was made.
    pub produced_at: DateTime<Utc>,
    pub dossier: Person,
    /// My diagnostic, social part included; `null` until one is recorded.
    pub diagnostic: Option<Diagnostic>,
    /// My contracts, oldest first, each with its reviews.
    pub contracts: Vec<MyContract>,
    /// The consents I gave, active and withdrawn, oldest first.
    pub consents: Vec<Consent>,
    /// The organizations that accompany (or accompanied) me beside my référent, oldest first.
    pub co_accompaniments: Vec<CoAccompaniment>,
    /// The breaches of my duties recorded, with the notice, my answer, the decision and its
    /// measure, oldest first: what no organization reads without its own scope, I read.
    pub breaches: Vec<Breach>,
    /// My profile in the profile bank (banque de profils); `null` when I have none.
    pub profile: Option<Profile>,
    /// Every version of each of my records, oldest first.
    pub history: Vec<RecordHistory>,
    /// Every access to my data by the organizations of the network, oldest first.
    pub journal: Vec<JournalRecord>,
}

/// A contract with its reviews (points d'étape).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyContract {
    #[serde(flatten)]
    pub contract: Contract,
    pub reviews: Vec<Review>,
}

/// The versions of one of my records.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordHistory {
    /// `person`, `diagnostic`, `contract`, `review`, `consent`, `co_accompaniment`, `breach` or
    /// `profile`.
    pub resource_type: String,
    pub resource_id: Uuid,
    pub versions: Vec<HistoryVersion>,
}

/// Everything held about me
///
/// Everything the platform holds about the person holding the token (RGPD right of access): the
/// dossier, the diagnostic with its social part, the contracts with their reviews, the
/// consents, the co-accompaniments, the breaches of their duties with the notice, their answer,
/// the decision and its measure (principle 3: readable in their personal space), every version of each of these records and the journal of every access to them.
/// For person tokens (scope `me`) only; never journaled as an access by the network.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "Everything held about me.", body = MyData), ReadProblems)
)]
#[get("/me")]
pub async fn get_my_data(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(my_data(&store, me.person_id).await?))
}

/// Export everything held about me
///
/// The same document as `GET /v1/me`, as one JSON file to keep or hand to another service (RGPD
/// right to data portability): `Content-Disposition: attachment` names it
/// `plateforme-<person id>-<date>.json`. For person tokens (scope `me`) only.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["me"])),
    responses((status = 200, description = "Everything held about me, as a file.", body = MyData,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"plateforme-<person id>-<date>.json\"`"))),
        ReadProblems)
)]
#[get("/me/export")]
pub async fn export_my_data(store: web::Data<Store>, me: PersonCaller) -> Result<HttpResponse, ApiError> {
    let data = my_data(&store, me.person_id).await?;
    let file_name = format!("plateforme-{}-{}.json", me.person_id, data.produced_at.date_naive());
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(file_name)],
    };
    Ok(HttpResponse::Ok().insert_header((CONTENT_DISPOSITION, disposition)).json(data))
}

async fn my_data(store: &Store, id: Uuid) -> Result<MyData, ApiError> {
    store.run(move |conn| read_my_data(conn, id)).await.map_err(|error| access::not_found_as_person(error, id))
}

/// Reads it all in one connection; each list page by page, as every list of the API.
fn read_my_data(conn: &mut DbConnection, id: Uuid) -> Result<MyData, StoreError> {
    let person = persons::find(conn, id)?.ok_or(StoreError::NotFound)?;
    let dossier = person.record.view(id, person.has_nir, person.version, person.times(), today());
    let diagnostic =
        diagnostics::find(conn, id)?.map(|found| found.record.view(id, found.version, found.times(), true));
    let mut history = vec![versions_of(conn, persons::RESOURCE_TYPE, id)?];
    if diagnostic.is_some() {
        history.push(versions_of(conn, diagnostics::RESOURCE_TYPE, id)?);
    }
    let mut my_contracts = Vec::new();
    for contract in every_page(|page| contracts::list(conn, id, page))? {
        history.push(versions_of(conn, contracts::RESOURCE_TYPE, contract.id)?);
        let reviews = every_page(|page| reviews::list(conn, contract.id, page))?;
        for review in &reviews {
            history.push(versions_of(conn, reviews::RESOURCE_TYPE, review.id)?);
        }
        let reviews = reviews.iter().map(review_view).collect();
        my_contracts.push(MyContract { contract: contract_view(&contract), reviews });
    }
    let consents = every_page(|page| consents::list(conn, id, None, page))?;
    for consent in &consents {
        history.push(versions_of(conn, consents::RESOURCE_TYPE, consent.id)?);
    }
    let co_accompaniments = every_page(|page| co_accompaniments::list(conn, id, page))?;
    for found in &co_accompaniments {
        history.push(versions_of(conn, co_accompaniments::RESOURCE_TYPE, found.id)?);
    }
    let breaches = every_page(|page| breaches::list(conn, id, page))?;
    for breach in &breaches {
        history.push(versions_of(conn, breaches::RESOURCE_TYPE, breach.id)?);
    }
    // A profile deleted (by me, or with my consent) leaves its versions in the history.
    let profile = profiles::find(conn, id)?.map(|found| found.view());
    let profile_history = versions_of(conn, profiles::RESOURCE_TYPE, id)?;
    if !profile_history.versions.is_empty() {
        history.push(profile_history);
    }
    let filter = JournalFilter { person_id: Some(id), ..JournalFilter::default() };
    let journal = every_page(|page| journal::list(conn, &filter, page))?;
    Ok(MyData {
        produced_at: plateforme_model::ids::now(),
        dossier,
        diagnostic,
        contracts: my_contracts,
        consents,
        co_accompaniments: co_accompaniments.iter().map(|found| found.view()).collect(),
        breaches: breaches.iter().map(|breach| breach.view()).collect(),
        profile,
        history,
        journal,
    })
}

fn versions_of(conn: &mut DbConnection, resource_type: &str, id: Uuid) -> Result<RecordHistory, StoreError> {
    // The person sees their own sensitive values, in the history as in the dossier.
    let versions = match every_page(|page| history::list(conn, resource_type, id, page, true)) {
        // A record written before history was kept has no versions: nothing more is held.
        Err(StoreError::NotFound) => Vec::new(),
        other => other?,
    };
    Ok(RecordHistory { resource_type: resource_type.to_owned(), resource_id: id, versions })
}
