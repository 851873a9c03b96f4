//! Idempotent creation: a POST retried with the same `Idempotency-Key` gets the first response
//! again, never a second record — also when the retry races the first attempt.

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use plateforme_store::idempotency::{self, IdempotencyClaim, StoredResponse};
use plateforme_store::{DbConnection, Store, StoreError, write};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::future::{Ready, ready};

use crate::{ApiError, ErrorCode, etag};

pub const HEADER: &str = "idempotency-key";
const MAX_KEY_LENGTH: usize = 255;

/// What `Idempotency-Key` accepts, as the contract states it: 1 to 255 visible ASCII characters.
pub const KEY_PATTERN: &str = "^[!-~]{1,255}$";

/// The `Idempotency-Key` header of a POST, if any, with the request's method and path.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: Option<String>,
    target: String,
}

impl IdempotencyKey {
    /// The claim this request makes on its key: scoped to the caller, fingerprinted by method,
    /// path and the parsed body, so a retry matches whatever its JSON whitespace.
    pub fn claim(&self, caller_id: &str, body: &impl Serialize) -> Result<Option<IdempotencyClaim>, ApiError> {
        let Some(key) = &self.key else { return Ok(None) };
        let body = serde_json::to_vec(body).map_err(ApiError::internal)?;
        let mut hash = Sha256::new();
        hash.update(self.target.as_bytes());
        hash.update([0]);
        hash.update(&body);
        let request_hash = hash.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
        Ok(Some(IdempotencyClaim { caller: caller_id.to_owned(), key: key.clone(), request_hash }))
    }
}

fn is_valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LENGTH && key.bytes().all(|b| b.is_ascii_graphic())
}

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let target = format!("{} {}", req.method(), req.path());
        let key = match req.headers().get(HEADER) {
            None => Ok(None),
            Some(value) => {
                value.to_str().ok().filter(|key| is_valid_key(key)).map(|key| Some(key.to_owned())).ok_or_else(|| {
                    ApiError::new(
                        ErrorCode::InvalidHeader,
                        format!(
                            "Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, such as a UUID"
                        ),
                    )
                })
            }
        };
        ready(key.map(|key| IdempotencyKey { key, target }))
    }
}

/// A created resource, where it lives and at which version.
#[derive(Debug)]
pub struct Located<T> {
    pub resource: T,
    pub location: String,
    pub version: i64,
}

/// Creates a resource once: replays the saved response of an earlier request with the same
/// key, otherwise runs `create` in a write transaction that also saves the response under
/// the key. A conflict or a lost race is answered by the winner's response when it was the
/// same request.
pub async fn create_once<T, F>(
    store: &Store,
    claim: Option<IdempotencyClaim>,
    create: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<Located<T>, StoreError> + Send + 'static,
{
    if let Some(response) = replay(store, claim.as_ref()).await? {
        return Ok(response);
    }
    let saved_claim = claim.clone();
    let created = store
        .run(move |conn| {
            write::transaction(conn, |conn| {
                let created = create(conn)?;
                let response = created_response(&created)?;
                if let Some(claim) = &saved_claim {
                    idempotency::save(conn, claim, &response)?;
                }
                Ok(response)
            })
        })
        .await;
    match created {
        Ok(response) => Ok(http_response(&response, false)),
        Err(error @ (StoreError::Conflict { .. } | StoreError::IdempotencyRace)) => {
            match replay(store, claim.as_ref()).await? {
                Some(response) => Ok(response),
                None => Err(error.into()),
            }
        }
        Err(error) => Err(error.into()),
    }
}

/// Answers a request whose work is not one transaction — a batch, each line its own — once per
/// `Idempotency-Key`: the response saved under the key when the same request came before (422
/// for another request), else `work`'s 200 answer, saved under the key once the work is done.
/// Unlike [`create_once`], a retry racing the first attempt is not held back: both run, which
/// only work whose every part is idempotent itself may allow; the first answer saved stands for
/// the key.
pub async fn answer_once<T, F, Fut>(
    store: &Store,
    claim: Option<IdempotencyClaim>,
    work: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    if let Some(response) = replay(store, claim.as_ref()).await? {
        return Ok(response);
    }
    let answer = work().await?;
    let body = serde_json::to_string(&answer).map_err(ApiError::internal)?;
    let stored = StoredResponse { status: StatusCode::OK.as_u16(), headers: Vec::new(), body };
    if let Some(claim) = claim {
        let saved = stored.clone();
        match store.run(move |conn| write::transaction(conn, |conn| idempotency::save(conn, &claim, &saved))).await {
            Ok(()) | Err(StoreError::IdempotencyRace) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(http_response(&stored, false))
}

async fn replay(store: &Store, claim: Option<&IdempotencyClaim>) -> Result<Option<HttpResponse>, ApiError> {
    let Some(claim) = claim.cloned() else { return Ok(None) };
    let (caller, key) = (claim.caller.clone(), claim.key.clone());
    let Some(saved) = store.run(move |conn| idempotency::find(conn, &caller, &key)).await? else {
        return Ok(None);
    };
    if saved.request_hash != claim.request_hash {
        return Err(ApiError::new(
            ErrorCode::IdempotencyKeyReused,
            format!("Idempotency-Key {} was used for a different request; use a new key for a new request", claim.key),
        ));
    }
    Ok(Some(http_response(&saved.response, true)))
}

fn created_response<T: Serialize>(created: &Located<T>) -> Result<StoredResponse, StoreError> {
    Ok(StoredResponse {
        status: StatusCode::CREATED.as_u16(),
        headers: vec![
            (header::LOCATION.to_string(), created.location.clone()),
            (header::ETAG.to_string(), etag(created.version)),
        ],
        body: serde_json::to_string(&created.resource).map_err(|error| StoreError::Corrupt(error.to_string()))?,
    })
}

fn http_response(stored: &StoredResponse, replayed: bool) -> HttpResponse {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.content_type("application/json");
    for (name, value) in &stored.headers {
        response.insert_header((name.as_str(), value.as_str()));
    }
    if replayed {
        response.insert_header(("idempotent-replayed", "true"));
    }
    response.body(stored.body.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract's pattern and the check agree.
    #[test]
    fn the_contract_states_what_the_check_accepts() {
        let long = "k".repeat(MAX_KEY_LENGTH);
        let too_long = "k".repeat(MAX_KEY_LENGTH + 1);
        let samples = ["a", "01936b2e-8f3c-7a4e", "~!#", long.as_str(), too_long.as_str(), "", "a b", "é", "a\tb"];
        crate::assert_pattern_agrees(KEY_PATTERN, is_valid_key, &samples);
    }
}
