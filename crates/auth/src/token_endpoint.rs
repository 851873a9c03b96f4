//! `POST /oauth/token`: the client credentials grant (RFC 6749 §4.4). Errors follow RFC 6749
//! §5.2 (`{"error": …}` as application/json), which OAuth libraries expect, not problems.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plateforme_api::text::Text;
use plateforme_store::access::clients::ClientRecord;
use plateforme_store::organizations;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::state::{Profile, SharedAuth};
use crate::{scopes, secrets, tokens};

/// A token request (`application/x-www-form-urlencoded`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// Always `client_credentials`.
    #[schema(example = "client_credentials")]
    pub grant_type: String,
    /// Space-separated scopes wanted; all the client's scopes when absent. Scopes the client
    /// may not have are left out of the token rather than failing the request.
    #[schema(example = "dossier:read dossier:write")]
    pub scope: Option<String>,
    /// With `client_secret_post`; otherwise use HTTP Basic (`client_secret_basic`).
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// With the person grant: the one-time code the person's counsellor gave them.
    pub code: Option<String>,
}

/// The grant by which a person exchanges a one-time code for a token on their own dossier.
pub const PERSON_CODE_GRANT: &str = "urn:plateforme:params:oauth:grant-type:person-access-code";

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"access_token": "eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6Ii4uLiJ9...", "token_type": "Bearer", "expires_in": 600, "scope": "dossier:read dossier:write"}))]
pub struct TokenResponse {
    /// A JWT (RFC 9068), to send as `Authorization: Bearer …`.
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the token stays valid.
    pub expires_in: i64,
    /// The scopes granted, which may be fewer than asked.
    pub scope: String,
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"error": "invalid_client", "error_description": "unknown client or wrong secret"}))]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_scope` or `unsupported_grant_type`.
    pub error: &'static str,
    pub error_description: String,
}

/// Why a token request is refused: an RFC 6749 error, or the service being unavailable.
enum Refusal {
    OAuth { error: &'static str, description: String },
    Unavailable,
}

fn oauth_error(error: &'static str, description: impl Into<String>) -> Refusal {
    Refusal::OAuth { error, description: description.into() }
}

impl Refusal {
    fn response(self) -> HttpResponse {
        let Refusal::OAuth { error, description } = self else {
            return HttpResponse::ServiceUnavailable().insert_header((header::RETRY_AFTER, "5")).finish();
        };
        let mut response =
            if error == "invalid_client" { HttpResponse::Unauthorized() } else { HttpResponse::BadRequest() };
        if error == "invalid_client" {
            response.insert_header((header::WWW_AUTHENTICATE, "Basic realm=\"plateforme\""));
        }
        response
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(OAuthError { error, error_description: description })
    }
}

/// Get an access token
///
/// The client credentials grant: authenticate with the client id and secret, either with
/// HTTP Basic (`client_secret_basic`, preferred) or in the form (`client_secret_post`), and
/// receive a JWT access token for the scopes asked that the client is allowed. A person
/// exchanges the one-time code their counsellor gave them with the grant
/// `urn:plateforme:params:oauth:grant-type:person-access-code` and `code`, for a token of
/// scope `me` on their own dossier (where FranceConnect will plug in). Errors are RFC 6749
/// §5.2 JSON objects: `invalid_client` (401, with `WWW-Authenticate`), `invalid_request`,
/// `invalid_scope` (no asked scope is allowed), `invalid_grant` (bad code),
/// `unsupported_grant_type`.
#[utoipa::path(
    tag = "Access",
    security(()),
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded",
        example = json!({"grant_type": "client_credentials"})),
    responses(
        (status = 200, description = "The access token.", body = TokenResponse),
        (status = 400, description = "`invalid_request` (also a field or credential holding a control character, rule `text.control_character`), `invalid_scope`, `invalid_grant` or `unsupported_grant_type`.", body = OAuthError),
        (status = 401, description = "`invalid_client`: unknown client, wrong secret, disabled client.", body = OAuthError),
        (status = 429, description = "Too many requests from this address (`Retry-After`).", body = plateforme_api::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/oauth/token")]
pub async fn issue_token(req: HttpRequest, body: web::Bytes, auth: web::Data<SharedAuth>) -> HttpResponse {
    match token_for(&req, &body, &auth).await {
        Ok(token) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(token),
        Err(refusal) => refusal.response(),
    }
}

async fn token_for(req: &HttpRequest, body: &[u8], auth: &SharedAuth) -> Result<TokenResponse, Refusal> {
    let form = parse_form(req, body)?;
    match form.grant_type.as_str() {
        "client_credentials" => {}
        PERSON_CODE_GRANT => return person_token(&form, auth).await,
        "" => return Err(oauth_error("invalid_request", "grant_type is required")),
        other => {
            return Err(oauth_error(
                "unsupported_grant_type",
                format!("grant_type {other} is not supported; use client_credentials (or {PERSON_CODE_GRANT})"),
            ));
        }
    }
    let (client_id, secret) = credentials(req, &form)?;
    let client = authenticate_client(auth, client_id, secret).await?;
    let granted = grant(&client, form.scope.as_deref())?;
    let organization_id = client.organization_id;
    let organization = auth
        .store
        .run(move |conn| organizations::find(conn, organization_id))
        .await
        .ok()
        .flatten()
        .ok_or_else(|| oauth_error("invalid_client", "the client's organization does not exist"))?;
    let claims = tokens::claims_for(
        &auth.settings.tokens,
        &client.client_id,
        &granted,
        (organization.id, organization.kind, organization.territory),
    );
    signed(auth, &claims, granted.join(" "))
}

/// A person's token for a one-time code: the code works once, until it expires.
async fn person_token(form: &TokenRequest, auth: &SharedAuth) -> Result<TokenResponse, Refusal> {
    let code = form
        .code
        .clone()
        .filter(|code| !code.is_empty())
        .ok_or_else(|| oauth_error("invalid_request", "code is required"))?;
    let person_id = auth
        .store
        .run(move |conn| plateforme_store::dossier::access_codes::redeem(conn, &code))
        .await
        .map_err(|error| {
            tracing::error!(%error, "redeeming an access code failed");
            Refusal::Unavailable
        })?
        .ok_or_else(|| {
            oauth_error(
                "invalid_grant",
                "the code is unknown, expired or already used; ask your counsellor for a new one",
            )
        })?;
    let claims = tokens::person_claims(&auth.settings.tokens, person_id);
    signed(auth, &claims, claims.scope.clone())
}

/// The answer of both grants: the claims signed with the current key, valid for the
/// configured lifetime, and the scopes they grant.
fn signed(auth: &SharedAuth, claims: &impl Serialize, scope: String) -> Result<TokenResponse, Refusal> {
    let access_token = tokens::sign(&auth.keys, claims).map_err(|error| {
        tracing::error!(%error, "signing a token failed");
        Refusal::Unavailable
    })?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: auth.settings.tokens.lifetime.num_seconds(),
        scope,
    })
}

fn parse_form(req: &HttpRequest, body: &[u8]) -> Result<TokenRequest, Refusal> {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
        return Err(oauth_error("invalid_request", "send the request as application/x-www-form-urlencoded"));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
        .map_err(|error| oauth_error("invalid_request", format!("the form is malformed: {error}")))?;
    for (name, value) in &pairs {
        refuse_control_characters(name, name).and_then(|()| refuse_control_characters(name, value))?;
    }
    let mut names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
    names.sort_unstable();
    if let Some(window) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(oauth_error("invalid_request", format!("{} is given more than once", window[0])));
    }
    let value = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone());
    Ok(TokenRequest {
        grant_type: value("grant_type").unwrap_or_default(),
        scope: value("scope"),
        client_id: value("client_id"),
        client_secret: value("client_secret"),
        code: value("code"),
    })
}

/// The client's credentials from exactly one method (RFC 6749 §2.3.1).
fn credentials(req: &HttpRequest, form: &TokenRequest) -> Result<(String, String), Refusal> {
    let basic = basic_credentials(req)?;
    let posted = form.client_secret.as_ref().map(|secret| (form.client_id.clone().unwrap_or_default(), secret.clone()));
    match (basic, posted) {
        (Some(_), Some(_)) => {
            Err(oauth_error("invalid_request", "authenticate with HTTP Basic or in the form, not both"))
        }
        (Some(credentials), None) | (None, Some(credentials)) => Ok(credentials),
        (None, None) => Err(oauth_error(
            "invalid_client",
            "client authentication is required (HTTP Basic or client_id and client_secret)",
        )),
    }
}

fn basic_credentials(req: &HttpRequest) -> Result<Option<(String, String)>, Refusal> {
    let Some(value) = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(encoded) = value.strip_prefix("Basic ").or_else(|| value.strip_prefix("basic ")) else {
        return Err(oauth_error("invalid_client", "the Authorization header must use the Basic scheme"));
    };
    let decoded = STANDARD.decode(encoded.trim()).ok().and_then(|bytes| String::from_utf8(bytes).ok());
    let pair = decoded.as_deref().and_then(|text| text.split_once(':'));
    let Some((id, secret)) = pair else {
        return Err(oauth_error("invalid_client", "the Basic credentials are malformed"));
    };
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    let decode = |part: &str| {
        form_decode(part).ok_or_else(|| oauth_error("invalid_client", "the Basic credentials are malformed"))
    };
    let (id, secret) = (decode(id)?, decode(secret)?);
    refuse_control_characters("client_id", &id).and_then(|()| refuse_control_characters("client_secret", &secret))?;
    Ok(Some((id, secret)))
}

/// `invalid_request` for a field or credential holding a control character, which no client
/// id, secret, scope or code holds (see `plateforme_api::text`).
fn refuse_control_characters(field: &str, value: &str) -> Result<(), Refusal> {
    let field = field.escape_default().to_string();
    plateforme_api::text::check(&field, value, Text::SingleLine)
        .map_err(|error| oauth_error("invalid_request", format!("{}: {} ({})", error.field, error.message, error.rule)))
}

fn form_decode(text: &str) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={text}")).ok()?.pop().map(|(_, value)| value)
}

async fn authenticate_client(auth: &SharedAuth, client_id: String, secret: String) -> Result<ClientRecord, Refusal> {
    let lookup_id = client_id.clone();
    let client = auth.store.run(move |conn| plateforme_store::access::clients::find(conn, &lookup_id)).await.map_err(
        |error| {
            tracing::error!(%error, "client lookup failed");
            Refusal::Unavailable
        },
    )?;
    let stored_hash =
        client.as_ref().map_or_else(|| secrets::decoy_hash().to_owned(), |client| client.secret_hash.clone());
    let matches = web::block(move || secrets::verify(&secret, &stored_hash)).await.unwrap_or(false);
    let client = match client {
        Some(client) if matches => client,
        _ => return Err(oauth_error("invalid_client", "unknown client or wrong secret")),
    };
    if !client.enabled {
        return Err(oauth_error("invalid_client", format!("client {client_id} is disabled")));
    }
    if client.demo && auth.settings.profile == Profile::Production {
        return Err(oauth_error("invalid_client", "demo clients are refused by a production server"));
    }
    Ok(client)
}

/// The asked scopes the client is allowed, in the order asked; all its scopes when none asked.
fn grant(client: &ClientRecord, asked: Option<&str>) -> Result<Vec<String>, Refusal> {
    let Some(asked) = asked.filter(|asked| !asked.trim().is_empty()) else { return Ok(client.scopes.clone()) };
    let granted: Vec<String> =
        scopes::parse_list(asked).into_iter().filter(|scope| client.scopes.contains(scope)).collect();
    if granted.is_empty() {
        return Err(oauth_error(
            "invalid_scope",
            format!("none of the scopes asked ({asked}) is allowed to this client"),
        ));
    }
    Ok(granted)
}
