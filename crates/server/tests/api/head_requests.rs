//! `HEAD` answers on every `GET` route of the contract as the `GET` does, without a body.

use plateforme_server::openapi;

use crate::helpers::{TestApp, header};
use crate::on_both_backends;

on_both_backends!(head_mirrors_get_on_every_route, head_is_allowed_where_get_is);

/// A concrete path for a pattern of the contract: each `{parameter}` becomes a UUID (an id that
/// names nothing, or a value that fails validation: either way GET and HEAD must agree).
fn concrete(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|segment| if segment.starts_with('{') { "01936b31-0000-7000-8000-000000000003" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

async fn head_mirrors_get_on_every_route(app: TestApp) {
    let document = openapi::document();
    let get_paths: Vec<&String> =
        document.paths.paths.iter().filter(|(_, item)| item.get.is_some()).map(|(path, _)| path).collect();
    assert!(get_paths.len() > 20, "the contract has its GET routes: {}", get_paths.len());
    let mut answered = 0;
    for pattern in get_paths {
        let path = concrete(pattern);
        let get = app.client.get(app.url(&path)).bearer_auth(&app.token).send().await.expect("GET");
        let head = app.client.head(app.url(&path)).bearer_auth(&app.token).send().await.expect("HEAD");
        assert_eq!(head.status(), get.status(), "HEAD {path} answers as GET does");
        assert_eq!(header(&head, "content-type"), header(&get, "content-type"), "HEAD {path}: content type");
        if get.status().is_success() {
            answered += 1;
        }
        let body = head.bytes().await.expect("HEAD body");
        assert!(body.is_empty(), "HEAD {path} sends no body; got {} bytes", body.len());
    }
    assert!(answered > 5, "GET succeeds on several routes, so HEAD is proven on answers, not only errors");
}

async fn head_is_allowed_where_get_is(app: TestApp) {
    let public = app.client.head(app.url("/v1/offers")).send().await.expect("HEAD /v1/offers");
    assert_eq!(public.status().as_u16(), 200, "the public search answers HEAD without a token");
    assert!(header(&public, "ratelimit-limit").is_some(), "HEAD is counted as the GET it mirrors");
    let refused = app.client.delete(app.url("/health/live")).send().await.expect("DELETE /health/live");
    assert_eq!(refused.status().as_u16(), 405);
    assert_eq!(header(&refused, "allow").as_deref(), Some("GET, HEAD"));
}
