//! What changed between two versions of the contract, and which changes break a client: the
//! portal's changelog and the CI check that refuses a breaking change made without deprecation
//! (docs/versions.md states the policy).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::contract::resolve;

/// The changes from one contract to the next, in words a partner reads.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<String>,
    pub deprecated: Vec<String>,
    pub removed: Vec<String>,
    /// What breaks a client written against the older contract, and was not deprecated first.
    pub breaking: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.deprecated.is_empty() && self.removed.is_empty() && self.breaking.is_empty()
    }
}

type OperationKey = (String, String);

fn operations(contract: &Value) -> BTreeMap<OperationKey, &Value> {
    let mut operations = BTreeMap::new();
    for (path, methods) in contract["paths"].as_object().into_iter().flatten() {
        for (method, operation) in methods.as_object().into_iter().flatten() {
            if matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                operations.insert((method.to_uppercase(), path.clone()), operation);
            }
        }
    }
    operations
}

fn is_deprecated(value: &Value) -> bool {
    value["deprecated"].as_bool().unwrap_or(false)
}

/// The extension of a deprecated operation that states its sunset day, `YYYY-MM-DD`.
pub const SUNSET: &str = "x-sunset";

/// The sunset day of an operation, when it states a well-formed one.
fn sunset(operation: &Value) -> Option<&str> {
    let day = operation[SUNSET].as_str()?;
    let well_formed = day.len() == 10
        && day.char_indices().all(|(at, c)| if at == 4 || at == 7 { c == '-' } else { c.is_ascii_digit() });
    well_formed.then_some(day)
}

/// Why removing `operation` breaks its clients on `today` (`YYYY-MM-DD`): only an operation
/// deprecated with a sunset day now past may go.
fn removal_refused(operation: &Value, today: &str) -> Option<&'static str> {
    if !is_deprecated(operation) {
        return Some("removed without being deprecated first");
    }
    match sunset(operation) {
        None => Some("removed while deprecated without a sunset day (x-sunset)"),
        Some(day) if day >= today => Some("removed before its sunset day"),
        Some(_) => None,
    }
}

/// Compares `old` with `new`, as of `today` (`YYYY-MM-DD`: sunsets before it have passed).
pub fn compare(old: &Value, new: &Value, today: &str) -> Changes {
    let (before, after) = (operations(old), operations(new));
    let mut changes = Changes::default();
    for ((method, path), operation) in &after {
        let name = format!("{method} {path}");
        match before.get(&(method.clone(), path.clone())) {
            None => changes.added.push(format!("operation {name}")),
            Some(previous) => {
                if is_deprecated(operation) && !is_deprecated(previous) {
                    changes.deprecated.push(format!("operation {name}"));
                }
                compare_parameters(&name, (old, previous), (new, operation), &mut changes);
                compare_request(&name, (old, previous), (new, operation), &mut changes);
                compare_responses(&name, (old, previous), (new, operation), &mut changes);
            }
        }
    }
    for ((method, path), operation) in &before {
        if !after.contains_key(&(method.clone(), path.clone())) {
            let name = format!("operation {method} {path}");
            if let Some(why) = removal_refused(operation, today) {
                changes.breaking.push(format!("{name} {why}"));
            }
            changes.removed.push(name);
        }
    }
    changes
}

fn parameters<'a>(contract: &'a Value, operation: &'a Value) -> BTreeMap<(String, String), &'a Value> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| resolve(contract, parameter))
        .filter_map(|parameter| {
            Some(((parameter["in"].as_str()?.to_owned(), parameter["name"].as_str()?.to_owned()), parameter))
        })
        .collect()
}

fn required(value: &Value) -> bool {
    value["required"].as_bool().unwrap_or(false)
}

fn compare_parameters(name: &str, old: (&Value, &Value), new: (&Value, &Value), changes: &mut Changes) {
    let (before, after) = (parameters(old.0, old.1), parameters(new.0, new.1));
    for (key, parameter) in &after {
        let (place, parameter_name) = key;
        match before.get(key) {
            None if required(parameter) => {
                changes.breaking.push(format!("{name}: new required {place} parameter {parameter_name}"))
            }
            None => changes.added.push(format!("{name}: {place} parameter {parameter_name}")),
            Some(previous) if required(parameter) && !required(previous) => {
                changes.breaking.push(format!("{name}: {place} parameter {parameter_name} became required"))
            }
            Some(_) => {}
        }
    }
    for ((place, parameter_name), parameter) in &before {
        if !after.contains_key(&(place.clone(), parameter_name.clone())) {
            changes.removed.push(format!("{name}: {place} parameter {parameter_name}"));
            if !is_deprecated(parameter) {
                changes
                    .breaking
                    .push(format!("{name}: {place} parameter {parameter_name} removed without being deprecated first"));
            }
        }
    }
}

/// A JSON schema's members (following `$ref` and `allOf`) and the required ones.
fn members(contract: &Value, schema: &Value) -> (BTreeMap<String, Value>, BTreeSet<String>) {
    let schema = resolve(contract, schema);
    let mut properties: BTreeMap<String, Value> =
        schema["properties"].as_object().map(|members| members.clone().into_iter().collect()).unwrap_or_default();
    let mut needed: BTreeSet<String> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        let (more, more_needed) = members(contract, part);
        properties.extend(more);
        needed.extend(more_needed);
    }
    (properties, needed)
}

fn json_schema<'a>(contract: &'a Value, holder: &'a Value) -> Option<&'a Value> {
    let content = resolve(contract, holder)["content"].as_object()?;
    content.get("application/json").or_else(|| content.values().next()).map(|media| &media["schema"])
}

