use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::Caller;
use plateforme_auth::policy::Operation;
use plateforme_model::person::{NewPerson, Person, PersonRecord, Registration};
use plateforme_store::{Store, journal, persons};
use serde_json::json;

use crate::NirKey;
use crate::access::today;
use crate::provenance::stamp;

/// Register a person
///
/// Registers a person (inscription) for the whole network, by the caller's organization. A
/// person is registered once: a NIR or an identity (normalized family name, first given
/// name, birth date and birth place) already known answers 409 with the `existing_id` of
/// their dossier — call `POST /v1/persons/match` first to find them. The NIR is kept only as
/// a keyed hash and never returned. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes the request safe to retry (1 to 255 visible ASCII characters).")),
    request_body = NewPerson,
    responses(
        (status = 201, description = "Registered.", body = Person,
            headers(("Location" = String, description = "Path of the dossier"), ("ETag" = String, description = "Version, for If-Match"))),
        CreateProblems,
    )
)]
#[post("/persons")]
pub async fn create_person(
    store: web::Data<Store>,
    nir_key: web::Data<NirKey>,
    caller: Caller,
    key: IdempotencyKey,
    ValidJson(new): ValidJson<NewPerson>,
) -> Result<HttpResponse, ApiError> {
    let nir_hash = new.nir.as_ref().map(|nir| nir.keyed_hash(&nir_key.0).as_str().to_owned());
    let fingerprint = json!({"identity": new.identity, "contact": new.contact, "statuses": new.statuses,
        "registration": new.registration, "nir": nir_hash});
    let claim = key.claim(caller.client_id(), &fingerprint)?;
    let mut record = PersonRecord {
        identity: new.identity,
        contact: new.contact,
        statuses: new.statuses,
        registration: Registration {
            registered_on: new.registration.registered_on,
            channel: new.registration.channel,
            registered_by: caller.principal().organization_id,
        },
        orientation: None,
        provenance: Default::default(),
    };
    let document = serde_json::to_value(&record).map_err(ApiError::internal)?;
    stamp(&mut record.provenance, &document, &caller, "");
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let person = persons::create(conn, &context, record, nir_hash)?;
        journal::append(conn, &[caller.access(person.id, "dossier", Operation::Write)])?;
        let view = person.record.view(person.id, person.has_nir, person.version, person.times(), today());
        Ok(Located { location: crate::location(person.id), version: person.version, resource: view })
    })
    .await
}
