use actix_web::{HttpResponse, post};
use plateforme_api::openapi::CreateProblems;
use plateforme_api::{ApiError, Create, Created, ErrorCode, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::Caller;
use plateforme_auth::policy::roles::{self, DELEGATIONS, DelegationRefusal};
use plateforme_model::FieldError;
use plateforme_model::delegation::{Delegation, DelegationScope, NewDelegation};
use plateforme_model::ids::{new_id, now};
use plateforme_model::organization::{Organization, Territory};
use plateforme_store::{StoreError, delegations, organizations};

/// Grant a delegation
///
/// The caller's organization delegates: a département the orientation of its RSA beneficiaries
/// to France Travail (`rsa_orientation`); France Travail or a département an accompaniment to a
/// partner operator, which then registers and accompanies persons for it (`accompaniment`).
/// Another kind of delegator answers 403; a delegate of the wrong kind 422 (rule
/// `delegation.delegate_kind`). The scope names the départements and communes of residence
/// covered, within the delegator's territory (rule `delegation.scope_outside_territory`); left
/// out, the delegator's départements. A delegation covering some of the same persons on some of
/// the same days as another of the same grant (from the same organization, to the same delegate —
/// to any for `rsa_orientation`, decided by one organization at a time) answers 409 with its
/// `existing_id`. Send an `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:write"])),
    params(IdempotencyKey),
    request_body = NewDelegation,
    responses(Created<Delegation>, CreateProblems)
)]
#[post("/delegations")]
pub async fn create_delegation(
    Create { store, caller, header: key, .. }: Create<Caller>,
    ValidJson(new): ValidJson<NewDelegation>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &new)?;
    let (from_id, to_id) = (caller.principal().organization_id, new.to_organization_id);
    let (from, to) = store
        .run(move |conn| Ok::<_, StoreError>((organizations::find(conn, from_id)?, organizations::find(conn, to_id)?)))
        .await?;
    let from = from.ok_or(StoreError::NotFound)?;
    let Some(to) = to else {
        return Err(field_error(
            "to_organization_id",
            "organization.unknown",
            format!("no organization has the id {to_id}"),
        ));
    };
    check_kinds(&new, &from, &to)?;
    let scope = scope_within(new.scope, &from.territory)?;
    let time = now();
    let delegation = Delegation {
        id: new_id(),
        kind: new.kind,
        from_organization_id: from.id,
        to_organization_id: to.id,
        since: new.since,
        until: new.until,
        scope,
        version: 1,
        created_at: time,
        updated_at: time,
    };
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let delegation = delegations::create(conn, &context, delegation)?;
        Ok(Located { location: super::location(delegation.id), version: delegation.version, resource: delegation })
    })
    .await
}

/// The delegator must hold what it delegates, and the delegate be able to receive it.
fn check_kinds(new: &NewDelegation, from: &Organization, to: &Organization) -> Result<(), ApiError> {
    let Some((_, delegators, delegates)) = DELEGATIONS.iter().find(|(kind, _, _)| *kind == new.kind) else {
        return Err(ApiError::new(ErrorCode::Forbidden, "nobody delegates this"));
    };
    match roles::delegation(new.kind, from.kind, to.kind) {
        Ok(()) => Ok(()),
        Err(DelegationRefusal::Delegator) => Err(ApiError::new(
            ErrorCode::Forbidden,
            format!(
                "a {} does not delegate {}: only a {} does",
                from.kind.as_str(),
                new.kind.as_str(),
                roles::kinds_in_words(delegators)
            ),
        )),
        Err(DelegationRefusal::Delegate) => Err(field_error(
            "to_organization_id",
            "delegation.delegate_kind",
            format!(
                "{} is delegated to a {}, not to a {}",
                new.kind.as_str(),
                roles::kinds_in_words(delegates),
                to.kind.as_str()
            ),
        )),
    }
}

/// The scope as recorded: within the delegator's territory, its départements when none are named.
fn scope_within(scope: DelegationScope, territory: &Territory) -> Result<DelegationScope, ApiError> {
    let own = &territory.departements;
    let mut errors = Vec::new();
    for (index, departement) in scope.departements.iter().enumerate() {
        if !own.is_empty() && !own.contains(departement) {
            errors.push(FieldError::new(
                format!("scope.departements[{index}]"),
                "delegation.scope_outside_territory",
                format!("département {departement} is outside your organization's territory"),
            ));
        }
    }
    let departements = if scope.departements.is_empty() { own.clone() } else { scope.departements };
    for (index, commune) in scope.communes.iter().enumerate() {
        if !departements.is_empty() && !departements.contains(&commune.departement()) {
            errors.push(FieldError::new(
                format!("scope.communes[{index}]"),
                "delegation.scope_outside_territory",
                format!("commune {commune} lies outside the départements the delegation covers"),
            ));
        }
    }
    if errors.is_empty() {
        Ok(DelegationScope { departements, communes: scope.communes })
    } else {
        Err(ApiError::validation(errors))
    }
}

fn field_error(field: &str, rule: &str, message: String) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, rule, message)])
}
