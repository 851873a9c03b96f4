//! What answers a request no operation took: 405 with `Allow` when the path exists under
//! another method, 404 otherwise — both as problems. The known paths come from the OpenAPI
//! document, so this can never disagree with the contract.
//!
//! A literal path segment wins over a template: `/v1/offers/batch` is a path of its own, not the
//! offer `batch` of `/v1/offers/{id}`. Actix matches method guards before paths, so a `GET` on
//! `/v1/offers/batch` would reach the `{id}` handler; [`refuse_shadowed_methods`] answers 405
//! before routing instead.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use plateforme_api::{ApiError, ErrorCode};
use utoipa::openapi::OpenApi;

pub struct KnownRoutes {
    routes: Vec<KnownRoute>,
    /// The paths a template also matches (`/v1/offers/batch` under `/v1/offers/{id}`), found once
    /// at start: only a request to one of them can be shadowed, so the others are not scanned.
    shadowable: Vec<ResourceDef>,
}

/// A path of the contract and the methods it documents.
struct KnownRoute {
    path: ResourceDef,
    /// How many segments are templates (`{id}`): the fewer, the more specific the path.
    templates: usize,
    methods: Vec<&'static str>,
}

impl KnownRoutes {
    pub fn from_openapi(api: &OpenApi) -> KnownRoutes {
        let routes = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    // Answered as the GET (crate::head).
                    ("HEAD", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let allowed = methods.into_iter().filter(|(_, present)| *present).map(|(method, _)| method).collect();
                KnownRoute {
                    path: ResourceDef::new(path.as_str()),
                    templates: path.matches('{').count(),
                    methods: allowed,
                }
            })
            .collect::<Vec<_>>();
        let shadowable = routes
            .iter()
            .filter(|route| {
                let example = example_of(route.path.pattern().unwrap_or_default());
                routes.iter().any(|other| other.templates > route.templates && other.path.is_match(&example))
            })
            .map(|route| route.path.clone())
            .collect();
        KnownRoutes { routes, shadowable }
    }

    /// The most specific documented path matching `path`: literal segments win over templates.
    fn most_specific(&self, path: &str) -> Option<&KnownRoute> {
        self.routes.iter().filter(|route| route.path.is_match(path)).min_by_key(|route| route.templates)
    }

    /// Whether `method` on `path` would be taken by a less specific path than the one `path`
    /// names (e.g. `GET /v1/offers/batch` by `GET /v1/offers/{id}`).
    fn is_shadowed(&self, method: &str, path: &str) -> bool {
        if !self.shadowable.iter().any(|shadowable| shadowable.is_match(path)) {
            return false;
        }
        let Some(named) = self.most_specific(path) else { return false };
        !named.methods.contains(&method)
            && self.routes.iter().any(|route| route.path.is_match(path) && route.methods.contains(&method))
    }
}

/// A concrete path of a pattern: each template segment (`{id}`) becomes `x`.
fn example_of(pattern: &str) -> String {
    pattern.split('/').map(|segment| if segment.starts_with('{') { "x" } else { segment }).collect::<Vec<_>>().join("/")
}

/// Answers 405 (with `Allow`) before routing when the method is not documented on the path the
/// request names but is on a template that also matches it: the template must not read a
/// literal segment as an id.
pub async fn refuse_shadowed_methods(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let refusal = req
        .app_data::<web::Data<KnownRoutes>>()
        .filter(|routes| routes.is_shadowed(req.method().as_str(), req.path()))
        .map(|routes| route_error(req.request(), routes));
    if let Some(error) = refusal {
        return Ok(req.into_response(error.error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

pub async fn fallback(req: HttpRequest, routes: web::Data<KnownRoutes>) -> Result<HttpResponse, ApiError> {
    Err(route_error(&req, &routes))
}

fn route_error(req: &HttpRequest, routes: &KnownRoutes) -> ApiError {
    let path = req.path();
    match routes.most_specific(path) {
        Some(KnownRoute { methods, .. }) => {
            let allow = methods.join(", ");
            let error = ApiError::new(
                ErrorCode::MethodNotAllowed,
                format!("{} is not allowed on {path}; allowed: {allow}", req.method()),
            );
            match HeaderValue::from_str(&allow) {
                Ok(value) => error.with_header(header::ALLOW, value),
                Err(_) => error,
            }
        }
        None => ApiError::new(
            ErrorCode::RouteNotFound,
            format!("no operation has the path {path}; the operations are listed in /openapi.json"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_literal_paths_under_a_template_are_scanned_for_shadowing() {
        let routes = KnownRoutes::from_openapi(&crate::openapi::document());
        let shadowable: Vec<_> = routes.shadowable.iter().filter_map(ResourceDef::pattern).collect();
        assert!(shadowable.contains(&"/v1/offers/batch"), "{shadowable:?}");
        assert!(shadowable.contains(&"/v1/persons/match"), "{shadowable:?}");
        assert!(!shadowable.contains(&"/v1/offers/{id}"), "{shadowable:?}");
        assert!(routes.is_shadowed("GET", "/v1/offers/batch"));
        assert!(!routes.is_shadowed("POST", "/v1/offers/batch"));
        assert!(!routes.is_shadowed("GET", "/v1/offers/01936b31-0000-7000-8000-000000000003"));
    }
}
