//! What a deployment publishes to anyone: authorization server metadata, signing keys, the
//! problem types, health.

use serde_json::Value;

use super::{Verdict, expect_status};
use crate::report::Report;
use crate::suite::Suite;

pub async fn run(suite: &Suite, report: &mut Report) {
    report.record("discovery.server_metadata", server_metadata(suite).await);
    report.record("discovery.jwks", jwks(suite).await);
    report.record("discovery.problem_types", problem_types(suite).await);
    report.record("discovery.health", health(suite).await);
    report.record("discovery.status", status(suite).await);
}

async fn get(suite: &Suite, path: &str) -> Result<Value, String> {
    let response = suite.anonymous().get(path).anonymous().send().await.map_err(|error| error.to_string())?;
    expect_status(&response, 200)?;
    response.json().map_err(|error| error.to_string())
}

/// RFC 8414: where the token endpoint is, which grants it takes.
async fn server_metadata(suite: &Suite) -> Verdict {
    let metadata = get(suite, "/.well-known/oauth-authorization-server").await?;
    let endpoint = metadata["token_endpoint"].as_str().unwrap_or_default();
    if !endpoint.ends_with("/oauth/token") {
        return Err(format!("token_endpoint is {endpoint:?}, expected …/oauth/token"));
    }
    let grants = metadata["grant_types_supported"].as_array().cloned().unwrap_or_default();
    if !grants.iter().any(|grant| grant == "client_credentials") {
        return Err(format!("grant_types_supported {grants:?} lacks client_credentials"));
    }
    Ok(())
}

/// The public keys: at least one, none with its private part.
async fn jwks(suite: &Suite) -> Verdict {
    let set = get(suite, "/.well-known/jwks.json").await?;
    let keys = set["keys"].as_array().cloned().unwrap_or_default();
    if keys.is_empty() {
        return Err("the key set has no keys".to_owned());
    }
    for key in &keys {
        if key.get("d").is_some() {
            return Err(format!("key {} publishes its private part (\"d\")", key["kid"]));
        }
        if !key["kid"].is_string() || !key["kty"].is_string() {
            return Err(format!("a key lacks kid or kty: {key}"));
        }
    }
    Ok(())
}

/// `GET /problems` lists every type, and each is served at its own `type` URI.
async fn problem_types(suite: &Suite) -> Verdict {
    let types = get(suite, "/problems").await?;
    let types = types.as_array().cloned().unwrap_or_default();
    let Some(first) = types.first() else { return Err("GET /problems lists no problem type".to_owned()) };
    for entry in &types {
        let code = entry["code"].as_str().unwrap_or_default();
        if entry["type"] != format!("/problems/{code}") || !entry["status"].is_u64() || !entry["title"].is_string() {
            return Err(format!("the problem type {entry} lacks a type /problems/{{code}}, a status or a title"));
        }
    }
    let code = first["code"].as_str().unwrap_or_default();
    let one = get(suite, &format!("/problems/{code}")).await?;
    if one["code"] != first["code"] || one["status"] != first["status"] || one["title"] != first["title"] {
        return Err(format!("GET /problems/{code} is {one}, but GET /problems lists {first}"));
    }
    Ok(())
}

/// The public status page as JSON: ready, and the version of the contract it serves.
async fn status(suite: &Suite) -> Verdict {
    let response = suite
        .anonymous()
        .get("/status")
        .header("accept", "application/json")
        .anonymous()
        .send()
        .await
        .map_err(|error| error.to_string())?;
    expect_status(&response, 200)?;
    let status: Value = response.json().map_err(|error| error.to_string())?;
    let contract = get(suite, "/openapi.json").await?;
    if status["status"] != "ok" || !status["server_version"].is_string() || !status["search"].is_array() {
        return Err(format!("GET /status is {status}, expected status ok, server_version and search"));
    }
    if status["contract_version"] != contract["info"]["version"] {
        return Err(format!(
            "GET /status says contract {}, /openapi.json is {}",
            status["contract_version"], contract["info"]["version"]
        ));
    }
    Ok(())
}

async fn health(suite: &Suite) -> Verdict {
    let live = get(suite, "/health/live").await?;
    if live["status"] != "ok" {
        return Err(format!("GET /health/live is {live}, expected status ok"));
    }
    Ok(())
}
