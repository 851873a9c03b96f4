//! Tokens from an external identity provider (the network's own IdP, or FranceConnect-like
//! federations): accepted beside our own when configured.
//!
//! A token is routed here when its (unverified) `iss` is the configured issuer; everything else
//! about it is then checked against the issuer's published keys: the algorithm is one of the
//! configured ones and fits the key, the `kid` names a key of the issuer's JWK Set (fetched
//! from `jwks_url`, never from the token's own `jku`/`jwk` headers), and `iss`, `aud`, `exp`,
//! `nbf` hold. The claims then map to one of our callers:
//!
//! - the organization claim names an organization registered on the platform, by SIRET or by
//!   our id; its kind and territory come from our record, never from the token, so the policy
//!   judges external callers exactly as it judges ours;
//! - the client claim (or `sub`) becomes the client id, prefixed with [`CLIENT_PREFIX`]: our
//!   client ids are letters, digits, `-` and `_`, so an external client can never pass for
//!   one of ours in the journal, the history or the rate limits;
//! - the scope claim gives the scopes, of which only the platform's own are kept.

mod jwks;
mod organizations;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, AlgorithmFamily, Validation};
use plateforme_store::Store;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::identity::Identity;
use crate::tokens::TokenError;
use jwks::{Jwks, KeyError};
use organizations::{OrganizationRef, Organizations};

/// Prepended to the client claim to make the caller's client id.
pub const CLIENT_PREFIX: &str = "ext:";
/// Clock skew tolerated on `exp` and `nbf`, in seconds (as for our own tokens).
const LEEWAY_SECS: u64 = 30;
/// Longest client claim accepted: it is stored in the journal and keys the rate limits.
const MAX_CLIENT_LEN: usize = 200;

/// Where the external issuer is and how its claims map to our callers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalIssuerConfig {
    /// The `iss` of its tokens.
    pub issuer: String,
    /// The `aud` its tokens must carry for us.
    pub audience: String,
    /// Where its JWK Set is published.
    pub jwks_url: String,
    /// The claim naming the caller's organization: its SIRET (or our id for it, a UUID).
    #[serde(default = "default_organization_claim")]
    pub organization_claim: String,
    /// The claim naming the calling client; `sub` when the token lacks it.
    #[serde(default = "default_client_claim")]
    pub client_claim: String,
    /// The claim holding the granted scopes: a space-separated string or an array.
    #[serde(default = "default_scope_claim")]
    pub scope_claim: String,
    /// The signature algorithms accepted; asymmetric ones only.
    #[serde(default = "default_algorithms")]
    pub algorithms: Vec<Algorithm>,
    /// How long the fetched JWK Set is used before it is fetched again, in seconds.
    #[serde(default = "default_jwks_cache_secs")]
    pub jwks_cache_secs: u64,
}

fn default_organization_claim() -> String {
    "organization_siret".into()
}

fn default_client_claim() -> String {
    "client_id".into()
}

fn default_scope_claim() -> String {
    "scope".into()
}

fn default_algorithms() -> Vec<Algorithm> {
    vec![Algorithm::RS256, Algorithm::ES256]
}

fn default_jwks_cache_secs() -> u64 {
    300
}

/// Every mapping at its default, and issuer, audience and JWKS URL empty: the environment sets
/// them one variable at a time, and [`ExternalIssuerConfig::problem`] names any left empty.
impl Default for ExternalIssuerConfig {
    fn default() -> Self {
        ExternalIssuerConfig {
            issuer: String::new(),
            audience: String::new(),
            jwks_url: String::new(),
            organization_claim: default_organization_claim(),
            client_claim: default_client_claim(),
            scope_claim: default_scope_claim(),
            algorithms: default_algorithms(),
            jwks_cache_secs: default_jwks_cache_secs(),
        }
    }
}

/// What is wrong with a configuration: the field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub field: &'static str,
    pub message: String,
}

