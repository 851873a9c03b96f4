use actix_web::{HttpResponse, post};
use plateforme_api::openapi::{CreateUnderProblems, LimitedProblems};
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::policy::roles;
use plateforme_auth::{Caller, JournalSection};
use plateforme_model::FieldError;
use plateforme_model::delegation::{Delegation, DelegationKind};
use plateforme_model::organization::Organization;
use plateforme_model::person::co_accompaniment::{
    CoAccompaniment, CoAccompanimentRecord, CoAccompanimentRole, NewCoAccompaniment,
};
use plateforme_store::dossier::co_accompaniments;
use plateforme_store::dossier::persons::StoredPerson;
use plateforme_store::{delegations, organizations};
use uuid::Uuid;

use super::location;
use crate::access;

/// Record a co-accompaniment
///
/// Records an organization that accompanies the person beside the référent (the orientation's
/// referent organization), in a role: `social` (a département's or an association's social
/// worker), `delegated` (an operator — a PLIE, a private placement operator — under an
/// accompaniment mandate, acting for its mandating organization, named in `acting_for`),
/// `specialised` (France Travail, a mission locale, Cap emploi, a partner), `training` (a région or
/// a partner). The co-accompanying organization then reads the dossier — the sensitive parts only
/// in the `social` and `specialised` roles — and writes its own actions of the contract. Recorded
/// by an organization that may write the dossier. An organization without a remit for the person
/// is refused (422: rules `co_accompaniment.kind`, `co_accompaniment.outside_territory`,
/// `co_accompaniment.no_mandate`, `co_accompaniment.referent`); the same organization on some of
/// the same days answers 409 with the `existing_id`. Send an `Idempotency-Key` to make retries
/// safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["dossier:write"])),
    params(("id" = Uuid, Path, description = "Identifier of the person"), IdempotencyKey),
    request_body = NewCoAccompaniment,
    responses(Created<CoAccompaniment>, CreateUnderProblems, LimitedProblems)
)]
#[post("/persons/{id}/co-accompaniments")]
pub async fn create_co_accompaniment(
    Create { store, caller, path: id, header: key }: Create<Caller, Uuid>,
    ValidJson(new): ValidJson<NewCoAccompaniment>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &new)?;
    let (organization_id, since) = (new.organization_id, new.since);
    let (person, organization, mandates) = access::load_for_write(&store, &caller, id, move |conn, person| {
        let organization = organizations::find(conn, organization_id)?;
        let mandates = delegations::held(conn, DelegationKind::Accompaniment, organization_id, since)?;
        Ok((person, organization, mandates))
    })
    .await?;
    let Some(organization) = organization else {
        return Err(refusal("organization.unknown", format!("no organization has the id {organization_id}")));
    };
    let acting_for = check_remit(&new, &person, &organization, &mandates)?;
    let record = CoAccompanimentRecord {
        organization_id,
        role: new.role,
        since: new.since,
        until: new.until,
        acting_for,
        recorded_by: caller.principal().organization_id,
    };
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let created = access::write_part(conn, &caller, id, JournalSection::CoAccompaniment, |conn| {
            co_accompaniments::create(conn, &context, id, record)
        })?;
        Ok(Located { location: location(id, created.id), version: created.version, resource: created.view() })
    })
    .await
}

/// Whether the organization has a remit to co-accompany this person in this role; for a delegated
/// operator, the organization it acts for.
fn check_remit(
    new: &NewCoAccompaniment,
    person: &StoredPerson,
    organization: &Organization,
    mandates: &[Delegation],
) -> Result<Option<Uuid>, ApiError> {
    let referent = person.record.orientation.as_ref().map(|orientation| orientation.referent_organization_id);
    if referent == Some(organization.id) {
        return Err(refusal("co_accompaniment.referent", "the organization is the person's référent already".into()));
    }
    let kinds = roles::co_accompanying_kinds(new.role);
    if !kinds.contains(&organization.kind) {
        return Err(refusal(
            "co_accompaniment.kind",
            format!(
                "a {} does not co-accompany in the role {}: a {} does",
                organization.kind.as_str(),
                new.role.as_str(),
                roles::kinds_in_words(kinds)
            ),
        ));
    }
    let residence = person.record.contact.address.as_ref().map(|address| &address.commune);
    let own = &organization.territory.departements;
    if let Some(commune) = residence
        && !own.is_empty()
        && !own.contains(&commune.departement())
    {
        return Err(refusal(
            "co_accompaniment.outside_territory",
            format!("the person lives in département {}, outside the organization's territory", commune.departement()),
        ));
    }
    if new.role != CoAccompanimentRole::Delegated {
        return Ok(None);
    }
    match mandates.iter().find(|mandate| mandate.scope.covers(residence)) {
        Some(mandate) => Ok(Some(mandate.from_organization_id)),
        None => Err(refusal(
            "co_accompaniment.no_mandate",
            format!(
                "a delegated co-accompaniment needs an accompaniment mandate held by the organization on {} and \
                 covering the person's residence; it holds none that does",
                new.since
            ),
        )),
    }
}

fn refusal(rule: &str, message: String) -> ApiError {
    ApiError::validation(vec![FieldError::new("organization_id", rule, message)])
}
