//! The token endpoint's refusals (RFC 6749 §5.2 JSON, not problems) and the API's refusal of
//! bad bearer tokens (401 problems with a `WWW-Authenticate` challenge).

use plateforme_client::RawResponse;

use super::{Verdict, expect_problem, expect_status};
use crate::report::Report;
use crate::suite::{Actor, Suite};

/// A scope no deployment grants.
const UNKNOWN_SCOPE: &str = "conformance:unknown";

const WITH_CLIENT: [&str; 7] = [
    "token.wrong_secret",
    "token.unknown_client",
    "token.unsupported_grant_type",
    "token.missing_grant_type",
    "token.client_secret_post",
    "token.scope_subset",
    "token.unknown_scope",
];

pub async fn run(suite: &Suite, report: &mut Report) {
    report.record("token.invalid_bearer", invalid_bearer(suite).await);
    report.record("token.missing_bearer", missing_bearer(suite).await);
    let Some(actor) = suite.actors().iter().find(|actor| actor.token.is_some()) else {
        for name in WITH_CLIENT {
            report.skip(name, "no client given (or none got a token)");
        }
        return;
    };
    let (id, secret) = (actor.spec.client_id.as_str(), actor.spec.secret.as_str());
    let grant = [("grant_type", "client_credentials")];
    let wrong = format!("{secret}-wrong");
    let refused = token_request(suite, Some((id, &wrong)), &grant).await;
    report.record("token.wrong_secret", refused.and_then(|r| oauth_error(&r, 401, "invalid_client")));
    let stranger = format!("conformance-{}-unknown-client", suite.run_id);
    let refused = token_request(suite, Some((&stranger, secret)), &grant).await;
    report.record("token.unknown_client", refused.and_then(|r| oauth_error(&r, 401, "invalid_client")));
    let password = token_request(suite, Some((id, secret)), &[("grant_type", "password")]).await;
    report
        .record("token.unsupported_grant_type", password.and_then(|r| oauth_error(&r, 400, "unsupported_grant_type")));
    let missing = token_request(suite, Some((id, secret)), &[]).await;
    report.record("token.missing_grant_type", missing.and_then(|r| oauth_error(&r, 400, "invalid_request")));
    let posted = [("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)];
    let posted = token_request(suite, None, &posted).await;
    report.record("token.client_secret_post", posted.and_then(|r| expect_status(&r, 200)));
    report.record("token.scope_subset", scope_subset(suite, actor).await);
    let unknown = [("grant_type", "client_credentials"), ("scope", UNKNOWN_SCOPE)];
    let unknown = token_request(suite, Some((id, secret)), &unknown).await;
    report.record("token.unknown_scope", unknown.and_then(|r| oauth_error(&r, 400, "invalid_scope")));
}

async fn token_request(
    suite: &Suite,
    basic: Option<(&str, &str)>,
    form: &[(&str, &str)],
) -> Result<RawResponse, String> {
    let request = suite.anonymous().post("/oauth/token").form(form);
    let request = match basic {
        Some((id, secret)) => request.basic_auth(id, secret),
        None => request.anonymous(),
    };
    request.send().await.map_err(|error| error.to_string())
}

/// An RFC 6749 §5.2 error: JSON with `error` and a description, not cached, and for a client
/// that failed to authenticate a `WWW-Authenticate` challenge.
fn oauth_error(response: &RawResponse, status: u16, error: &str) -> Verdict {
    expect_status(response, status)?;
    let media = response.media_type().unwrap_or_default();
    if media != "application/json" {
        return Err(format!("content type {media:?}, expected application/json (RFC 6749 §5.2)"));
    }
    let body: serde_json::Value = response.json().map_err(|error| error.to_string())?;
    if body["error"] != error {
        return Err(format!("error is {}, expected {error:?}", body["error"]));
    }
    if body["error_description"].as_str().is_none_or(str::is_empty) {
        return Err("no error_description".to_owned());
    }
    if !response.header("cache-control").is_some_and(|value| value.contains("no-store")) {
        return Err("no Cache-Control: no-store".to_owned());
    }
    if status == 401 && response.header("www-authenticate").is_none() {
        return Err("a 401 without WWW-Authenticate (RFC 6749 §5.2)".to_owned());
    }
    Ok(())
}

/// Asking for one of its scopes and one it lacks gets the one it has.
async fn scope_subset(suite: &Suite, actor: &Actor) -> Verdict {
    let Some(own) = actor.token.as_ref().and_then(|token| token.scopes().next().map(str::to_owned)) else {
        return Err("the client's token has no scope".to_owned());
    };
    let narrowed = suite.narrowed(actor, &[own.as_str(), UNKNOWN_SCOPE])?;
    let token = narrowed.access_token().await.map_err(|error| error.to_string())?;
    let granted: Vec<&str> = token.scopes().collect();
    if granted != [own.as_str()] {
        return Err(format!("asked for {own:?} and {UNKNOWN_SCOPE:?}, granted {granted:?}; expected only {own:?}"));
    }
    Ok(())
}

async fn invalid_bearer(suite: &Suite) -> Verdict {
    let request = suite.anonymous().get("/v1/organizations").bearer("conformance.invalid.token");
    let response = request.send().await.map_err(|error| error.to_string())?;
    expect_problem(&response, 401, "unauthorized")?;
    match response.header("www-authenticate") {
        Some(challenge) if challenge.starts_with("Bearer") && challenge.contains("invalid_token") => Ok(()),
        other => {
            Err(format!("WWW-Authenticate is {other:?}, expected a Bearer challenge with error=\"invalid_token\""))
        }
    }
}

async fn missing_bearer(suite: &Suite) -> Verdict {
    let response = suite.anonymous().get("/v1/organizations").anonymous().send().await.map_err(|e| e.to_string())?;
    expect_problem(&response, 401, "unauthorized")?;
    match response.header("www-authenticate") {
        Some(challenge) if challenge.starts_with("Bearer") => Ok(()),
        other => Err(format!("WWW-Authenticate is {other:?}, expected a Bearer challenge")),
    }
}
