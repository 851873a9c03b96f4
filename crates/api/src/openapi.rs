//! The problem responses of each kind of operation, declared once for the OpenAPI document:
//! a handler lists `responses((status = 200, …), ReadProblems)` and every status its
//! extractors and the store can answer is documented. Likewise the request headers of the
//! conventions: a handler lists `params(…, IfNoneMatch)` and the header is described once.

use std::collections::BTreeMap;

use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, Response, ResponseBuilder};

use crate::idempotency::KEY_PATTERN;
use crate::preconditions::ENTITY_TAGS_PATTERN;
use crate::{ErrorCode, IdempotencyKey, IfMatch, IfNoneMatch};

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
    /// Problems of a read of the change feed: a bad query or cursor, and a cursor older than
    /// the feed's retention (410).
    FeedProblems: InvalidQuery, CursorExpired
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
problem_set!(
    /// Problems of a whole NDJSON batch (inbound sync): its lines' own problems are answered in
    /// its results.
    BatchProblems: BadRequest, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, IdempotencyKeyReused
);

// Webhooks (issue 12, item 3).
problem_set!(
    /// Problems of a write of a webhook subscription: a bad body or URL (a private address…),
    /// or a subscription that is not the caller's.
    WebhookWriteProblems: InvalidPath, MalformedJson, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, NotFound
);
problem_set!(
    /// Problems of a merge patch of a webhook subscription: those of its writes, and the
    /// `If-Match` that every change of a versioned resource carries.
    WebhookUpdateProblems: InvalidPath, MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, NotFound, PreconditionFailed, PreconditionRequired
);

// Profile bank (issue 14).
problem_set!(
    /// Problems of a write of a profile (banque de profils): those of an update, and 409
    /// `invalid_transition` while the person's `profile_bank` consent does not stand.
    ProfileWriteProblems: InvalidPath, MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, NotFound, InvalidTransition, PreconditionFailed, PreconditionRequired
);

// Training catalogue (issue 15): a person's positionings on sessions.
problem_set!(
    /// Problems of a positioning on a training session: those of a creation under a person, and
    /// 409 `invalid_transition` when the session takes no new positioning (recruitment closed or
    /// suspended, session over, places all given, the person already positioned on it).
    PositioningCreateProblems: InvalidPath, MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, IdempotencyKeyReused, NotFound, Conflict, InvalidTransition
);
problem_set!(
    /// Problems of a step of a positioning: those of an update, and 409 `invalid_transition`
    /// for a step its state does not allow (an entry before the acceptance, an exit before the
    /// entry, a second answer, a step changed once recorded).
    PositioningStepProblems: InvalidPath, MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, NotFound, Conflict, InvalidTransition, PreconditionFailed, PreconditionRequired
);
problem_set!(
    /// Problems of sending a contact request to a profile (banque de profils): those of a
    /// creation, 404 for a profile the caller was not given or that is paused or gone, and 429
    /// past the organization's daily bound.
    ContactRequestProblems: MalformedJson, InvalidHeader, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, IdempotencyKeyReused, NotFound, Conflict
);
problem_set!(
    /// Problems of the person's answer to a contact request: a bad body, a request that is not
    /// theirs (404), or one answered already (409 `invalid_transition`).
    ContactDecisionProblems: InvalidPath, MalformedJson, UnsupportedMediaType, PayloadTooLarge, ValidationFailed, NotFound, InvalidTransition
);

/// The problem of an operation on a person's dossier while its processing is limited (RGPD
/// article 18), listed beside the operation's own set: every read and write of the dossier by
/// an organization answers it, but lifting the limitation and the erasure.
pub struct LimitedProblems;

impl utoipa::IntoResponses for LimitedProblems {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        responses(&[ErrorCode::ProcessingLimited])
    }
}

/// A request header whose value is a string of the form `pattern` states (the server refuses
/// any other with `invalid_header`).
fn header(name: &str, required: bool, pattern: &str, description: &str) -> Parameter {
    let types =
        if required { SchemaType::Type(Type::String) } else { SchemaType::from_iter([Type::String, Type::Null]) };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .description(Some(description))
        .required(if required { Required::True } else { Required::False })
        .schema(Some(ObjectBuilder::new().schema_type(types).pattern(Some(pattern))))
        .build()
}

impl IntoParams for IfNoneMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let description = "ETag held by the client (`*` or quoted entity tags such as `\"3\"`); 304 when still current";
        vec![header("If-None-Match", false, ENTITY_TAGS_PATTERN, description)]
    }
}

/// The `If-Match` of a change, described once: a handler lists `params(…, IfMatch)`.
impl IntoParams for IfMatch {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let description = "The ETag of the version this change is based on, e.g. `\"3\"` (or `*`)";
        vec![header("If-Match", true, ENTITY_TAGS_PATTERN, description)]
    }
}

/// The `If-Match` of a write that creates its resource when absent (the diagnostic): left out for
/// the first version, required once one exists.
pub struct IfMatchOnceItExists;

impl IntoParams for IfMatchOnceItExists {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let description = "The ETag of the version this change is based on, e.g. `\"3\"` (or `*`): required once the \
            resource exists, left out to record the first version";
        vec![header("If-Match", false, ENTITY_TAGS_PATTERN, description)]
    }
}

/// The `Access-Purpose` header of every operation that touches a person's data (the server adds
/// it to those operations of the contract: the ones a dossier scope opens).
pub fn access_purpose_parameter() -> Parameter {
    let description = "Why you access this person's data, in your words (a case reference, \"entretien de suivi\"): \
        1 to 200 visible ASCII characters or spaces, not starting or ending with a space. Journaled with the access, \
        beside the purpose the operation declares, and shown to the person.";
    header("Access-Purpose", false, crate::purpose::PATTERN, description)
}

/// The `Counsellor-Id` header of the same operations: which counsellor of the calling
/// organization acts, as its own information system names them.
pub fn counsellor_parameter() -> Parameter {
    let description = "The counsellor (conseiller) of your organization who makes this request, as your information \
        system identifies them (an opaque identifier the platform never resolves): 1 to 64 letters, digits or \
        `. _ : @ -`, starting with a letter or a digit. Recorded in the journal with the access and in the history \
        with each write, and shown to the person.";
    header("Counsellor-Id", false, crate::counsellor::PATTERN, description)
}

impl IntoParams for IdempotencyKey {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let description = "Makes the request safe to retry: 1 to 255 visible ASCII characters, such as a UUID. \
            Remembered 24 hours per client; a retry gets the first response again.";
        vec![header("Idempotency-Key", false, KEY_PATTERN, description)]
    }
}
