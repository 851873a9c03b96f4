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

pub struct KnownRoutes(Vec<KnownRoute>);

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
            .collect();
        KnownRoutes(routes)
    }

    /// The most specific documented path matching `path`: literal segments win over templates.
    fn most_specific(&self, path: &str) -> Option<&KnownRoute> {
        self.0.iter().filter(|route| route.path.is_match(path)).min_by_key(|route| route.templates)
    }

    /// Whether `method` on `path` would be taken by a less specific path than the one `path`
    /// names (e.g. `GET /v1/offers/batch` by `GET /v1/offers/{id}`).
    fn is_shadowed(&self, method: &str, path: &str) -> bool {
        let Some(named) = self.most_specific(path) else { return false };
        !named.methods.contains(&method)
            && self.0.iter().any(|route| route.path.is_match(path) && route.methods.contains(&method))
    }
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
