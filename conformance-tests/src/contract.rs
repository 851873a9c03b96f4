//! The deployment's own OpenAPI document (`GET /openapi.json`): which operation an answer
//! belongs to, and what the contract says that answer is.

use serde_json::Value;

/// An OpenAPI 3.x document.
pub struct Contract {
    document: Value,
}

/// One operation of the contract.
#[derive(Debug, Clone)]
pub struct Operation<'a> {
    /// `get_organization`; `GET /v1/organizations/{id}` when the contract gives no id.
    pub id: String,
    /// `/v1/organizations/{id}`.
    pub template: &'a str,
    spec: &'a Value,
}

impl Contract {
    /// The document, when it looks like an OpenAPI 3 contract with paths and schemas.
    pub fn new(document: Value) -> Result<Contract, String> {
        let version = document.get("openapi").and_then(Value::as_str).unwrap_or_default();
        if !version.starts_with("3.") {
            return Err(format!("\"openapi\" is {:?}, expected 3.x", document.get("openapi")));
        }
        if !document.get("paths").is_some_and(Value::is_object) {
            return Err("the document has no \"paths\" object".to_owned());
        }
        if !document.pointer("/components/schemas").is_some_and(Value::is_object) {
            return Err("the document has no \"components.schemas\" object".to_owned());
        }
        Ok(Contract { document })
    }

    pub fn document(&self) -> &Value {
        &self.document
    }

    /// The operation answering `method` on `path` (without the query): of the templates that
    /// match, the one with the most literal segments (`/v1/persons/match` before
    /// `/v1/persons/{id}`).
    pub fn operation(&self, method: &str, path: &str) -> Option<Operation<'_>> {
        let method = method.to_ascii_lowercase();
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let paths = self.document.get("paths")?.as_object()?;
        paths
            .iter()
            .filter_map(|(template, item)| {
                let literals = literal_matches(template, &segments)?;
                let spec = item.get(&method)?;
                let id = match spec.get("operationId").and_then(Value::as_str) {
                    Some(id) => id.to_owned(),
                    None => format!("{} {template}", method.to_ascii_uppercase()),
                };
                Some((literals, Operation { id, template, spec }))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, operation)| operation)
    }
}

impl<'a> Operation<'a> {
    /// What the contract says of `status`: its own entry, else `4XX`/`5XX`, else `default`.
    pub fn response(&self, status: u16) -> Option<&'a Value> {
        let responses = self.spec.get("responses")?;
        responses
            .get(status.to_string())
            .or_else(|| responses.get(format!("{}XX", status / 100)))
            .or_else(|| responses.get("default"))
    }

    /// The statuses the contract lists, for messages.
    pub fn documented_statuses(&self) -> Vec<&'a str> {
        self.spec
            .get("responses")
            .and_then(Value::as_object)
            .map(|map| map.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// How many segments match literally, when `template` matches `segments` at all.
fn literal_matches(template: &str, segments: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut literals = 0;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') && part.ends_with('}') {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    Some(literals)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_most_literal_template_wins() {
        let contract = Contract::new(json!({"openapi": "3.1.0", "components": {"schemas": {}}, "paths": {
            "/v1/persons/{id}": {"get": {"operationId": "get_person", "responses": {"200": {}, "4XX": {"description": "x"}}}},
            "/v1/persons/match": {"post": {"operationId": "match_persons", "responses": {"default": {}}}}
        }}))
        .expect("contract");
        let get = contract.operation("GET", "/v1/persons/0193").expect("get_person");
        assert_eq!((get.id.as_str(), get.template), ("get_person", "/v1/persons/{id}"));
        assert!(get.response(404).is_some_and(|r| r["description"] == "x"));
        assert!(get.response(500).is_none());
        assert_eq!(contract.operation("POST", "/v1/persons/match").map(|op| op.id), Some("match_persons".to_owned()));
        assert!(contract.operation("GET", "/v1/persons/match").is_some_and(|op| op.id == "get_person"));
        assert!(contract.operation("DELETE", "/v1/persons/0193").is_none());
        assert!(contract.operation("GET", "/v1/persons").is_none());
        assert!(Contract::new(json!({"swagger": "2.0"})).is_err());
    }
}
