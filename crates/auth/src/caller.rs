//! The authenticated caller, as handlers receive it. Extracting it enforces the scopes the
//! operation declares in the contract: 401 without a valid token, 403 naming the missing scope.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use plateforme_api::middleware::RequestId;
use plateforme_api::{ApiError, ErrorCode};
use plateforme_store::access::journal::Access;
use plateforme_store::{Actor, WriteContext};
use uuid::Uuid;

use crate::identity::Identity;
use crate::journal_section::JournalSection;
use crate::policy::{self, Operation, Principal, Resource};
use crate::state::SharedAuth;

#[derive(Debug, Clone)]
pub struct Caller {
    pub identity: Identity,
    pub request_id: Option<String>,
    /// Why the caller says it accesses a person's data (its `Access-Purpose` header), read on
    /// the operations a dossier scope opens.
    pub stated_purpose: Option<String>,
    /// Which counsellor of the organization acts (its `Counsellor-Id` header), read on the same
    /// operations: recorded in the journal and, for a write, in the history.
    pub counsellor: Option<String>,
}

impl Caller {
    pub fn client_id(&self) -> &str {
        &self.identity.client_id
    }

    pub fn principal(&self) -> &Principal {
        &self.identity.principal
    }

    pub fn has_scope(&self, scope: &str) -> bool {
        self.identity.has_scope(scope)
    }

    /// What a write made by this caller records in the history and the change feed.
    pub fn write_context(&self) -> WriteContext {
        WriteContext {
            actor: Actor {
                client_id: self.identity.client_id.clone(),
                organization_id: Some(self.identity.principal.organization_id),
            },
            request_id: self.request_id.clone(),
            counsellor: self.counsellor.clone(),
        }
    }

    /// Whether the caller reads records of this type of a dossier it reads (a breach needs its own
    /// scope: `scopes::read_scope_of`).
    pub fn reads_record_type(&self, resource_type: &str) -> bool {
        crate::scopes::read_scope_of(resource_type).is_none_or(|scope| self.has_scope(scope))
    }

    /// Whether the policy lets the caller's organization touch this record.
    pub fn may(&self, operation: Operation, resource: Resource<'_>) -> bool {
        policy::allows(&self.identity.principal, operation, resource)
    }

    /// The journal entry of an access by this caller to a part of a person's data.
    pub fn access(&self, person_id: Uuid, section: JournalSection, action: Operation) -> Access {
        Access {
            client_id: self.identity.client_id.clone(),
            organization_id: Some(self.identity.principal.organization_id),
            person_id,
            section: section.as_str().to_owned(),
            action: action.as_str().to_owned(),
            request_id: self.request_id.clone(),
            purpose: Some(section.purpose().to_owned()),
            stated_purpose: self.stated_purpose.clone(),
            counsellor: self.counsellor.clone(),
            acting_for: None,
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authorize(req))
    }
}

fn authorize(req: &HttpRequest) -> Result<Caller, ApiError> {
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    let identity = req.extensions().get::<Identity>().cloned();
    let required = required_scopes(req)?;
    if req.extensions().get::<crate::person::PersonIdentity>().is_some() {
        return Err(ApiError::new(ErrorCode::Forbidden, "a person token reaches only the /v1/me operations"));
    }
    let Some(identity) = identity else {
        let needs =
            if required.is_empty() { String::new() } else { format!(" with scope {}", alternatives(&required)) };
        return Err(ApiError::new(
            ErrorCode::Unauthorized,
            format!("this operation needs an access token (Authorization: Bearer …){needs}"),
        )
        .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"plateforme\"")));
    };
    // The route table holds at least one alternative per operation: an empty list opens nothing.
    let satisfied = required.iter().any(|scopes| scopes.iter().all(|scope| identity.has_scope(scope)));
    if !satisfied {
        let first = required.first().map(|scopes| scopes.join(" ")).unwrap_or_default();
        let challenge = format!("Bearer realm=\"plateforme\", error=\"insufficient_scope\", scope=\"{first}\"");
        let error = ApiError::new(
            ErrorCode::Forbidden,
            format!("the token lacks the scope this operation needs: {}", alternatives(&required)),
        );
        return Err(match HeaderValue::from_str(&challenge) {
            Ok(value) => error.with_header(header::WWW_AUTHENTICATE, value),
            Err(_) => error,
        });
    }
    let (stated_purpose, counsellor) = if touches_persons(&required) {
        (plateforme_api::purpose::stated(req)?, plateforme_api::counsellor::stated(req)?)
    } else {
        (None, None)
    };
    Ok(Caller { identity, request_id, stated_purpose, counsellor })
}

/// The caller of an operation open to the public (its contract lists an empty security
/// requirement): `None` without a token, which the anonymous rate limit then counts; with a
/// token, the caller as [`Caller`] checks it.
#[derive(Debug, Clone)]
pub struct MaybeCaller(pub Option<Caller>);

impl MaybeCaller {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.0.as_ref().is_some_and(|caller| caller.has_scope(scope))
    }
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let anonymous = req.extensions().get::<Identity>().is_none()
            && req.extensions().get::<crate::person::PersonIdentity>().is_none();
        ready(if anonymous { Ok(MaybeCaller(None)) } else { authorize(req).map(|caller| MaybeCaller(Some(caller))) })
    }
}

/// The scope alternatives of the matched operation, from the contract. An operation the
/// contract does not know is refused rather than opened to any token: the table fails closed.
fn required_scopes(req: &HttpRequest) -> Result<Vec<Vec<String>>, ApiError> {
    let auth = req.app_data::<web::Data<SharedAuth>>();
    let pattern = req.match_pattern();
    let known =
        auth.zip(pattern.as_deref()).and_then(|(auth, pattern)| auth.routes.required(req.method().as_str(), pattern));
    known.map(<[Vec<String>]>::to_vec).ok_or_else(|| {
        tracing::error!(method = %req.method(), path = %req.path(), "an operation outside the contract asks for a caller");
        ApiError::new(ErrorCode::Forbidden, "this operation is not in the contract, so no token is enough to call it")
    })
}

/// Whether an operation needing these scopes touches a person's data, and so is journaled
/// with its purpose: only a dossier scope opens it (a referential that any read scope opens
/// does not). The contract states `Access-Purpose` on the same operations.
pub fn touches_persons(required: &[Vec<String>]) -> bool {
    !required.is_empty() && required.iter().all(|scopes| scopes.iter().any(|scope| scope.starts_with("dossier")))
}

/// `a and b or c`: the scope sets that would each do.
fn alternatives(required: &[Vec<String>]) -> String {
    let sets: Vec<String> = required.iter().map(|scopes| scopes.join(" and ")).collect();
    sets.join(" or ")
}
