//! Which scopes each operation requires, read from the OpenAPI document: the `security` of an
//! operation is its one declaration, both for the contract and for enforcement.

use std::collections::HashMap;

use utoipa::openapi::OpenApi;

/// The OAuth2 security scheme's name in the contract.
pub const SCHEME: &str = "oauth2";

/// For each (method, path template): the alternatives, each a set of scopes all required.
/// An empty list means the operation is public.
#[derive(Debug, Default)]
pub struct RouteScopes(HashMap<(String, String), Vec<Vec<String>>>);

impl RouteScopes {
    pub fn from_openapi(api: &OpenApi) -> RouteScopes {
        let mut routes = HashMap::new();
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
                let alternatives = security_alternatives(operation);
                routes.insert((method.to_owned(), path.clone()), alternatives);
            }
        }
        RouteScopes(routes)
    }

    /// `None` for an operation the contract does not know; `Some(vec![])` for a public one.
    pub fn required(&self, method: &str, path_template: &str) -> Option<&[Vec<String>]> {
        self.0.get(&(method.to_owned(), path_template.to_owned())).map(Vec::as_slice)
    }
}

fn security_alternatives(operation: &utoipa::openapi::path::Operation) -> Vec<Vec<String>> {
    let Some(requirements) = &operation.security else { return Vec::new() };
    // utoipa keeps requirements private to serialisation; read them back through JSON.
    let Ok(json) = serde_json::to_value(requirements) else { return Vec::new() };
    // An empty requirement (`{}`) makes the token optional: it is kept as an alternative that
    // needs no scope.
    json.as_array()
        .into_iter()
        .flatten()
        .filter_map(|requirement| match requirement.get(SCHEME) {
            Some(scopes) => {
                Some(scopes.as_array().into_iter().flatten().filter_map(|s| s.as_str().map(str::to_owned)).collect())
            }
            None => requirement.as_object().filter(|object| object.is_empty()).map(|_| Vec::new()),
        })
        .collect()
}