impl ExternalIssuerConfig {
    /// A configuration with the default claim mapping.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>, jwks_url: impl Into<String>) -> Self {
        ExternalIssuerConfig {
            issuer: issuer.into(),
            audience: audience.into(),
            jwks_url: jwks_url.into(),
            ..ExternalIssuerConfig::default()
        }
    }

    /// The first thing wrong with the configuration, if any.
    pub fn problem(&self) -> Option<ConfigProblem> {
        let problem = |field, message: String| Some(ConfigProblem { field, message });
        let required = [("issuer", &self.issuer), ("audience", &self.audience), ("jwks_url", &self.jwks_url)];
        for (field, value) in required {
            if value.trim().is_empty() {
                return problem(
                    field,
                    "is required: an external issuer needs its issuer, audience and JWKS URL".into(),
                );
            }
        }
        if !(self.jwks_url.starts_with("https://") || self.jwks_url.starts_with("http://")) {
            return problem("jwks_url", format!("must be an http(s) URL; got {:?}", self.jwks_url));
        }
        let claims = [
            ("organization_claim", &self.organization_claim),
            ("client_claim", &self.client_claim),
            ("scope_claim", &self.scope_claim),
        ];
        for (field, value) in claims {
            if value.trim().is_empty() {
                return problem(field, "must name a claim".into());
            }
        }
        if self.algorithms.is_empty() {
            return problem("algorithms", "must list at least one algorithm".into());
        }
        // An HMAC "key" from a JWK Set is public, so anyone could sign with it.
        if let Some(symmetric) = self.algorithms.iter().find(|alg| alg.family() == AlgorithmFamily::Hmac) {
            return problem(
                "algorithms",
                format!("{symmetric:?} is symmetric; only public-key algorithms are accepted"),
            );
        }
        if !(10..=86_400).contains(&self.jwks_cache_secs) {
            return problem("jwks_cache_secs", "must be between 10 and 86400".into());
        }
        None
    }
}

/// The external issuer: its configuration, its keys and the organizations its tokens named.
pub struct ExternalIssuer {
    config: ExternalIssuerConfig,
    jwks: Jwks,
    organizations: Organizations,
}

impl ExternalIssuer {
    pub fn new(config: ExternalIssuerConfig) -> ExternalIssuer {
        let jwks = Jwks::new(config.jwks_url.clone(), Duration::from_secs(config.jwks_cache_secs));
        ExternalIssuer { config, jwks, organizations: Organizations::default() }
    }

    /// Whether the token claims to come from this issuer (unverified: it only picks the verifier).
    pub fn issued(&self, token: &str) -> bool {
        unverified_issuer(token).is_some_and(|issuer| issuer == self.config.issuer)
    }

