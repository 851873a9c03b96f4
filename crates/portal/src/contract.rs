//! What the portal reads of the contract: its operations, grouped by tag, with what a sample
//! needs (parameters, body example, scopes). The served contract is the only source.

use serde_json::Value;

/// One operation of the contract.
#[derive(Debug, Clone)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub id: String,
    pub tag: String,
    pub summary: String,
    pub scopes: Vec<String>,
    pub public: bool,
    pub deprecated: bool,
    /// Path parameters, in the order of the path.
    pub path_parameters: Vec<String>,
    /// Headers the operation requires or reads: `If-Match`, `Idempotency-Key`…
    pub headers: Vec<(String, bool)>,
    /// The body's media type and its example, when the operation takes one.
    pub body: Option<(String, Value)>,
}

/// Every operation of `contract`, in its paths' order.
pub fn operations(contract: &Value) -> Vec<Operation> {
    let Some(paths) = contract["paths"].as_object() else { return Vec::new() };
    let mut operations = Vec::new();
    for (path, methods) in paths {
        let Some(methods) = methods.as_object() else { continue };
        for (method, operation) in methods {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            operations.push(operation_of(contract, path, method, operation));
        }
    }
    operations
}

fn operation_of(contract: &Value, path: &str, method: &str, operation: &Value) -> Operation {
    let security = operation["security"].as_array().cloned().unwrap_or_default();
    let scopes: Vec<String> = security
        .iter()
        .filter_map(|requirement| requirement["oauth2"].as_array())
        .flatten()
        .filter_map(|scope| scope.as_str().map(str::to_owned))
        .collect();
    let public =
        security.is_empty() || security.iter().any(|requirement| requirement.as_object().is_some_and(|r| r.is_empty()));
    let parameters: Vec<Value> = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|parameter| resolve(contract, parameter).clone())
        .collect();
    let named = |place: &'static str| {
        parameters.iter().filter(move |parameter| parameter["in"] == place).filter_map(|parameter| {
            Some((parameter["name"].as_str()?.to_owned(), parameter["required"].as_bool().unwrap_or(false)))
        })
    };
    Operation {
        method: method.to_uppercase(),
        path: path.to_owned(),
        id: operation["operationId"].as_str().unwrap_or_default().to_owned(),
        tag: operation["tags"][0].as_str().unwrap_or_default().to_owned(),
        summary: operation["summary"].as_str().unwrap_or_default().to_owned(),
        scopes,
        public,
        deprecated: operation["deprecated"].as_bool().unwrap_or(false),
        path_parameters: named("path").map(|(name, _)| name).collect(),
        headers: named("header").collect(),
        body: body_of(contract, &operation["requestBody"]),
    }
}

/// The body's first media type and an example: the contract's own, or one built from the
/// schema's examples and required members.
fn body_of(contract: &Value, body: &Value) -> Option<(String, Value)> {
    let (media_type, content) = body["content"].as_object()?.iter().next()?;
    let example = content
        .get("example")
        .cloned()
        .or_else(|| content["examples"].as_object()?.values().next()?.get("value").cloned())
        .unwrap_or_else(|| example_of(contract, &content["schema"], 0));
    Some((media_type.clone(), example))
}

/// An example of `schema`: its `example`, else its required members' examples (4 levels deep).
pub fn example_of(contract: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(contract, schema);
    if let Some(example) = schema.get("example").or_else(|| schema["examples"].get(0)) {
        return example.clone();
    }
    if depth > 4 {
        return Value::Null;
    }
    if let Some(first) = ["allOf", "oneOf", "anyOf"].iter().find_map(|key| schema[key].get(0)) {
        return example_of(contract, first, depth + 1);
    }
    if let Some(values) = schema["enum"].get(0) {
        return values.clone();
    }
    match schema["type"].as_str() {
        Some("object") | None if schema["properties"].is_object() => {
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let members = schema["properties"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(name, _)| required.contains(&name.as_str()))
                .map(|(name, member)| (name.clone(), example_of(contract, member, depth + 1)))
                .collect();
            Value::Object(members)
        }
        Some("array") => Value::Array(vec![example_of(contract, &schema["items"], depth + 1)]),
        Some("integer") | Some("number") => Value::from(1),
        Some("boolean") => Value::Bool(true),
        Some("string") => Value::from("…"),
        _ => Value::Null,
    }
}

/// Follows a local `$ref` (`#/components/…`) to what it names.
pub fn resolve<'a>(contract: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str().and_then(|reference| reference.strip_prefix('#')) {
        Some(pointer) => contract.pointer(pointer).map_or(value, |target| resolve(contract, target)),
        None => value,
    }
}
