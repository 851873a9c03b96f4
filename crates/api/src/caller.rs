//! Who is calling. Until the access layer lands every caller is anonymous; handlers already
//! take a `Caller`, so authentication plugs in here without touching them.

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use plateforme_store::{Actor, WriteContext};
use std::future::{Ready, ready};

use crate::ApiError;
use crate::middleware::RequestId;

#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub request_id: Option<String>,
}

impl Caller {
    /// What a write made by this caller records.
    pub fn write_context(&self) -> WriteContext {
        WriteContext { actor: self.actor.clone(), request_id: self.request_id.clone() }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
        ready(Ok(Caller { actor: Actor::anonymous(), request_id }))
    }
}
