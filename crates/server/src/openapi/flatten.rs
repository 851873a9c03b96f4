//! Flattened structs (`#[serde(flatten)]`) come out of utoipa as an `allOf` of the inner
//! struct and the outer one's own properties. When the inner struct refuses unknown fields
//! (`additionalProperties: false`, right for a request body), JSON Schema checks each part of
//! the `allOf` alone and so rejects every document (an `Offer` has more than `OfferFields`).
//! This pass merges such an `allOf` into one object listing every property, which is what
//! serde writes.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use utoipa::openapi::{RefOr, Schema};

const PREFIX: &str = "#/components/schemas/";

/// Merges, in every component schema, an `allOf` made only of objects (inline or referenced).
/// Only the schemas merged change; a schema that does not read back is left as it was.
pub fn merge_all_of(components: &mut BTreeMap<String, RefOr<Schema>>) {
    let json: Map<String, Value> = components
        .iter()
        .filter_map(|(name, schema)| Some((name.clone(), serde_json::to_value(schema).ok()?)))
        .collect();
    for (name, schema) in &json {
        let Some(object) = merged_object(&json, schema, 0) else { continue };
        if let Ok(merged) = serde_json::from_value::<RefOr<Schema>>(object) {
            components.insert(name.clone(), merged);
        }
    }
}

/// The one object an `allOf` of objects stands for; `None` when `schema` is not such an `allOf`.
fn merged_object(schemas: &Map<String, Value>, schema: &Value, depth: usize) -> Option<Value> {
    let parts = schema.get("allOf")?.as_array()?;
    if depth > 8 {
        return None;
    }
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let part = match part.get("$ref").and_then(Value::as_str) {
            Some(reference) => schemas.get(reference.strip_prefix(PREFIX)?)?.clone(),
            None => part.clone(),
        };
        let part = merged_object(schemas, &part, depth + 1).unwrap_or(part);
        if part.get("type").and_then(Value::as_str) != Some("object") {
            return None;
        }
        properties.extend(part.get("properties").and_then(Value::as_object).cloned().unwrap_or_default());
        for name in part.get("required").and_then(Value::as_array).into_iter().flatten() {
            if !required.contains(name) {
                required.push(name.clone());
            }
        }
    }
    let mut object = Map::new();
    object.insert("type".into(), "object".into());
    for key in ["description", "example", "examples"] {
        if let Some(value) = schema.get(key) {
            object.insert(key.into(), value.clone());
        }
    }
    object.insert("required".into(), Value::Array(required));
    object.insert("properties".into(), Value::Object(properties));
    Some(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_flattened_struct_becomes_one_object() {
        let document = json!({"components": {"schemas": {
            "Inner": {"type": "object", "additionalProperties": false, "required": ["a"],
                "properties": {"a": {"type": "string"}}},
            "Outer": {"allOf": [{"$ref": "#/components/schemas/Inner"},
                {"type": "object", "required": ["b"], "properties": {"b": {"type": "integer"}}}]},
            "Hit": {"allOf": [{"$ref": "#/components/schemas/Outer"},
                {"type": "object", "properties": {"c": {"type": "number"}}}]},
            "Choice": {"allOf": [{"type": "string"}]}
        }}});
        let mut components: BTreeMap<String, RefOr<Schema>> =
            serde_json::from_value(document["components"]["schemas"].clone()).unwrap();
        merge_all_of(&mut components);
        let schemas = serde_json::to_value(&components).unwrap();
        assert_eq!(schemas["Outer"]["required"], json!(["a", "b"]));
        assert_eq!(schemas["Hit"]["properties"].as_object().map(Map::len), Some(3));
        assert!(schemas["Hit"].get("additionalProperties").is_none());
        assert_eq!(schemas["Inner"]["additionalProperties"], false, "request bodies stay strict");
        assert!(schemas["Choice"].get("allOf").is_some(), "an allOf of non-objects is left alone");
    }
}
