//! A validator for the part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the contract
//! uses: `type` (one or a list), `enum`, `const`, `required`, `properties`,
//! `additionalProperties`, `propertyNames`, `items`, `minItems`/`maxItems`,
//! `minLength`/`maxLength`, `minimum`/`maximum` (and the exclusive ones), `allOf`, `anyOf`,
//! `oneOf`, `not`, `$ref` to the document (`#/components/schemas/…`), `format` (`uuid`, `date`,
//! `date-time`, `email`, `int32`, `int64`, loosely), and `writeOnly` (such a property must not
//! come back in an answer).
//!
//! `pattern` is **not** checked: there is no regular expression engine among the suite's
//! dependencies, and the contract's patterns (INSEE codes, SIRET, phone numbers) are validated
//! on input by the server anyway.

use std::fmt;

use serde_json::{Map, Value};

use crate::formats;

/// Deeper than this, a schema is taken to loop on itself through `$ref`.
const MAX_DEPTH: usize = 64;

/// One broken rule: where in the instance, which keyword, what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `$.items[0].territory`.
    pub path: String,
    /// The JSON Schema keyword broken: `required`, `type`, `enum`…
    pub rule: &'static str,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.path, self.rule, self.message)
    }
}

/// Validates instances against schemas of one document (which `$ref`s point into).
pub struct Validator<'a> {
    document: &'a Value,
}

impl<'a> Validator<'a> {
    pub fn new(document: &'a Value) -> Validator<'a> {
        Validator { document }
    }

    /// Every rule `instance` breaks (empty when it conforms).
    pub fn validate(&self, schema: &Value, instance: &Value) -> Vec<Violation> {
        let mut violations = Vec::new();
        self.check(schema, instance, "$", 0, &mut violations);
        violations
    }

    fn check(&self, schema: &Value, instance: &Value, path: &str, depth: usize, out: &mut Vec<Violation>) {
        let mut fail =
            |rule: &'static str, message: String| out.push(Violation { path: path.to_owned(), rule, message });
        if depth > MAX_DEPTH {
            return fail("$ref", format!("schemas nest deeper than {MAX_DEPTH}: a $ref cycle?"));
        }
        let schema = match schema {
            Value::Object(schema) => schema,
            Value::Bool(true) => return,
            Value::Bool(false) => return fail("false", "no value is allowed here".to_owned()),
            other => return fail("schema", format!("the contract has {other} where a schema is expected")),
        };
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match self.resolve(reference) {
                Some(target) => self.check(target, instance, path, depth + 1, out),
                None => out.push(Violation {
                    path: path.to_owned(),
                    rule: "$ref",
                    message: format!("the contract's {reference} does not resolve"),
                }),
            }
        }
        if let Some(expected) = schema.get("type")
            && !type_matches(expected, instance)
        {
            // Nothing else is meaningful on a value of the wrong type.
            return out.push(Violation {
                path: path.to_owned(),
                rule: "type",
                message: format!("expected {}, got {}", describe_type(expected), kind_of(instance)),
            });
        }
        self.check_values(schema, instance, path, out);
        self.check_combinations(schema, instance, path, depth, out);
        match instance {
            Value::Object(object) => self.check_object(schema, object, path, depth, out),
            Value::Array(items) => self.check_array(schema, items, path, depth, out),
            Value::String(text) => check_string(schema, text, path, out),
            Value::Number(_) => check_number(schema, instance, path, out),
            Value::Null | Value::Bool(_) => {}
        }
    }

    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        self.document.pointer(reference.strip_prefix('#')?)
    }

    /// The schema `$ref` points to, or the schema itself.
    fn target(&self, schema: &'a Value) -> &'a Value {
        schema.get("$ref").and_then(Value::as_str).and_then(|reference| self.resolve(reference)).unwrap_or(schema)
    }

    fn check_values(&self, schema: &Map<String, Value>, instance: &Value, path: &str, out: &mut Vec<Violation>) {
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(instance)
        {
            let allowed: Vec<String> = allowed.iter().map(Value::to_string).collect();
            out.push(Violation {
                path: path.to_owned(),
                rule: "enum",
                message: format!("{instance} is not one of {}", allowed.join(", ")),
            });
        }
        if let Some(constant) = schema.get("const")
            && constant != instance
        {
            out.push(Violation {
                path: path.to_owned(),
                rule: "const",
                message: format!("{instance} is not {constant}"),
            });
        }
    }

    fn check_combinations(
        &self,
        schema: &Map<String, Value>,
        instance: &Value,
        path: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.check(part, instance, path, depth + 1, out);
            }
        }
        let failures = |alternatives: &Vec<Value>| -> Vec<Vec<Violation>> {
            alternatives
                .iter()
                .map(|alternative| {
                    let mut violations = Vec::new();
                    self.check(alternative, instance, path, depth + 1, &mut violations);
                    violations
                })
                .collect()
        };
        if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
            let results = failures(any);
            if !results.iter().any(Vec::is_empty) {
                out.push(Violation { path: path.to_owned(), rule: "anyOf", message: none_matched(&results) });
            }
        }
        if let Some(one) = schema.get("oneOf").and_then(Value::as_array) {
            let results = failures(one);
            match results.iter().filter(|violations| violations.is_empty()).count() {
                1 => {}
                0 => out.push(Violation { path: path.to_owned(), rule: "oneOf", message: none_matched(&results) }),
                n => out.push(Violation {
                    path: path.to_owned(),
                    rule: "oneOf",
                    message: format!("matches {n} alternatives; exactly one is allowed"),
                }),
            }
        }
        if let Some(forbidden) = schema.get("not") {
            let mut violations = Vec::new();
            self.check(forbidden, instance, path, depth + 1, &mut violations);
            if violations.is_empty() {
                out.push(Violation {
                    path: path.to_owned(),
                    rule: "not",
                    message: "matches a schema it must not".to_owned(),
                });
            }
        }
    }

    fn check_object(
        &self,
        schema: &Map<String, Value>,
        object: &Map<String, Value>,
        path: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                out.push(Violation {
                    path: path.to_owned(),
                    rule: "required",
                    message: format!("property {name:?} is missing"),
                });
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, value) in object {
            let child = format!("{path}.{name}");
            match properties.and_then(|properties| properties.get(name)) {
                Some(property) => {
                    if self.target(property).get("writeOnly") == Some(&Value::Bool(true))
                        || property.get("writeOnly") == Some(&Value::Bool(true))
                    {
                        out.push(Violation {
                            path: child.clone(),
                            rule: "writeOnly",
                            message: "a write-only property is returned".to_owned(),
                        });
                    }
                    self.check(property, value, &child, depth + 1, out);
                }
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => out.push(Violation {
                        path: path.to_owned(),
                        rule: "additionalProperties",
                        message: format!("property {name:?} is not in the schema"),
                    }),
                    Some(additional) => self.check(additional, value, &child, depth + 1, out),
                    None => {}
                },
            }
            if let Some(names) = schema.get("propertyNames") {
                self.check(names, &Value::String(name.clone()), &child, depth + 1, out);
            }
        }
    }

    fn check_array(
        &self,
        schema: &Map<String, Value>,
        items: &[Value],
        path: &str,
        depth: usize,
        out: &mut Vec<Violation>,
    ) {
        check_count(schema, ["minItems", "maxItems"], items.len() as u64, "items", path, out);
        if let Some(item) = schema.get("items") {
            for (index, value) in items.iter().enumerate() {
                self.check(item, value, &format!("{path}[{index}]"), depth + 1, out);
            }
        }
    }
}

