//! Registering clients and managing their secrets: the one implementation behind both the
//! `plateforme clients …` commands and the admin API.

use plateforme_model::FieldError;
use plateforme_store::access::clients::{self, ClientRecord, NewClient};
use plateforme_store::{Store, StoreError, WriteContext, write};
use uuid::Uuid;

use crate::{scopes, secrets};

/// What it takes to register a client.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Chosen by the operator, or generated.
    pub client_id: Option<String>,
    pub organization_id: Uuid,
    pub name: String,
    pub scopes: Vec<String>,
    pub rate_limit_per_minute: Option<u32>,
    /// Demo clients have published secrets and are refused in production.
    pub demo: bool,
    /// A secret to use instead of a random one (demo clients only).
    pub secret: Option<String>,
}

/// Checks a registration; every broken rule is reported.
pub fn check(registration: &Registration) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Some(id) = &registration.client_id
        && (id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        errors.push(FieldError::new("client_id", "client_id.format", "1 to 64 letters, digits, - or _"));
    }
    let name = registration.name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        errors.push(FieldError::new("name", "name.length", "name must have 1 to 200 characters"));
    }
    if registration.scopes.is_empty() {
        errors.push(FieldError::new("scopes", "scopes.empty", "a client needs at least one scope"));
    }
    for (index, scope) in registration.scopes.iter().enumerate() {
        if scope == scopes::ME {
            errors.push(FieldError::new(
                format!("scopes[{index}]"),
                "scopes.person_only",
                "the me scope belongs to person tokens",
            ));
        } else if !scopes::is_known(scope) {
            errors.push(FieldError::new(
                format!("scopes[{index}]"),
                "scopes.unknown",
                format!("{scope} is not a scope of the platform"),
            ));
        }
    }
    if registration.rate_limit_per_minute == Some(0) {
        errors.push(FieldError::new("rate_limit_per_minute", "rate_limit.range", "the limit must be at least 1"));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Registers a client; returns it with its secret, which is not kept anywhere in clear.
pub fn register(
    store: &Store,
    context: &WriteContext,
    registration: Registration,
    default_rate_limit: u32,
) -> Result<(ClientRecord, String), StoreError> {
    let secret = registration.secret.clone().unwrap_or_else(secrets::generate);
    let secret_hash = secrets::hash(&secret).map_err(StoreError::Config)?;
    let client = NewClient {
        client_id: registration.client_id.unwrap_or_else(|| format!("cl_{}", Uuid::now_v7().simple())),
        organization_id: registration.organization_id,
        name: registration.name.trim().to_owned(),
        secret_hash,
        scopes: registration.scopes,
        demo: registration.demo,
        rate_limit_per_minute: registration.rate_limit_per_minute.unwrap_or(default_rate_limit),
    };
    let record = store.run_blocking(|conn| write::transaction(conn, |conn| clients::create(conn, context, client)))?;
    Ok((record, secret))
}

/// Gives the client a new secret; the old one stops working at once, and so do the tokens
/// issued with it (on every replica within the revocation refresh period). Answers once the
/// revocation's second has passed, so that a token got with the new secret is valid.
pub fn rotate_secret(
    store: &Store,
    context: &WriteContext,
    client_id: &str,
) -> Result<(ClientRecord, String), StoreError> {
    let secret = secrets::generate();
    let secret_hash = secrets::hash(&secret).map_err(StoreError::Config)?;
    let record = store.run_blocking(|conn| {
        write::transaction(conn, |conn| clients::set_secret(conn, context, client_id, &secret_hash))
    })?;
    if let Some(valid_after) = record.tokens_valid_after {
        wait_until(valid_after);
    }
    Ok((record, secret))
}

/// Disables the client: it gets no new token, and the tokens already issued are refused (on
/// every replica within the revocation refresh period). Enabling it again does not bring them
/// back.
pub fn set_enabled(
    store: &Store,
    context: &WriteContext,
    client_id: &str,
    enabled: bool,
) -> Result<ClientRecord, StoreError> {
    store.run_blocking(|conn| write::transaction(conn, |conn| clients::set_enabled(conn, context, client_id, enabled)))
}

/// Blocks until `instant` (at most a second after a revocation).
fn wait_until(instant: chrono::DateTime<chrono::Utc>) {
    if let Ok(left) = (instant - chrono::Utc::now()).to_std() {
        std::thread::sleep(left);
    }
}
