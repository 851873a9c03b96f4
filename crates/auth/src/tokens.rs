//! Access tokens: JWTs as RFC 9068 profiles them, signed ES256 with a `kid`, carrying the
//! client's organization so that no request needs a database read to know who calls.

use jsonwebtoken::{Algorithm, Header, Validation};
use plateforme_model::organization::{OrganizationKind, Territory};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::keys::KeyRing;

/// The `typ` header of access tokens (RFC 9068 §2.1).
pub const TOKEN_TYPE: &str = "at+jwt";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    /// The client id.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    pub jti: String,
    pub client_id: String,
    /// Space-separated granted scopes.
    pub scope: String,
    pub organization_id: Uuid,
    pub organization_kind: OrganizationKind,
    #[serde(default)]
    pub territory: Territory,
}

/// The claims of a person's own token: who they are, nothing of any organization. Its only
/// scope is `me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonClaims {
    pub iss: String,
    /// `person:<id>`.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub scope: String,
    pub person_id: Uuid,
}

/// A verified token of ours: a client's or a person's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Client(Claims),
    Person(PersonClaims),
}

/// Where tokens come from and for whom they are.
#[derive(Debug, Clone)]
pub struct TokenSettings {
    pub issuer: String,
    pub audience: String,
    pub lifetime: chrono::Duration,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("no signing key is available")]
    NoSigningKey,
    #[error("the token is malformed: {0}")]
    Malformed(String),
    #[error("the token's key ({0}) is not one of ours")]
    UnknownKey(String),
    #[error("the token is not an access token (typ must be at+jwt)")]
    WrongType,
    #[error("{0}")]
    Invalid(String),
    /// The token cannot be checked now (keys or organization unreachable): 503, not 401.
    #[error("{0}")]
    Unavailable(String),
}

/// Signs the claims with the current key.
pub fn sign(keys: &KeyRing, claims: &impl Serialize) -> Result<String, TokenError> {
    let (kid, key) = keys.signing_key().ok_or(TokenError::NoSigningKey)?;
    let mut header = Header::new(Algorithm::ES256);
    header.typ = Some(TOKEN_TYPE.into());
    header.kid = Some(kid);
    jsonwebtoken::encode(&header, claims, &key).map_err(|error| TokenError::Invalid(error.to_string()))
}

/// Checks a token of ours: ES256 only, a known `kid`, `typ` at+jwt, our issuer and audience,
/// not expired and not before its `nbf`.
pub fn verify(keys: &KeyRing, settings: &TokenSettings, token: &str) -> Result<Verified, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|error| TokenError::Malformed(error.to_string()))?;
    if header.alg != Algorithm::ES256 {
        return Err(TokenError::Invalid(format!("algorithm {:?} is not accepted; tokens are ES256", header.alg)));
    }
    if !header.typ.as_deref().is_some_and(|typ| typ.eq_ignore_ascii_case(TOKEN_TYPE)) {
        return Err(TokenError::WrongType);
    }
    let kid = header.kid.ok_or_else(|| TokenError::Malformed("the token has no kid".into()))?;
    let key = keys.verifying_key(&kid).ok_or(TokenError::UnknownKey(kid))?;
    let validation = validation(settings);
    let claims = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|error| TokenError::Invalid(describe(&error)))?;
    let malformed = |error: serde_json::Error| TokenError::Malformed(format!("unexpected claims: {error}"));
    if claims.get("person_id").is_some() {
        serde_json::from_value(claims).map(Verified::Person).map_err(malformed)
    } else {
        serde_json::from_value(claims).map(Verified::Client).map_err(malformed)
    }
}

/// A person's token, valid from now for the settings' lifetime.
pub fn person_claims(settings: &TokenSettings, person_id: Uuid) -> PersonClaims {
    let now = chrono::Utc::now().timestamp();
    PersonClaims {
        iss: settings.issuer.clone(),
        sub: format!("person:{person_id}"),
        aud: settings.audience.clone(),
        exp: now + settings.lifetime.num_seconds(),
        iat: now,
        jti: plateforme_model::ids::new_id().to_string(),
        scope: crate::scopes::ME.into(),
        person_id,
    }
}

fn validation(settings: &TokenSettings) -> Validation {
    let mut validation = Validation::new(Algorithm::ES256);
    validation.set_issuer(&[&settings.issuer]);
    validation.set_audience(&[&settings.audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.validate_nbf = true;
    validation.leeway = 30;
    validation
}

/// A sentence a client can act on.
pub(crate) fn describe(error: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::ExpiredSignature => "the token has expired; get a new one".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        ErrorKind::InvalidIssuer => "the token was issued by another issuer".into(),
        ErrorKind::InvalidAudience => "the token is meant for another audience".into(),
        ErrorKind::InvalidSignature => "the token's signature does not verify".into(),
        ErrorKind::InvalidAlgorithm => "the token's algorithm does not fit its key".into(),
        ErrorKind::MissingRequiredClaim(claim) => format!("the token lacks the {claim} claim"),
        other => format!("the token is invalid: {other:?}"),
    }
}

/// New claims for a client, valid from now for the settings' lifetime.
pub fn claims_for(
    settings: &TokenSettings,
    client_id: &str,
    scopes: &[String],
    organization: (Uuid, OrganizationKind, Territory),
) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        iss: settings.issuer.clone(),
        sub: client_id.to_owned(),
        aud: settings.audience.clone(),
        exp: now + settings.lifetime.num_seconds(),
        iat: now,
        nbf: Some(now),
        jti: plateforme_model::ids::new_id().to_string(),
        client_id: client_id.to_owned(),
        scope: scopes.join(" "),
        organization_id: organization.0,
        organization_kind: organization.1,
        territory: organization.2,
    }
}