fn check_string(schema: &Map<String, Value>, text: &str, path: &str, out: &mut Vec<Violation>) {
    check_count(schema, ["minLength", "maxLength"], text.chars().count() as u64, "characters", path, out);
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && !formats::string_conforms(format, text)
    {
        out.push(Violation { path: path.to_owned(), rule: "format", message: format!("{text:?} is not a {format}") });
    }
}

/// The bounds an array's items and a string's characters share: `count` of `unit` against the
/// schema's minimum and maximum keywords (each keyword the rule it breaks).
fn check_count(
    schema: &Map<String, Value>,
    [min_rule, max_rule]: [&'static str; 2],
    count: u64,
    unit: &str,
    path: &str,
    out: &mut Vec<Violation>,
) {
    let bound = |rule: &str| schema.get(rule).and_then(Value::as_u64);
    let broken = [
        (min_rule, bound(min_rule).filter(|min| count < *min), "at least"),
        (max_rule, bound(max_rule).filter(|max| count > *max), "at most"),
    ];
    for (rule, limit, words) in broken {
        if let Some(limit) = limit {
            out.push(Violation { path: path.to_owned(), rule, message: format!("{count} {unit}; {words} {limit}") });
        }
    }
}

fn check_number(schema: &Map<String, Value>, instance: &Value, path: &str, out: &mut Vec<Violation>) {
    let Some(number) = instance.as_f64() else { return };
    let bound = |name: &str| schema.get(name).and_then(Value::as_f64);
    let broken = [
        ("minimum", bound("minimum").filter(|min| number < *min), "at least"),
        ("maximum", bound("maximum").filter(|max| number > *max), "at most"),
        ("exclusiveMinimum", bound("exclusiveMinimum").filter(|min| number <= *min), "more than"),
        ("exclusiveMaximum", bound("exclusiveMaximum").filter(|max| number >= *max), "less than"),
    ];
    for (rule, limit, words) in broken {
        if let Some(limit) = limit {
            out.push(Violation { path: path.to_owned(), rule, message: format!("{instance} is not {words} {limit}") });
        }
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str)
        && !formats::number_conforms(format, instance)
    {
        out.push(Violation {
            path: path.to_owned(),
            rule: "format",
            message: format!("{instance} is not an {format}"),
        });
    }
}

fn none_matched(results: &[Vec<Violation>]) -> String {
    let reasons: Vec<String> = results
        .iter()
        .enumerate()
        .map(|(index, violations)| match violations.first() {
            Some(first) => format!("#{}: {first}", index + 1),
            None => format!("#{}: matches", index + 1),
        })
        .collect();
    format!("matches none of the alternatives ({})", reasons.join("; "))
}

fn type_matches(expected: &Value, instance: &Value) -> bool {
    match expected {
        Value::String(name) => is_of_type(name, instance),
        Value::Array(names) => names.iter().filter_map(Value::as_str).any(|name| is_of_type(name, instance)),
        _ => true,
    }
}

fn is_of_type(name: &str, instance: &Value) -> bool {
    match name {
        "null" => instance.is_null(),
        "boolean" => instance.is_boolean(),
        "object" => instance.is_object(),
        "array" => instance.is_array(),
        "string" => instance.is_string(),
        "number" => instance.is_number(),
        "integer" => instance.is_i64() || instance.is_u64() || instance.as_f64().is_some_and(|n| n.fract() == 0.0),
        _ => true,
    }
}

fn describe_type(expected: &Value) -> String {
    match expected {
        Value::Array(names) => names.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        other => other.as_str().unwrap_or("?").to_owned(),
    }
}

fn kind_of(instance: &Value) -> &'static str {
    match instance {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document() -> Value {
        json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["a", "b"]},
            "Thing": {"type": "object", "required": ["id", "kind"], "additionalProperties": false, "properties": {
                "id": {"type": "string", "format": "uuid"},
                "kind": {"$ref": "#/components/schemas/Kind"},
                "count": {"type": ["integer", "null"], "minimum": 0, "maximum": 10},
                "secret": {"type": "string", "writeOnly": true},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                "link": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Kind"}]},
                "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
            }}
        }}})
    }

    fn violations(instance: Value) -> Vec<String> {
        let document = document();
        let validator = Validator::new(&document);
        validator
            .validate(&json!({"$ref": "#/components/schemas/Thing"}), &instance)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_conforming_instance_passes() {
        let id = "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d";
        let thing = json!({"id": id, "kind": "a", "count": null, "tags": ["x"], "link": "b", "extra": {"n": 1}});
        assert_eq!(violations(thing), Vec::<String>::new());
    }

    #[test]
    fn each_rule_is_named() {
        assert_eq!(violations(json!({"kind": "a"})), ["$: required: property \"id\" is missing"]);
        let id = "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d";
        let broken = json!({"id": "nope", "kind": "c", "count": 11, "secret": "s", "tags": [1, "a", "b"],
            "link": 3, "extra": {"n": "x"}, "more": true});
        let found = violations(broken);
        for expected in [
            "$.id: format: \"nope\" is not a uuid",
            "$.kind: enum: \"c\" is not one of \"a\", \"b\"",
            "$.count: maximum: 11 is not at most 10",
            "$.secret: writeOnly: a write-only property is returned",
            "$.tags: maxItems: 3 items; at most 2",
            "$.tags[0]: type: expected string, got integer",
            "$.extra.n: type: expected integer, got string",
            "$: additionalProperties: property \"more\" is not in the schema",
        ] {
            assert!(found.iter().any(|violation| violation == expected), "{expected} not in {found:#?}");
        }
        assert!(found.iter().any(|violation| violation.starts_with("$.link: oneOf: matches none")), "{found:#?}");
        assert!(violations(json!({"id": id, "kind": "a", "count": 1.5})).iter().any(|v| v.contains("type")));
    }

    #[test]
    fn lengths_and_item_counts_are_bounded_both_ways() {
        let document = json!({});
        let validator = Validator::new(&document);
        let named = |schema: Value, instance: Value| -> Vec<String> {
            validator.validate(&schema, &instance).iter().map(ToString::to_string).collect()
        };
        let text = json!({"type": "string", "minLength": 2, "maxLength": 3});
        assert_eq!(named(text.clone(), json!("é")), ["$: minLength: 1 characters; at least 2"]);
        assert_eq!(named(text.clone(), json!("éèê")), Vec::<String>::new());
        assert_eq!(named(text, json!("abcd")), ["$: maxLength: 4 characters; at most 3"]);
        let list = json!({"type": "array", "minItems": 1, "maxItems": 2});
        assert_eq!(named(list.clone(), json!([])), ["$: minItems: 0 items; at least 1"]);
        assert_eq!(named(list, json!([1, 2, 3])), ["$: maxItems: 3 items; at most 2"]);
    }
}
