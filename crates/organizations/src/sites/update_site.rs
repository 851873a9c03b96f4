use actix_web::{HttpResponse, patch};
use plateforme_api::json::changes_between;
use plateforme_api::openapi::UpdateProblems;
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, Change, IfMatch, MergePatch};
use plateforme_auth::Caller;
use plateforme_model::site::{Site, SiteFields};
use plateforme_store::{sites, write};

use super::{SitePath, locate, may_write, not_found};

/// Change a reception site
///
/// Applies a JSON Merge Patch (RFC 7396) to the site's `name`, `address`, `position`,
/// `opening_hours` and `accessibility` (`application/merge-patch+json`); the patched site follows
/// the rules of a new one. `null` as `position` puts it back at the commune's town hall. Changed
/// by its organization or an administrator; `If-Match` carries the site's ETag.
#[utoipa::path(
    tag = crate::TAG,
    security(("oauth2" = ["organizations:write"]), ("oauth2" = ["admin"])),
    params(SitePath, IfMatch),
    request_body(content = Object, content_type = "application/merge-patch+json",
        description = "Merge patch of the site's fields.",
        example = json!({"opening_hours": [{"day": "saturday", "opens": "09:00", "closes": "12:00"}]})),
    responses(
        (status = 200, description = "Changed (or unchanged).", body = Site,
            headers(("ETag" = String, description = "The new version"))),
        UpdateProblems,
    )
)]
#[patch("/organizations/{id}/sites/{site_id}")]
pub async fn update_site(
    Change { store, caller, path: SitePath { id, site_id }, header: if_match }: Change<Caller, SitePath>,
    patch: MergePatch,
) -> Result<HttpResponse, ApiError> {
    may_write(&caller, id)?;
    let current = store.run(move |conn| sites::find(conn, id, site_id)).await?.ok_or_else(|| not_found(id, site_id))?;
    let expected = if_match.check(current.version)?;
    let fields: SiteFields = patch.apply_to(&current.fields())?;
    let Some(changes) = changes_between(&current.fields(), &fields)? else {
        return Ok(current_response(current.version, &current));
    };
    let position = locate(&fields)?;
    let context = caller.write_context();
    let updated: Site = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                sites::update(conn, &context, &current, expected, fields, position, changes)
            })
        })
        .await?;
    Ok(current_response(updated.version, &updated))
}
