use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use plateforme_api::openapi::{CreateProblems, ListProblems, ReadProblems};
use plateforme_api::responses::current_response;
use plateforme_api::{ApiError, List, PageBody, ValidJson, etag};
use plateforme_model::{Validate, ValidationErrors};
use plateforme_store::access::clients::ClientRecord;
use plateforme_store::{StoreError, access::clients as stored};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::clients::{self, Registration};
use crate::scopes;
use crate::{Caller, SharedAuth};

/// An OAuth client of a partner information system. Its secret is never shown again after
/// its creation or rotation.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"client_id": "cl_01936b2e8f3c7a4e9b1d2f6c8e4a5b7d", "organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "name": "SI de la mission locale de Lyon", "scopes": ["dossier:read", "dossier:write"], "enabled": true, "demo": false,
    "rate_limit_per_minute": 600, "version": 1, "created_at": "2026-11-24T09:30:00Z", "updated_at": "2026-11-24T09:30:00Z"}))]
pub struct Client {
    pub client_id: String,
    /// The organization the client acts for.
    pub organization_id: Uuid,
    pub name: String,
    /// The scopes the client may ask for.
    pub scopes: Vec<String>,
    /// A disabled client gets no new token, and its tokens issued before it was disabled are
    /// refused within 5 seconds (the server's `token_revocation_refresh_secs`).
    pub enabled: bool,
    /// Demo clients have published secrets and are refused by production servers.
    pub demo: bool,
    /// Requests a minute, at least 1.
    #[schema(minimum = 1)]
    pub rate_limit_per_minute: u32,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ClientRecord> for Client {
    fn from(record: ClientRecord) -> Self {
        Client {
            client_id: record.client_id,
            organization_id: record.organization_id,
            name: record.name,
            scopes: record.scopes,
            enabled: record.enabled,
            demo: record.demo,
            rate_limit_per_minute: record.rate_limit_per_minute,
            version: record.version,
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }
}

/// A client with its secret, shown once.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ClientCredentials {
    pub client: Client,
    /// Store it in your secret vault now: it is kept only as a hash.
    pub client_secret: String,
}

/// A client to register.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d", "name": "SI de la mission locale de Lyon",
    "scopes": ["dossier:read", "dossier:write"], "rate_limit_per_minute": 600}))]
pub struct ClientRegistration {
    /// The organization the client acts for, which must exist (rule `organization.unknown`).
    pub organization_id: Uuid,
    /// What the client is, 1 to 200 characters, not blank (rule `name.length`).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// The scopes granted: see [`registration_scopes_schema`].
    #[schema(schema_with = registration_scopes_schema)]
    pub scopes: Vec<String>,
    /// Chosen id, 1 to 64 letters, digits, `-` or `_` (rule `client_id.format`); generated
    /// when absent.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$", min_length = 1, max_length = 64)]
    pub client_id: Option<String>,
    /// Requests a minute, at least 1 (the server refuses 0 with `rate_limit.range`); the
    /// server's default when absent.
    #[schema(minimum = 1)]
    pub rate_limit_per_minute: Option<u32>,
}

/// The scopes a client may be granted: every scope of the platform but the person tokens' own,
/// listed from their one home ([`scopes::SCOPES`]).
fn registration_scopes_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    let grantable = scopes::SCOPES.iter().map(|(name, _)| *name).filter(|name| *name != scopes::ME);
    let scope = ObjectBuilder::new().schema_type(Type::String).enum_values(Some(grantable));
    ArrayBuilder::new()
        .items(scope)
        .min_items(Some(1))
        .description(Some(format!(
            "The scopes granted, at least one (rule `scopes.empty`), each a scope of the platform \
             (rule `scopes.unknown`) other than `{}`, which belongs to person tokens (rule \
             `scopes.person_only`).",
            scopes::ME
        )))
        .build()
}

impl ClientRegistration {
    fn into_registration(self) -> Registration {
        Registration {
            client_id: self.client_id,
            organization_id: self.organization_id,
            name: self.name,
            scopes: self.scopes,
            rate_limit_per_minute: self.rate_limit_per_minute,
            demo: false,
            secret: None,
        }
    }
}

impl Validate for ClientRegistration {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let registration = Registration {
            client_id: self.client_id.clone(),
            organization_id: self.organization_id,
            name: self.name.clone(),
            scopes: self.scopes.clone(),
            rate_limit_per_minute: self.rate_limit_per_minute,
            demo: false,
            secret: None,
        };
        let mut errors = ValidationErrors::new();
        for error in clients::check(&registration).err().unwrap_or_default() {
            errors.push(error);
        }
        errors.into_result()
    }
}

fn credentials_response(status: actix_web::http::StatusCode, record: ClientRecord, secret: String) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(record.version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ClientCredentials { client: record.into(), client_secret: secret })
}

/// A missing organization is a validation error of the body, not a missing resource.
fn registration_error(error: StoreError) -> ApiError {
    match error {
        StoreError::NotFound => ApiError::validation(vec![plateforme_model::FieldError::new(
            "organization_id",
            "organization.unknown",
            "no organization has this id",
        )]),
        other => other.into(),
    }
}

/// Register a client
///
/// Registers an OAuth client for an organization and answers its secret, once. Scopes must be
/// scopes of the platform (see the `oauth2` security scheme).
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])),
    request_body = ClientRegistration,
    responses((status = 201, description = "Registered; the secret is in the body, once.", body = ClientCredentials), CreateProblems))]
