use actix_web::{HttpResponse, post, web};
use chrono::NaiveDate;
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, ValidJson};
use plateforme_auth::policy::{Operation, Resource};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::codes::{CommuneCode, Nir};
use plateforme_model::person::{Contact, Identity, Statuses};
use plateforme_model::{Validate, ValidationErrors};
use plateforme_store::{Store, access::journal, dossier::persons};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::NirKey;
use crate::access::{person_access, today};

/// Who to look for: a NIR, or an identity.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"family_name": "MARTIN", "given_names": "Lea", "birth_date": "2006-03-14", "birth_commune": "69123"}))]
pub struct MatchRequest {
    /// The NIR, when known: the surest match.
    #[schema(value_type = Option<String>, write_only)]
    pub nir: Option<Nir>,
    pub family_name: String,
    pub given_names: String,
    #[serde(deserialize_with = "plateforme_model::date::strict")]
    pub birth_date: NaiveDate,
    /// Narrows the match when given.
    pub birth_commune: Option<CommuneCode>,
}

impl Validate for MatchRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let identity = Identity {
            family_name: self.family_name.clone(),
            given_names: self.given_names.clone(),
            birth_date: self.birth_date,
            birth_commune: self.birth_commune.clone(),
            birth_country: Some("FR".into()),
        };
        let mut errors = ValidationErrors::new();
        identity.check(today(), &mut errors);
        errors.into_result()
    }
}

/// A registration pre-filled from an existing dossier, with only what the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct Prefill {
    pub identity: Identity,
    /// Present only when the dossier is within the caller's remit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Statuses>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonMatch {
    pub person_id: Uuid,
    /// `nir` or `identity`.
    pub matched_on: &'static str,
    /// Whether the dossier is within the caller's remit (readable with `GET /v1/persons/{id}`).
    pub in_remit: bool,
    pub prefill: Prefill,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatchResponse {
    /// Empty when nobody matches: register the person.
    pub matches: Vec<PersonMatch>,
}

/// Find a person already registered
///
/// "Dites-le nous une fois": before registering someone, find whether the network knows them
/// already, by NIR or by identity (normalized family name, first given name, birth date, and
/// birth commune when given). Each match comes with a pre-filled registration holding only
/// what you may see: the identity always; contact and statuses only for dossiers in your
/// remit. Each match is journaled.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    request_body = MatchRequest,
    responses((status = 200, description = "The matches (possibly none).", body = MatchResponse), CreateProblems)
)]
#[post("/persons/match")]
pub async fn match_persons(
    store: web::Data<Store>,
    nir_key: web::Data<NirKey>,
    caller: Caller,
    ValidJson(request): ValidJson<MatchRequest>,
) -> Result<HttpResponse, ApiError> {
    let nir_hash = request.nir.as_ref().map(|nir| nir.keyed_hash(&nir_key.0).as_str().to_owned());
    let probe = Identity {
        family_name: request.family_name,
        given_names: request.given_names,
        birth_date: request.birth_date,
        birth_commune: request.birth_commune.clone(),
        birth_country: request.birth_commune.as_ref().map(|_| "FR".to_owned()),
    };
    let identity_key = request.birth_commune.is_some().then(|| probe.identity_key());
    let match_key = probe.match_key();
    let matches = store
        .run(move |conn| {
            let found = persons::matching(conn, nir_hash.as_deref(), &match_key, identity_key.as_deref())?;
            let mut matches = Vec::new();
            for (person, matched_on) in found {
                let access = person_access(conn, &person)?;
                let in_remit = caller.may(Operation::Read, Resource::Person(&access));
                let record = person.record;
                matches.push(PersonMatch {
                    person_id: person.id,
                    matched_on,
                    in_remit,
                    prefill: Prefill {
                        identity: record.identity,
                        contact: in_remit.then_some(record.contact),
                        statuses: in_remit.then_some(record.statuses),
                    },
                });
            }
            let reads: Vec<_> =
                matches.iter().map(|m| caller.access(m.person_id, JournalSection::Match, Operation::Read)).collect();
            journal::append(conn, &reads)?;
            Ok(matches)
        })
        .await?;
    Ok(HttpResponse::Ok().json(MatchResponse { matches }))
}
