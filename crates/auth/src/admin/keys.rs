use actix_web::{HttpResponse, post, web};
use plateforme_api::ApiError;
use plateforme_api::openapi::ListProblems;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Caller, SharedAuth};

#[derive(Serialize, ToSchema)]
pub struct RotatedKey {
    /// The `kid` of the key that signs from now on.
    kid: String,
}

/// Rotate the signing key
///
/// Creates a new signing key; tokens are signed with it from now on. The previous keys stay in
/// `/.well-known/jwks.json` until the tokens they signed have expired, so no token in flight
/// is refused. Other replicas pick the new key up within a minute.
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])),
    responses((status = 200, description = "The new key's id.", body = RotatedKey), ListProblems))]
#[post("/admin/keys/rotate")]
pub async fn rotate_signing_key(_caller: Caller, auth: web::Data<SharedAuth>) -> Result<HttpResponse, ApiError> {
    let encryption = auth.keys.encryption();
    let kid = auth.store.run(move |conn| crate::keys::rotate(conn, &encryption)).await?;
    let keys = auth.get_ref().clone();
    web::block(move || keys.keys.refresh()).await.map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(RotatedKey { kid }))
}