    /// Checks the token against the issuer's keys and maps its claims to one of our callers.
    pub async fn verify(&self, token: &str, store: &Store) -> Result<Identity, TokenError> {
        let header = jsonwebtoken::decode_header(token).map_err(|error| match unverified_algorithm(token) {
            // `none` and unknown names fail to parse; say so rather than "malformed".
            Some(alg) => self.refused_algorithm(&alg),
            None => TokenError::Malformed(error.to_string()),
        })?;
        if !self.config.algorithms.contains(&header.alg) {
            return Err(self.refused_algorithm(&format!("{:?}", header.alg)));
        }
        let kid = header.kid.ok_or_else(|| TokenError::Malformed("the token has no kid".into()))?;
        let key = self.jwks.key(&kid).await.map_err(|error| match error {
            KeyError::Unknown => {
                TokenError::Invalid(format!("the token's key ({kid}) is not published by {}", self.config.issuer))
            }
            KeyError::Unavailable(reason) => TokenError::Unavailable(format!(
                "the keys of {} could not be fetched, so its tokens cannot be checked now ({reason})",
                self.config.issuer
            )),
        })?;
        if !key.algorithms.contains(&header.alg) {
            return Err(TokenError::Invalid(format!("the token's key ({kid}) is not for {:?}", header.alg)));
        }
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &self.validation(header.alg))
            .map_err(|error| TokenError::Invalid(crate::tokens::describe(&error)))?
            .claims;
        self.identity(&claims, store).await
    }

    fn refused_algorithm(&self, alg: &str) -> TokenError {
        let accepted: Vec<String> = self.config.algorithms.iter().map(|alg| format!("{alg:?}")).collect();
        TokenError::Invalid(format!(
            "algorithm {alg} is not accepted from {}; tokens are {}",
            self.config.issuer,
            accepted.join(" or ")
        ))
    }

    /// Pinned to the token's algorithm, already checked against the configured ones:
    /// jsonwebtoken refuses a list that mixes families (RS256 with ES256).
    fn validation(&self, algorithm: Algorithm) -> Validation {
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        validation
    }

    /// Our caller for verified claims.
    async fn identity(&self, claims: &Map<String, Value>, store: &Store) -> Result<Identity, TokenError> {
        let client = self.client(claims)?;
        let organization_claim = &self.config.organization_claim;
        let named = claims.get(organization_claim).and_then(Value::as_str).ok_or_else(|| {
            TokenError::Invalid(format!(
                "the token lacks the {organization_claim} claim naming the caller's organization"
            ))
        })?;
        let reference = OrganizationRef::parse(named).ok_or_else(|| {
            TokenError::Invalid(format!(
                "the token's {organization_claim} claim ({named:?}) is neither a SIRET nor an organization id"
            ))
        })?;
        let principal = self.organizations.principal(&reference, store).await.map_err(|error| {
            tracing::warn!(%error, "looking up the organization of an external token failed");
            TokenError::Unavailable("the token's organization could not be looked up; retry later".into())
        })?;
        let principal = principal.ok_or_else(|| {
            TokenError::Invalid(format!("the token's organization ({named}) is not registered on the platform"))
        })?;
        let scopes = scopes(claims.get(&self.config.scope_claim)).ok_or_else(|| {
            TokenError::Invalid(format!(
                "the token's {} claim must be a space-separated string or an array of strings",
                self.config.scope_claim
            ))
        })?;
        Ok(Identity { client_id: format!("{CLIENT_PREFIX}{client}"), principal, scopes })
    }

    /// The client claim, or `sub` (required, so always there once verified).
    fn client<'a>(&self, claims: &'a Map<String, Value>) -> Result<&'a str, TokenError> {
        let (name, value) = match claims.get(&self.config.client_claim) {
            Some(value) => (self.config.client_claim.as_str(), value),
            None => ("sub", claims.get("sub").unwrap_or(&Value::Null)),
        };
        value
            .as_str()
            .filter(|client| !client.is_empty() && client.len() <= MAX_CLIENT_LEN)
            .filter(|client| !client.chars().any(char::is_control))
            .ok_or_else(|| {
                TokenError::Invalid(format!(
                    "the token's {name} claim must name the client in 1 to {MAX_CLIENT_LEN} printable characters"
                ))
            })
    }
}

/// The `iss` of a token, read without checking anything: only to pick the verifier.
fn unverified_issuer(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Issuer {
        iss: Option<String>,
    }
    unverified_part::<Issuer>(token, 1)?.iss
}

/// The `alg` a token's header names, even one jsonwebtoken has no variant for (`none`).
fn unverified_algorithm(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Alg {
        alg: Option<String>,
    }
    unverified_part::<Alg>(token, 0)?.alg
}

