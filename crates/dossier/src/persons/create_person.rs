use actix_web::{HttpResponse, post, web};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, Create, Created, ErrorCode, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::policy::roles;
use plateforme_auth::policy::{Operation, PersonAccess, Resource};
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::delegation::DelegationKind;
use plateforme_model::person::{NewPerson, Person, PersonRecord, Registration, RsaSource, RsaStatus};
use plateforme_store::{Store, access::journal, delegations, dossier::persons};
use serde_json::json;
use uuid::Uuid;

use crate::NirKey;
use crate::access::{self, today};
use crate::provenance::stamp_from;

/// Register a person
///
/// Registers a person (inscription) for the whole network, by the caller's organization, at every
/// desk of the network: France Travail, missions locales and Cap emploi register; a département
/// its RSA beneficiaries; a partner (a PLIE, a private placement operator) under an accompaniment
/// mandate covering the person's residence today, for its mandating organization
/// (`registration.on_behalf_of`) — without one, 403. Régions and employers do not register. A
/// person is registered once: a NIR or an identity (normalized family name, first given
/// name, birth date and birth place) already known answers 409 with the `existing_id` of
/// their dossier — call `POST /v1/persons/match` first to find them. The NIR is kept only as
/// a keyed hash and never returned. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(IdempotencyKey),
    request_body = NewPerson,
    responses(Created<Person>, CreateProblems)
)]
#[post("/persons")]
pub async fn create_person(
    Create { store, caller, header: key, .. }: Create<Caller>,
    nir_key: web::Data<NirKey>,
    ValidJson(new): ValidJson<NewPerson>,
) -> Result<HttpResponse, ApiError> {
    let nir_hash = new.nir.as_ref().map(|nir| nir.keyed_hash(&nir_key.0).as_str().to_owned());
    let fingerprint = json!({"identity": new.identity, "contact": new.contact, "statuses": new.statuses,
        "registration": new.registration, "nir": nir_hash});
    let claim = key.claim(caller.client_id(), &fingerprint)?;
    let record = registration_record(&store, &caller, new, None).await?;
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let person = persons::create(conn, &context, record, nir_hash)?;
        let mut entry = caller.access(person.id, JournalSection::Dossier, Operation::Write);
        entry.acting_for = person.record.registration.on_behalf_of;
        journal::append(conn, &[entry])?;
        let view = access::view_for(&caller, &person);
        Ok(Located { location: crate::location(person.id), version: person.version, resource: view })
    })
    .await
}

/// The record of a registration by the caller, checked against every rule of registration (the
/// remit, the mandate of a partner, the sensitive parts) and stamped with its provenance — from
/// the partner's `system` when it was pushed by inbound sync: the one path of `POST /v1/persons`
/// and of a new reference in `POST /v1/persons/batch`.
pub(crate) async fn registration_record(
    store: &Store,
    caller: &Caller,
    new: NewPerson,
    system: Option<&str>,
) -> Result<PersonRecord, ApiError> {
    let mut record = PersonRecord {
        identity: new.identity,
        contact: new.contact,
        statuses: new.statuses,
        registration: Registration {
            registered_on: new.registration.registered_on,
            channel: new.registration.channel,
            registered_by: caller.principal().organization_id,
            on_behalf_of: None,
        },
        orientation: None,
        provenance: Default::default(),
        rsa_status: None,
    };
    // At the desk, the RSA status is what the person declares; a département or France Travail
    // confirms it from its source (`PUT …/rsa-status`).
    if record.statuses.rsa_beneficiary {
        record.rsa_status = Some(RsaStatus {
            source: RsaSource::Declaration,
            since: record.registration.registered_on,
            recorded_by: caller.principal().organization_id,
        });
    }
    check_registration_remit(caller, &record)?;
    record.registration.on_behalf_of = mandating_organization(store, caller, &record).await?;
    access::check_sensitive_write(caller, record.statuses.rqth)?;
    let document = json!({"identity": record.identity, "contact": record.contact, "statuses": record.statuses,
        "registration": record.registration});
    stamp_from(&mut record.provenance, &document, caller, "", system);
    Ok(record)
}

/// An organization registers only persons it will then follow: a registration it could not
/// read back would be lost to it (Cap emploi follows persons oriented to it; a département its
/// RSA beneficiaries; régions, partners and employers follow nobody).
fn check_registration_remit(caller: &Caller, record: &PersonRecord) -> Result<(), ApiError> {
    let access = PersonAccess {
        registered_by: Some(record.registration.registered_by),
        oriented_to: Vec::new(),
        rsa_beneficiary: record.statuses.rsa_beneficiary,
        residence_departement: record.contact.residence_departement(),
        shared_with: Vec::new(),
        co_accompanied_by: Vec::new(),
    };
    if caller.may(Operation::Write, Resource::Person(&access)) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::Forbidden,
        "your organization would not follow this person, so it does not register them: France Travail, missions \
         locales and Cap emploi register; a département registers its RSA beneficiaries; a partner under a mandate",
    ))
}

/// The organization a partner registers for: the one whose accompaniment mandate it holds today,
/// covering the person's residence (the oldest, when several do). `None` for an organization
/// registering at its own desk; 403 for a partner without such a mandate.
async fn mandating_organization(
    store: &Store,
    caller: &Caller,
    record: &PersonRecord,
) -> Result<Option<Uuid>, ApiError> {
    if !roles::registration_needs_mandate(caller.principal().kind) {
        return Ok(None);
    }
    let operator = caller.principal().organization_id;
    let mandates =
        store.run(move |conn| delegations::held(conn, DelegationKind::Accompaniment, operator, today())).await?;
    let residence = record.contact.address.as_ref().map(|address| address.commune.clone());
    let covering = mandates.into_iter().find(|mandate| mandate.scope.covers(residence.as_ref()));
    match covering {
        Some(mandate) => Ok(Some(mandate.from_organization_id)),
        None => Err(ApiError::new(
            ErrorCode::Forbidden,
            "a partner registers a person only under an accompaniment mandate (a delegation `accompaniment` to it, in \
             force today) covering the person's residence; your organization holds none that does",
        )),
    }
}
