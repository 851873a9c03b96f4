//! A person calling for themselves, with a token from a one-time access code (later from
//! FranceConnect). Person tokens reach only the `/v1/me` operations; client tokens do not.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use plateforme_api::{ApiError, ErrorCode};
use uuid::Uuid;

use crate::identity::Identity;

/// What a verified person token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonIdentity {
    pub person_id: Uuid,
}

/// The person calling, as `/v1/me` handlers receive them.
#[derive(Debug, Clone, Copy)]
pub struct PersonCaller {
    pub person_id: Uuid,
}

impl FromRequest for PersonCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let extensions = req.extensions();
        let result = match (extensions.get::<PersonIdentity>(), extensions.get::<Identity>()) {
            (Some(person), _) => Ok(PersonCaller { person_id: person.person_id }),
            (None, Some(_)) => Err(ApiError::new(
                ErrorCode::Forbidden,
                "this operation is for a person's own token (scope me); organizations use /v1/persons",
            )),
            (None, None) => Err(ApiError::new(
                ErrorCode::Unauthorized,
                "this operation needs a person token: exchange the one-time code your counsellor gave you at /oauth/token",
            )
            .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"plateforme\""))),
        };
        ready(result)
    }
}