fn unverified_part<T: serde::de::DeserializeOwned>(token: &str, index: usize) -> Option<T> {
    let part = token.split('.').nth(index)?;
    // Producers disagree on padding; the JWS form has none.
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The platform's scopes among those granted, in order, without duplicates. `None` when the
/// claim has neither accepted form; an absent claim grants nothing.
fn scopes(claim: Option<&Value>) -> Option<Vec<String>> {
    let granted: Vec<&str> = match claim {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(text)) => text.split_whitespace().collect(),
        Some(Value::Array(items)) => items
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<&str>>>()?
            .into_iter()
            .flat_map(str::split_whitespace)
            .collect(),
        Some(_) => return None,
    };
    let mut scopes: Vec<String> = Vec::new();
    for scope in granted {
        // An outside provider never makes an administrator of the platform.
        let grantable = crate::scopes::is_known(scope) && scope != crate::scopes::ADMIN && scope != crate::scopes::ME;
        if grantable && !scopes.iter().any(|kept| kept == scope) {
            scopes.push(scope.to_owned());
        }
    }
    Some(scopes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(header: &Value, payload: &Value) -> String {
        let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        format!("{}.{}.c2ln", encode(header), encode(payload))
    }

    #[test]
    fn the_issuer_is_read_from_the_payload_only() {
        let issuer = ExternalIssuer::new(ExternalIssuerConfig::new("https://idp.example", "plateforme", "http://x"));
        let header = json!({"alg": "ES256", "iss": "https://idp.example"});
        assert!(issuer.issued(&token(&header, &json!({"iss": "https://idp.example"}))));
        assert!(!issuer.issued(&token(&header, &json!({"iss": "https://other.example"}))));
        assert!(!issuer.issued(&token(&header, &json!({"sub": "x"}))), "the header's iss is not the token's");
        assert!(!issuer.issued("not a token"));
        assert!(!issuer.issued("a.%%%.c"));
    }

    #[test]
    fn the_algorithm_named_is_read_even_when_unsupported() {
        let unsigned = token(&json!({"alg": "none"}), &json!({}));
        assert_eq!(unverified_algorithm(&unsigned).as_deref(), Some("none"));
    }

    #[test]
    fn scopes_come_as_a_string_or_an_array_and_only_ours_are_kept() {
        let expected = Some(vec!["organizations:read".to_owned(), "offers:read".to_owned()]);
        assert_eq!(scopes(Some(&json!("organizations:read  openid offers:read organizations:read"))), expected);
        assert_eq!(scopes(Some(&json!(["organizations:read", "profile", "offers:read"]))), expected);
        assert_eq!(scopes(None), Some(Vec::new()));
        assert_eq!(scopes(Some(&json!(42))), None);
        assert_eq!(scopes(Some(&json!(["offers:read", 42]))), None);
        assert_eq!(scopes(Some(&json!("admin offers:read"))), Some(vec!["offers:read".to_owned()]), "never admin");
    }

    #[test]
    fn the_client_is_the_client_claim_or_sub() {
        let issuer = ExternalIssuer::new(ExternalIssuerConfig::new("https://idp.example", "plateforme", "http://x"));
        let claims = |value: Value| value.as_object().cloned().unwrap_or_default();
        let both = claims(json!({"sub": "user-1", "client_id": "app-1"}));
        assert_eq!(issuer.client(&both).ok(), Some("app-1"));
        assert_eq!(issuer.client(&claims(json!({"sub": "service-1"}))).ok(), Some("service-1"));
        assert!(issuer.client(&claims(json!({"sub": "x", "client_id": ""}))).is_err());
        assert!(issuer.client(&claims(json!({"sub": "x", "client_id": "a\nb"}))).is_err());
    }

    #[test]
    fn configurations_are_checked() {
        let good = ExternalIssuerConfig::new("https://idp.example", "plateforme", "https://idp.example/jwks");
        assert_eq!(good.problem(), None);
        let field = |config: ExternalIssuerConfig| config.problem().map(|problem| problem.field);
        assert_eq!(field(ExternalIssuerConfig { audience: " ".into(), ..good.clone() }), Some("audience"));
        assert_eq!(
            field(ExternalIssuerConfig { jwks_url: "file:///etc/keys".into(), ..good.clone() }),
            Some("jwks_url")
        );
        let hmac = ExternalIssuerConfig { algorithms: vec![Algorithm::ES256, Algorithm::HS256], ..good.clone() };
        assert_eq!(field(hmac), Some("algorithms"));
        assert_eq!(field(ExternalIssuerConfig { jwks_cache_secs: 0, ..good }), Some("jwks_cache_secs"));
    }

    #[test]
    fn the_file_form_has_defaults_and_no_unknown_keys() {
        let parsed: ExternalIssuerConfig = serde_json::from_value(json!({
            "issuer": "https://idp.example", "audience": "plateforme", "jwks_url": "https://idp.example/jwks",
            "algorithms": ["ES256"]
        }))
        .expect("a configuration");
        assert_eq!(parsed.organization_claim, "organization_siret");
        assert_eq!(parsed.client_claim, "client_id");
        assert_eq!(parsed.algorithms, [Algorithm::ES256]);
        assert_eq!(parsed.jwks_cache_secs, 300);
        let none = json!({"issuer": "i", "audience": "a", "jwks_url": "https://j", "algorithms": ["none"]});
        assert!(serde_json::from_value::<ExternalIssuerConfig>(none).is_err());
        let unknown = json!({"issuer": "i", "audience": "a", "jwks_url": "https://j", "jwks_ttl": 3});
        assert!(serde_json::from_value::<ExternalIssuerConfig>(unknown).is_err());
    }
}