fn compare_request(name: &str, old: (&Value, &Value), new: (&Value, &Value), changes: &mut Changes) {
    let (Some(before), Some(after)) =
        (json_schema(old.0, &old.1["requestBody"]), json_schema(new.0, &new.1["requestBody"]))
    else {
        return;
    };
    let ((before_members, before_needed), (_, after_needed)) = (members(old.0, before), members(new.0, after));
    for member in after_needed.difference(&before_needed) {
        let what = if before_members.contains_key(member) { "became required" } else { "is a new required member" };
        changes.breaking.push(format!("{name}: request member {member} {what}"));
    }
}

fn compare_responses(name: &str, old: (&Value, &Value), new: (&Value, &Value), changes: &mut Changes) {
    for status in ["200", "201"] {
        let (Some(before), Some(after)) =
            (json_schema(old.0, &old.1["responses"][status]), json_schema(new.0, &new.1["responses"][status]))
        else {
            continue;
        };
        let ((before_members, _), (after_members, _)) = (members(old.0, before), members(new.0, after));
        for (member, schema) in &before_members {
            if !after_members.contains_key(member) {
                changes.removed.push(format!("{name}: response member {member}"));
                if !is_deprecated(resolve(old.0, schema)) {
                    changes
                        .breaking
                        .push(format!("{name}: response member {member} removed without being deprecated first"));
                }
            }
        }
        for member in after_members.keys().filter(|member| !before_members.contains_key(*member)) {
            changes.added.push(format!("{name}: response member {member}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TODAY: &str = "2026-12-06";

    fn contract(operations: Value) -> Value {
        json!({"openapi": "3.1.0", "paths": operations, "components": {"schemas": {
            "Person": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
            "NewPerson": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "phone": {"type": "string"}}}
        }}})
    }

    fn base() -> Value {
        contract(json!({
            "/v1/persons": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPerson"}}}},
                "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}}}
            }},
            "/v1/persons/{id}": {"get": {
                "parameters": [{"in": "path", "name": "id", "required": true}, {"in": "query", "name": "fields"}],
                "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}}}
            }}
        }))
    }

    #[test]
    fn the_same_contract_changes_nothing() {
        assert!(compare(&base(), &base(), TODAY).is_empty());
    }

    #[test]
    fn additions_are_compatible() {
        let mut new = base();
        new["paths"]["/v1/offers"] = json!({"get": {"responses": {}}});
        new["paths"]["/v1/persons/{id}"]["get"]["parameters"]
            .as_array_mut()
            .expect("parameters")
            .push(json!({"in": "query", "name": "lang"}));
        new["components"]["schemas"]["Person"]["properties"]["email"] = json!({"type": "string"});
        let changes = compare(&base(), &new, TODAY);
        assert!(changes.breaking.is_empty(), "{changes:?}");
        assert_eq!(changes.added.len(), 4, "{changes:?}");
    }

    #[test]
    fn a_deliberately_broken_contract_is_refused() {
        let mut new = base();
        // Removed without deprecation, a new required parameter, a member required, one gone.
        new["paths"].as_object_mut().expect("paths").remove("/v1/persons/{id}");
        new["paths"]["/v1/persons"]["post"]["parameters"] =
            json!([{"in": "header", "name": "X-Source", "required": true}]);
        new["components"]["schemas"]["NewPerson"]["required"] = json!(["name", "phone"]);
        new["components"]["schemas"]["Person"]["properties"].as_object_mut().expect("members").remove("name");
        let changes = compare(&base(), &new, TODAY);
        assert_eq!(
            changes.breaking,
            [
                "POST /v1/persons: new required header parameter X-Source",
                "POST /v1/persons: request member phone became required",
                "POST /v1/persons: response member name removed without being deprecated first",
                "operation GET /v1/persons/{id} removed without being deprecated first",
            ]
        );
    }

    #[test]
    fn what_was_deprecated_may_go_once_its_sunset_has_passed() {
        let mut deprecated = base();
        deprecated["paths"]["/v1/persons/{id}"]["get"]["deprecated"] = json!(true);
        assert_eq!(compare(&base(), &deprecated, TODAY).deprecated, ["operation GET /v1/persons/{id}"]);
        let mut removed = deprecated.clone();
        removed["paths"].as_object_mut().expect("paths").remove("/v1/persons/{id}");
        let refused = |sunset: Option<&str>| {
            let mut before = deprecated.clone();
            if let Some(day) = sunset {
                before["paths"]["/v1/persons/{id}"]["get"]["x-sunset"] = json!(day);
            }
            compare(&before, &removed, TODAY).breaking
        };
        assert_eq!(
            refused(None),
            ["operation GET /v1/persons/{id} removed while deprecated without a sunset day (x-sunset)"]
        );
        assert_eq!(refused(Some("2027-06-30")), ["operation GET /v1/persons/{id} removed before its sunset day"]);
        assert_eq!(refused(Some(TODAY)), ["operation GET /v1/persons/{id} removed before its sunset day"]);
        assert_eq!(refused(Some("le 1er mai")).len(), 1, "a sunset that is not a day is none");
        assert!(refused(Some("2026-06-30")).is_empty(), "its sunset has passed");
        let mut before = deprecated.clone();
        before["paths"]["/v1/persons/{id}"]["get"]["x-sunset"] = json!("2026-06-30");
        assert_eq!(compare(&before, &removed, TODAY).removed, ["operation GET /v1/persons/{id}"]);
    }
}
