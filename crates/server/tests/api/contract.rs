//! The committed contract is what the code generates, and every operation is documented.

use plateforme_server::openapi;
use serde_json::Value;

const COMMITTED: &str = "../../openapi/openapi.json";

/// Regenerate with `cargo run -- openapi --output openapi/openapi.json`.
#[test]
fn the_committed_contract_is_the_generated_one() {
    let generated = openapi::to_json(&openapi::document()).expect("serialize the contract");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).expect("write openapi/openapi.json");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the code; run `cargo run -- openapi --output openapi/openapi.json` and commit it"
    );
}

#[test]
fn every_operation_is_documented() {
    let contract: Value = serde_json::from_str(&openapi::to_json(&openapi::document()).expect("json")).expect("parse");
    let paths = contract["paths"].as_object().expect("paths");
    assert!(paths.contains_key("/v1/organizations"));
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("path item") {
            let name = format!("{method} {path}");
            assert!(operation["operationId"].is_string(), "{name}: operationId");
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{name}: summary");
            assert!(operation["description"].as_str().is_some_and(|s| !s.is_empty()), "{name}: description");
            assert!(operation["tags"].as_array().is_some_and(|t| !t.is_empty()), "{name}: tag");
            let responses = operation["responses"].as_object().expect("responses");
            assert!(responses.keys().any(|status| status.starts_with('2')), "{name}: a success response");
            if path.starts_with("/v1/") {
                assert!(responses.contains_key("500"), "{name}: documents its problems");
                for status in ["401", "403", "429"] {
                    assert!(responses.contains_key(status), "{name}: documents {status}");
                }
                // Public operations list an empty requirement too; the scopes are in another one.
                let scopes = operation["security"]
                    .as_array()
                    .and_then(|requirements| requirements.iter().find_map(|r| r["oauth2"].as_array()));
                assert!(scopes.is_some_and(|scopes| !scopes.is_empty()), "{name}: declares the scopes it needs");
            }
        }
    }
}
