use actix_web::{HttpResponse, post};
use plateforme_api::openapi::CreateUnderProblems;
use plateforme_api::{ApiError, Create, Created, IdempotencyKey, Located, ValidJson, create_once};
use plateforme_auth::Caller;
use plateforme_model::site::{Site, SiteFields};
use plateforme_store::{StoreError, organizations, sites};
use uuid::Uuid;

use super::{locate, location, may_write};

/// Record a reception site
///
/// Records a place where people meet the organization (lieu d'accueil): its name, address,
/// position (the commune's town hall when left out), opening hours and accessibility. An
/// organization records its own sites (`organizations:write`); an administrator any
/// organization's (`admin`). The commune is a current one (rule `commune.unknown`). Send an
/// `Idempotency-Key` to make retries safe.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:write"]), ("oauth2" = ["admin"])),
    params(("id" = Uuid, Path, description = "Identifier of the organization"), IdempotencyKey),
    request_body = SiteFields,
    responses(Created<Site>, CreateUnderProblems)
)]
#[post("/organizations/{id}/sites")]
pub async fn create_site(
    Create { store, caller, path: id, header: key }: Create<Caller, Uuid>,
    ValidJson(fields): ValidJson<SiteFields>,
) -> Result<HttpResponse, ApiError> {
    let claim = key.claim(caller.client_id(), &fields)?;
    may_write(&caller, id)?;
    store.run(move |conn| organizations::find(conn, id)).await?.ok_or(StoreError::NotFound)?;
    let position = locate(&fields)?;
    let context = caller.write_context();
    create_once(&store, claim, move |conn| {
        let site = sites::create(conn, &context, id, fields, position)?;
        Ok(Located { location: location(id, site.id), version: site.version, resource: site })
    })
    .await
}
