//! Access tokens: JWTs as RFC 9068 profiles them, signed ES256 with a `kid`, carrying the
//! client's organization so that no request needs a database read to know who calls.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Header, Validation};
use p256::ecdsa::Signature;
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
    let token = jsonwebtoken::encode(&header, claims, &key).map_err(|error| TokenError::Invalid(error.to_string()))?;
    with_low_s(token)
}

/// ECDSA accepts both (r, s) and (r, n - s) for the same message; P-256 signers do not choose
/// between them. Tokens are signed in the low-S form and verification refuses the other, so a
/// token has one valid form: no one can make a second valid token of the same claims (to slip
/// past what remembers tokens by their text, such as the cache of verified tokens).
fn with_low_s(token: String) -> Result<String, TokenError> {
    let (signed, signature) = split_signature(&token)?;
    match signature.normalize_s() {
        Some(low) => Ok(format!("{signed}.{}", URL_SAFE_NO_PAD.encode(low.to_bytes()))),
        None => Ok(token),
    }
}

/// Refuses a signature in its high-S form (s > n/2): see [`with_low_s`].
fn refuse_high_s(token: &str) -> Result<(), TokenError> {
    let (_, signature) = split_signature(token)?;
    if signature.normalize_s().is_some() {
        return Err(TokenError::Invalid("the token's signature is not in its low-S form (s > n/2)".into()));
    }
    Ok(())
}

/// The signed part of a JWS (header and payload) and its ES256 signature.
fn split_signature(token: &str) -> Result<(&str, Signature), TokenError> {
    let (signed, encoded) =
        token.rsplit_once('.').ok_or_else(|| TokenError::Malformed("the token has no signature".into()))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| TokenError::Malformed("the token's signature is not base64url".into()))?;
    let signature = Signature::from_slice(&bytes)
        .map_err(|_| TokenError::Invalid("the token's signature is not an ES256 signature (r, s)".into()))?;
    Ok((signed, signature))
}

/// Checks a token of ours: ES256 only, a low-S signature, a known `kid`, `typ` at+jwt, our
/// issuer and audience, not expired and not before its `nbf`.
pub fn verify(keys: &KeyRing, settings: &TokenSettings, token: &str) -> Result<Verified, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|error| TokenError::Malformed(error.to_string()))?;
    if header.alg != Algorithm::ES256 {
        return Err(TokenError::Invalid(format!("algorithm {:?} is not accepted; tokens are ES256", header.alg)));
    }
    if !header.typ.as_deref().is_some_and(|typ| typ.eq_ignore_ascii_case(TOKEN_TYPE)) {
        return Err(TokenError::WrongType);
    }
    let kid = header.kid.ok_or_else(|| TokenError::Malformed("the token has no kid".into()))?;
    refuse_high_s(token)?;
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

#[cfg(test)]
mod tests {
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer;
    use rand_core::OsRng;

    use super::*;

    /// A P-256 signer leaves about half its signatures in the high-S form: find one.
    fn high_s_token() -> String {
        let key = SigningKey::random(&mut OsRng);
        (0..256)
            .map(|n| {
                let signed = format!("header.payload{n}");
                let signature: Signature = key.sign(signed.as_bytes());
                (signed, signature)
            })
            .find(|(_, signature)| signature.normalize_s().is_some())
            .map(|(signed, signature)| format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes())))
            .expect("a high-S signature in 256 draws")
    }

    #[test]
    fn a_token_has_one_valid_form_the_low_s_one() -> Result<(), TokenError> {
        let high = high_s_token();
        assert!(matches!(refuse_high_s(&high), Err(TokenError::Invalid(_))));
        let low = with_low_s(high.clone())?;
        assert_ne!(low, high);
        assert_eq!(low.rsplit_once('.').map(|(signed, _)| signed), high.rsplit_once('.').map(|(signed, _)| signed));
        refuse_high_s(&low)?;
        assert_eq!(with_low_s(low.clone())?, low, "a low-S token is signed as it is");
        Ok(())
    }
}
