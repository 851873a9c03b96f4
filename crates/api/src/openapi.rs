//! The problem responses of each kind of operation, declared once for the OpenAPI document:
//! a handler lists `responses((status = 200, …), ReadProblems)` and every status its
//! extractors and the store can answer is documented. Likewise the request headers of the
//! conventions: a handler lists `params(…, IfNoneMatch)` and the header is described once.

use std::collections::BTreeMap;

use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, Response, ResponseBuilder};

use crate::{ErrorCode, IdempotencyKey, IfNoneMatch};

fn problem(codes: &[ErrorCode]) -> RefOr<Response> {
    let causes = codes.iter().map(|code| format!("`{}`: {}", code.code(), code.title())).collect::<Vec<_>>();
    ResponseBuilder::new()
        .description(format!("Problem (RFC 9457). {}.", causes.join("; ")))
        .content(
            crate::problem::PROBLEM_CONTENT_TYPE,
            ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
        )
        .build()
        .into()
}

/// Groups codes by status into responses.
fn responses(codes: &[ErrorCode]) -> BTreeMap<String, RefOr<Response>> {
    let mut by_status: BTreeMap<u16, Vec<ErrorCode>> = BTreeMap::new();
    for code in codes {
        by_status.entry(code.status().as_u16()).or_default().push(*code);
    }
    by_status.into_iter().map(|(status, codes)| (status.to_string(), problem(&codes))).collect()
}

/// Every `/v1` operation needs a token (401), may lack a scope or be refused by the policy
/// (403), and shares the rate limit and the failure modes of the service.
const ALWAYS: [ErrorCode; 5] = [
    ErrorCode::Unauthorized,
    ErrorCode::Forbidden,
    ErrorCode::TooManyRequests,
    ErrorCode::Internal,
    ErrorCode::ServiceUnavailable,
];

macro_rules! problem_set {
    ($(#[$doc:meta])* $name:ident: $($code:ident),*) => {
        $(#[$doc])*
        pub struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                let mut codes = vec![$(ErrorCode::$code),*];
                codes.extend(ALWAYS);
                responses(&codes)
            }
        }
    };
}

problem_set!(
    /// Problems of a read by id.
    ReadProblems: InvalidPath, InvalidQuery, InvalidHeader, NotFound
);
problem_set!(
    /// Problems of a list.
    ListProblems: InvalidQuery
);
problem_set!(
    /// Problems of a creation.
    CreateProblems: MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, IdempotencyKeyReused, Conflict
);
problem_set!(
    /// Problems of a creation under a parent resource (a contract of a person…): the parent
    /// may not exist, or be outside the caller's remit.
    CreateUnderProblems: InvalidPath, MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, IdempotencyKeyReused, NotFound, Conflict
);
problem_set!(
    /// Problems of a merge-patch update.
    UpdateProblems: InvalidPath, MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, NotFound, Conflict, PreconditionFailed, PreconditionRequired
);

/// An optional request header whose value is a string (typed as a handler's
/// `("Name" = Option<String>, Header, …)` declares it).
fn optional_header(name: &str, description: &str) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .description(Some(description))
        .required(Required::False)
        .schema(Some(ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))))
        .build()
}

impl IntoParams for IfNoneMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![optional_header("If-None-Match", "ETag held by the client; 304 when still current")]
    }
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![optional_header("Idempotency-Key", "Makes the request safe to retry (1 to 255 visible ASCII characters).")]
    }
}
