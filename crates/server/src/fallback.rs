//! What answers a request no operation took: 405 with `Allow` when the path exists under
//! another method, 404 otherwise — both as problems. The known paths come from the OpenAPI
//! document, so this can never disagree with the contract.

use actix_web::dev::ResourceDef;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use plateforme_api::{ApiError, ErrorCode};
use utoipa::openapi::OpenApi;

pub struct KnownRoutes(Vec<(ResourceDef, Vec<&'static str>)>);

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
                (ResourceDef::new(path.as_str()), allowed)
            })
            .collect();
        KnownRoutes(routes)
    }
}

pub async fn fallback(req: HttpRequest, routes: web::Data<KnownRoutes>) -> Result<HttpResponse, ApiError> {
    Err(route_error(&req, &routes))
}

fn route_error(req: &HttpRequest, routes: &KnownRoutes) -> ApiError {
    let path = req.path();
    let known = routes.0.iter().find(|(route, _)| route.is_match(path));
    match known {
        Some((_, methods)) => {
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