#[post("/admin/clients")]
pub async fn create_client(
    caller: Caller,
    auth: web::Data<SharedAuth>,
    ValidJson(body): ValidJson<ClientRegistration>,
) -> Result<HttpResponse, ApiError> {
    let context = caller.write_context();
    let default_limit = auth.settings.default_rate_limit_per_minute;
    let store = auth.store.clone();
    let (record, secret) =
        web::block(move || clients::register(&store, &context, body.into_registration(), default_limit))
            .await
            .map_err(ApiError::internal)?
            .map_err(registration_error)?;
    Ok(credentials_response(actix_web::http::StatusCode::CREATED, record, secret))
}

plateforme_api::paging_query! {
    pub struct ListClientsQuery {
        /// Only the clients of this organization.
        organization_id: Option<Uuid>,
    }
    limit: "Clients per page, 1 to 100 (20 by default)."
}

/// List clients
///
/// Lists clients in id order, optionally those of one organization.
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])), params(ListClientsQuery),
    responses((status = 200, description = "One page of clients.", body = PageBody<Client>), ListProblems))]
#[get("/admin/clients")]
pub async fn list_clients(list: List<Caller, ListClientsQuery>) -> Result<HttpResponse, ApiError> {
    let page = list.query.page_request()?;
    let organization_id = list.query.organization_id;
    let clients = list.store.run(move |conn| stored::list(conn, organization_id, &page)).await?;
    Ok(list.page(clients.map(Client::from)))
}

/// Read a client
///
/// The client's settings (never its secret).
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])),
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The client.", body = Client), ReadProblems))]
#[get("/admin/clients/{client_id}")]
pub async fn get_client(
    _caller: Caller,
    auth: web::Data<SharedAuth>,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client_id = client_id.into_inner();
    let lookup = client_id.clone();
    let record = auth.store.run(move |conn| stored::find(conn, &lookup)).await?;
    let record = record.ok_or_else(|| ApiError::not_found(format!("client {client_id}")))?;
    Ok(current_response(record.version, &Client::from(record)))
}

/// Runs a change of one client off the async threads (hashing a secret is slow on purpose).
async fn change_client<T: Send + 'static>(
    caller: &Caller,
    auth: &SharedAuth,
    client_id: String,
    change: impl FnOnce(&plateforme_store::Store, &plateforme_store::WriteContext, &str) -> Result<T, StoreError>
    + Send
    + 'static,
) -> Result<T, ApiError> {
    let context = caller.write_context();
    let store = auth.store.clone();
    let result = web::block(move || change(&store, &context, &client_id)).await.map_err(ApiError::internal)?;
    result.map_err(|error| match error {
        StoreError::NotFound => ApiError::not_found("the client"),
        other => other.into(),
    })
}

/// Rotate a client's secret
///
/// Gives the client a new secret, answered once; the old secret stops working at once, and the
/// tokens issued before are refused within 5 seconds on every server (the server's
/// `token_revocation_refresh_secs`). A token got with the new secret is valid as soon as this
/// answers.
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])),
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The new secret, once.", body = ClientCredentials), ReadProblems))]
#[post("/admin/clients/{client_id}/rotate-secret")]
pub async fn rotate_client_secret(
    caller: Caller,
    auth: web::Data<SharedAuth>,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (record, secret) = change_client(&caller, &auth, client_id.into_inner(), clients::rotate_secret).await?;
    revoke_here(&auth, &record);
    Ok(credentials_response(actix_web::http::StatusCode::OK, record, secret))
}

/// Disable a client
///
/// The client gets no new token, and the tokens already issued are refused within 5 seconds on
/// every server (the server's `token_revocation_refresh_secs`); enabling it again does not
/// bring them back.
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])),
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The disabled client.", body = Client), ReadProblems))]
#[post("/admin/clients/{client_id}/disable")]
pub async fn disable_client(
    caller: Caller,
    auth: web::Data<SharedAuth>,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_enabled(caller, auth, client_id, false).await
}

/// Enable a client
///
/// Lets a disabled client get tokens again (the tokens revoked when it was disabled stay
/// refused).
#[utoipa::path(tag = "Administration", security(("oauth2" = ["admin"])),
    params(("client_id" = String, Path, description = "The client id")),
    responses((status = 200, description = "The enabled client.", body = Client), ReadProblems))]
#[post("/admin/clients/{client_id}/enable")]
pub async fn enable_client(
    caller: Caller,
    auth: web::Data<SharedAuth>,
    client_id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_enabled(caller, auth, client_id, true).await
}

async fn set_enabled(
    caller: Caller,
    auth: web::Data<SharedAuth>,
    client_id: web::Path<String>,
    enabled: bool,
) -> Result<HttpResponse, ApiError> {
    let change = move |store: &plateforme_store::Store, context: &plateforme_store::WriteContext, client_id: &str| {
        clients::set_enabled(store, context, client_id, enabled)
    };
    let record = change_client(&caller, &auth, client_id.into_inner(), change).await?;
    revoke_here(&auth, &record);
    Ok(current_response(record.version, &Client::from(record)))
}

/// Makes a revocation hold on this server at once; the others read it within their refresh
/// period.
fn revoke_here(auth: &SharedAuth, record: &ClientRecord) {
    if let Some(valid_after) = record.tokens_valid_after {
        auth.revocations.revoke(&record.client_id, valid_after);
    }
}
