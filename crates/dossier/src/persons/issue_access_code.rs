use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Duration, Utc};
use plateforme_api::ApiError;
use plateforme_api::openapi::{CreateUnderProblems, LimitedProblems};
use plateforme_auth::policy::Operation;
use plateforme_auth::{Caller, JournalSection};
use plateforme_store::{Store, access::journal, dossier::access_codes, write};
use rand_core::{OsRng, RngCore};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access;

/// How long a code may wait before the person uses it.
const CODE_LIFETIME_MINUTES: i64 = 15;
/// Letters and digits that cannot be mistaken for one another when read aloud or typed.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH: usize = 10;

/// A one-time code for the person.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "K7M2QX9PRT", "expires_at": "2026-11-24T10:15:00Z",
    "grant_type": "urn:plateforme:params:oauth:grant-type:person-access-code"}))]
pub struct AccessCode {
    /// Give it to the person: it works once, until `expires_at`.
    pub code: String,
    pub expires_at: DateTime<Utc>,
    /// The grant the person's application uses at `/oauth/token` with this code.
    pub grant_type: &'static str,
}

fn new_code() -> String {
    let mut bytes = [0u8; CODE_LENGTH];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| char::from(ALPHABET[usize::from(*byte) % ALPHABET.len()])).collect()
}

/// Give a person access to their dossier
///
/// Issues a one-time code (valid 15 minutes) that the person exchanges at `/oauth/token`
/// (grant `urn:plateforme:params:oauth:grant-type:person-access-code`) for a token on their own
/// dossier and access journal (`/v1/me/…`). This is where FranceConnect will plug in: the
/// person will then sign in with their own identity instead. Journaled.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person")),
    responses((status = 201, description = "The code, shown once.", body = AccessCode), CreateUnderProblems, LimitedProblems)
)]
#[post("/persons/{id}/access-codes")]
pub async fn issue_access_code(
    store: web::Data<Store>,
    caller: Caller,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let code = new_code();
    let stored = code.clone();
    let expires_at = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                access::load(conn, &caller, id, Operation::Write)?;
                journal::append(conn, &[caller.access(id, JournalSection::AccessCode, Operation::Write)])?;
                access_codes::issue(conn, id, &stored, caller.client_id(), Duration::minutes(CODE_LIFETIME_MINUTES))
            })
        })
        .await
        .map_err(|error| access::not_found_as_person(error, id))?;
    let grant_type = plateforme_auth::token_endpoint::PERSON_CODE_GRANT;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(AccessCode {
        code,
        expires_at,
        grant_type,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        let code = super::new_code();
        assert_eq!(code.len(), super::CODE_LENGTH);
        assert!(code.bytes().all(|byte| super::ALPHABET.contains(&byte)), "{code}");
        assert_ne!(code, super::new_code());
    }
}
