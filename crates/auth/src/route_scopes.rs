//! Which scopes each operation requires, read from the OpenAPI document: the `security` of an
//! operation is its one declaration, both for the contract and for enforcement.
//!
//! The table fails closed. An operation open to the public says so with an empty security
//! requirement (`security(())` in a handler's `#[utoipa::path]`, `{}` in the contract); an
//! operation that declares nothing, names another scheme or an unknown scope makes the table
//! refuse to build, so the server does not start with an operation nobody decided about.

use std::collections::HashMap;
use std::fmt;

use utoipa::openapi::OpenApi;
use utoipa::openapi::path::Operation;

use crate::scopes;

/// The OAuth2 security scheme's name in the contract.
pub const SCHEME: &str = "oauth2";

/// For each (method, path template): the alternatives, each a set of scopes all required.
/// An alternative with no scope (the empty requirement) makes the operation public.
#[derive(Debug, Default)]
pub struct RouteScopes(HashMap<(String, String), Vec<Vec<String>>>);

impl RouteScopes {
    /// The table of every operation of the contract, or every operation whose security
    /// declaration is missing or not understood.
    pub fn from_openapi(api: &OpenApi) -> Result<RouteScopes, UndeclaredSecurity> {
        let mut routes = HashMap::new();
        let mut refused = Vec::new();
        for (path, item) in &api.paths.paths {
            let operations = [
                ("GET", &item.get),
                ("PUT", &item.put),
                ("POST", &item.post),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else { continue };
                match security_alternatives(operation) {
                    Ok(alternatives) => {
                        routes.insert((method.to_owned(), path.clone()), alternatives);
                    }
                    Err(reason) => refused.push(format!("{method} {path}: {reason}")),
                }
            }
        }
        if refused.is_empty() { Ok(RouteScopes(routes)) } else { Err(UndeclaredSecurity(refused)) }
    }

    /// `None` for an operation the contract does not know; an alternative with no scope for
    /// a public one.
    pub fn required(&self, method: &str, path_template: &str) -> Option<&[Vec<String>]> {
        self.0.get(&(method.to_owned(), path_template.to_owned())).map(Vec::as_slice)
    }
}

/// States `Access-Purpose` and `Counsellor-Id` on every operation that touches a person's data
/// (a dossier scope opens it): the operations whose caller reads them (`caller::touches_persons`).
pub fn state_person_headers(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let touches =
                security_alternatives(operation).is_ok_and(|required| crate::caller::touches_persons(&required));
            if touches {
                let parameters = operation.parameters.get_or_insert_with(Vec::new);
                parameters.push(plateforme_api::openapi::access_purpose_parameter());
                parameters.push(plateforme_api::openapi::counsellor_parameter());
            }
        }
    }
}

/// The operations whose security the contract does not declare in a way the table accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndeclaredSecurity(pub Vec<String>);

impl fmt::Display for UndeclaredSecurity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the route table refuses operations without a security declaration (write security((\"{SCHEME}\" = \
             [\"scope\"])), or security(()) for a public operation): {}",
            self.0.join("; ")
        )
    }
}

impl std::error::Error for UndeclaredSecurity {}

fn security_alternatives(operation: &Operation) -> Result<Vec<Vec<String>>, String> {
    let missing = || "declares no security".to_owned();
    let requirements = operation.security.as_ref().ok_or_else(missing)?;
    // utoipa keeps requirements private to serialisation; read them back through JSON.
    let json = serde_json::to_value(requirements).map_err(|error| error.to_string())?;
    let requirements = json.as_array().filter(|requirements| !requirements.is_empty()).ok_or_else(missing)?;
    requirements.iter().map(requirement_scopes).collect()
}

/// The scopes one requirement needs: none for the empty requirement (`{}`, the token is
/// optional), the listed scopes for an OAuth2 requirement; anything else is refused.
fn requirement_scopes(requirement: &serde_json::Value) -> Result<Vec<String>, String> {
    let object = requirement.as_object().ok_or_else(|| format!("{requirement} is not a security requirement"))?;
    if object.is_empty() {
        return Ok(Vec::new());
    }
    let [(scheme, scopes)] = object.iter().collect::<Vec<_>>()[..] else {
        return Err(format!("{requirement} combines several schemes"));
    };
    if scheme != SCHEME {
        return Err(format!("scheme {scheme} is not {SCHEME}"));
    }
    let scopes: Vec<String> =
        scopes.as_array().into_iter().flatten().filter_map(|scope| scope.as_str().map(str::to_owned)).collect();
    if scopes.is_empty() {
        return Err(format!("an {SCHEME} requirement names no scope (write security(()) for a public operation)"));
    }
    match scopes.iter().find(|scope| !scopes::is_known(scope)) {
        Some(unknown) => Err(format!("scope {unknown} is not a scope of the platform")),
        None => Ok(scopes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem};
    use utoipa::openapi::security::SecurityRequirement;
    use utoipa::openapi::{OpenApiBuilder, PathsBuilder};

    fn contract_with(operation: OperationBuilder) -> OpenApi {
        let item = PathItem::new(HttpMethod::Get, operation.operation_id(Some("an_operation")));
        OpenApiBuilder::new().paths(PathsBuilder::new().path("/v1/things", item)).build()
    }

    #[test]
    fn an_operation_that_declares_no_security_is_refused() {
        let refused = RouteScopes::from_openapi(&contract_with(OperationBuilder::new())).map(|_| ());
        assert_eq!(refused, Err(UndeclaredSecurity(vec!["GET /v1/things: declares no security".into()])));
        let empty = OperationBuilder::new().securities(Some(Vec::<SecurityRequirement>::new()));
        assert!(RouteScopes::from_openapi(&contract_with(empty)).is_err(), "an empty list declares nothing");
    }

    #[test]
    fn an_unknown_scheme_or_scope_is_refused() {
        let other_scheme = SecurityRequirement::new("api_key", Vec::<String>::new());
        let unknown_scope = SecurityRequirement::new(SCHEME, ["dossier:delete"]);
        let no_scope = SecurityRequirement::new(SCHEME, Vec::<String>::new());
        for requirement in [other_scheme, unknown_scope, no_scope] {
            let operation = OperationBuilder::new().security(requirement);
            assert!(RouteScopes::from_openapi(&contract_with(operation)).is_err());
        }
    }

    #[test]
    fn public_and_scoped_operations_are_read() {
        let operation = OperationBuilder::new()
            .security(SecurityRequirement::default())
            .security(SecurityRequirement::new(SCHEME, ["offers:read"]));
        let table = RouteScopes::from_openapi(&contract_with(operation)).expect("a declared operation");
        let expected: &[Vec<String>] = &[vec![], vec!["offers:read".to_owned()]];
        assert_eq!(table.required("GET", "/v1/things"), Some(expected));
        assert_eq!(table.required("POST", "/v1/things"), None);
    }
}
