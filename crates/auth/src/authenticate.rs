//! The middleware that reads the bearer token and counts the request against its client's
//! rate limit. It only establishes who calls; whether they may call this operation is the
//! `Caller` extractor's decision, made after routing.

use std::future::ready;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};
use plateforme_api::{ApiError, ErrorCode};

use crate::identity::Identity;
use crate::person::PersonIdentity;
use crate::rate_limit::{AnonymousPurpose, Quota};
use crate::state::SharedAuth;
use crate::tokens::{self, TokenError, Verified};

pub async fn authenticate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(auth) = req.app_data::<web::Data<SharedAuth>>().map(|data| data.get_ref().clone()) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if let Some(address) = client_address(&auth, &req) {
        tracing::Span::current().record("client_address", tracing::field::display(address));
    }
    // Probes and discovery documents: never limited, and no token to check.
    let Some(purpose) = AnonymousPurpose::of(req.method(), req.path()) else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let identity = match bearer_token(&req) {
        Ok(None) => None,
        Ok(Some(token)) => match verify(&auth, &token).await {
            Ok(identity) => Some(identity),
            Err(error) => return Ok(refuse_counted(&auth, req, purpose, invalid_token(&error)).await),
        },
        Err(error) => return Ok(refuse_counted(&auth, req, purpose, error).await),
    };
    let quota = count(&auth, &req, purpose, identity.as_ref()).await;
    let identity = match identity {
        Some(Bearer::Person(person)) => {
            req.extensions_mut().insert(person);
            None
        }
        Some(Bearer::Client(identity)) => Some(identity),
        None => None,
    };
    if !quota.allowed {
        let mut response = refuse(req, too_many(quota));
        add_quota_headers(response.headers_mut(), quota);
        return Ok(response);
    }
    if let Some(identity) = identity {
        req.extensions_mut().insert(identity);
    }
    let mut response = next.call(req).await?.map_into_left_body();
    add_quota_headers(response.headers_mut(), quota);
    Ok(response)
}

fn refuse<B>(req: ServiceRequest, error: ApiError) -> ServiceResponse<EitherBody<B>> {
    req.into_response(error.error_response()).map_into_right_body()
}

/// Refuses a request with bad credentials, counted against its address: guessing tokens
/// is rate-limited like any anonymous call of the same purpose.
async fn refuse_counted<B>(
    auth: &SharedAuth,
    req: ServiceRequest,
    purpose: AnonymousPurpose,
    error: ApiError,
) -> ServiceResponse<EitherBody<B>> {
    let limit = auth.settings.anonymous_limit(purpose);
    let quota = auth.limiter.hit(&address_key(auth, &req, purpose), || ready(limit)).await;
    let error = if quota.allowed { error } else { too_many(quota) };
    let mut response = refuse(req, error);
    add_quota_headers(response.headers_mut(), quota);
    response
}

fn too_many(quota: Quota) -> ApiError {
    ApiError::new(
        ErrorCode::TooManyRequests,
        format!("the limit of {} requests a minute is reached; retry in {} s", quota.limit, quota.reset_secs),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(quota.reset_secs))
}

/// The window of the caller's address for this purpose: the TCP peer's, or the one a trusted
/// proxy forwarded (`X-Forwarded-For` written by anyone else is not believed).
fn address_key(auth: &SharedAuth, req: &ServiceRequest, purpose: AnonymousPurpose) -> String {
    let address = client_address(auth, req).map_or_else(|| "unknown".to_owned(), |address| address.to_string());
    format!("{}:address:{address}", purpose.as_str())
}

/// The caller's address (see [`crate::client_address`]); `None` without a TCP peer (tests).
pub fn client_address(auth: &SharedAuth, req: &ServiceRequest) -> Option<std::net::IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(auth.settings.trusted_proxies.client_address(peer, req.headers()))
}

/// The token of `Authorization: Bearer …`, if any. Other schemes are not ours to judge
/// (the token endpoint reads HTTP Basic itself).
fn bearer_token(req: &ServiceRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().unwrap_or("").trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Ok(None);
    }
    match Some(rest.trim()).filter(|token| !token.is_empty() && !token.contains(' ')) {
        Some(token) => Ok(Some(token.to_owned())),
        None => Err(ApiError::new(ErrorCode::Unauthorized, "the Authorization header must be `Bearer <access token>`")
            .with_header(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"plateforme\", error=\"invalid_request\""),
            )),
    }
}

