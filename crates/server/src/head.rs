//! `HEAD` on every `GET` route: the request is routed, authorized and counted as the `GET` it
//! mirrors (so its status and headers are the `GET`'s), and the HTTP layer sends no body (it
//! knows the request was a `HEAD` from the request line it decoded). The request log keeps
//! `HEAD`: its span is opened before this middleware runs.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

pub async fn answer_head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