/// Who a verified token speaks for.
enum Bearer {
    Client(Identity),
    Person(PersonIdentity),
}

async fn verify(auth: &SharedAuth, token: &str) -> Result<Bearer, TokenError> {
    if let Some(external) = &auth.external
        && external.issued(token)
    {
        return external.verify(token, &auth.store).await.map(Bearer::Client);
    }
    let now = chrono::Utc::now().timestamp();
    let verified = match auth.verified.get(token, now) {
        Some(verified) => verified,
        None => {
            let verified = tokens::verify(&auth.keys, &auth.settings.tokens, token)?;
            let expires = match &verified {
                Verified::Client(claims) => claims.exp,
                Verified::Person(claims) => claims.exp,
            };
            auth.verified.insert(token, verified.clone(), expires, now);
            verified
        }
    };
    Ok(match verified {
        Verified::Client(claims) => {
            refuse_revoked(auth, &claims).await?;
            Bearer::Client(Identity::from(claims))
        }
        Verified::Person(claims) => Bearer::Person(PersonIdentity { person_id: claims.person_id }),
    })
}

/// Refuses a client's token issued before the client was disabled or its secret rotated. The
/// check follows the cache: a token verified before its revocation is refused all the same.
async fn refuse_revoked(auth: &SharedAuth, claims: &tokens::Claims) -> Result<(), TokenError> {
    auth.revocations.keep_fresh(&auth.store).await;
    if auth.revocations.refuses(&claims.client_id, claims.iat) {
        return Err(TokenError::Invalid(
            "the token was revoked (its client was disabled or its secret rotated); get a new one".into(),
        ));
    }
    Ok(())
}

fn invalid_token(error: &TokenError) -> ApiError {
    if let TokenError::Unavailable(reason) = error {
        return ApiError::new(ErrorCode::ServiceUnavailable, reason.clone())
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("10"));
    }
    let challenge = format!(
        "Bearer realm=\"plateforme\", error=\"invalid_token\", error_description=\"{}\"",
        error.to_string().replace('"', "'")
    );
    let value = HeaderValue::from_str(&challenge)
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer error=\"invalid_token\""));
    ApiError::new(ErrorCode::Unauthorized, error.to_string()).with_header(header::WWW_AUTHENTICATE, value)
}

/// Counts the request: per client with a token, per address and purpose without.
async fn count(auth: &SharedAuth, req: &ServiceRequest, purpose: AnonymousPurpose, identity: Option<&Bearer>) -> Quota {
    let limiter = &auth.limiter;
    match identity {
        Some(Bearer::Person(person)) => {
            let limit = auth.settings.default_rate_limit_per_minute;
            limiter.hit(&format!("person:{}", person.person_id), || ready(limit)).await
        }
        Some(Bearer::Client(identity)) => {
            let client_id = identity.client_id.as_str();
            limiter.hit(&format!("client:{client_id}"), || client_limit(auth, client_id)).await
        }
        None => {
            let limit = auth.settings.anonymous_limit(purpose);
            limiter.hit(&address_key(auth, req, purpose), || ready(limit)).await
        }
    }
}

/// The client's own limit, read once a window.
async fn client_limit(auth: &SharedAuth, client_id: &str) -> u32 {
    let client_id = client_id.to_owned();
    let found = auth.store.run(move |conn| plateforme_store::access::clients::find(conn, &client_id)).await;
    match found {
        Ok(Some(client)) if client.rate_limit_per_minute > 0 => client.rate_limit_per_minute,
        _ => auth.settings.default_rate_limit_per_minute,
    }
}

fn add_quota_headers(headers: &mut actix_web::http::header::HeaderMap, quota: Quota) {
    let pairs = [
        ("ratelimit-limit", quota.limit as u64),
        ("ratelimit-remaining", quota.remaining as u64),
        ("ratelimit-reset", quota.reset_secs),
    ];
    for (name, value) in pairs {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}
