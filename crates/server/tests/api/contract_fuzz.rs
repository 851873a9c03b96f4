//! The contract drives the server (issue 20): every operation of `openapi.json` is called with
//! inputs generated from the contract alone — requests it allows (its examples, then values drawn
//! from its schemas) and requests that break one rule it states — and the server must:
//! - never answer 5xx;
//! - answer every 4xx as `application/problem+json`, with a status the operation documents;
//! - refuse a request the contract allows only for a rule the contract names (each field
//!   error's `rule` appears in the contract), never for a reason it names no rule for.
//!
//! Generated, not random: the same seed gives the same requests. `CONTRACT_FUZZ_SEED` replays a
//! run (the seed is in every failure message) and `CONTRACT_FUZZ_CASES` sets how many requests
//! of each kind an operation gets (4 by default).

use std::collections::BTreeSet;

use plateforme_model::organization::OrganizationKind;
use plateforme_server::openapi;
use regex_syntax::hir::{Class, Hir, HirKind};
use reqwest::Method;
use serde_json::{Map, Value, json};

use crate::helpers::{TestApp, TestClient, unique_number};
use crate::on_both_backends;

on_both_backends!(every_operation_holds_to_the_contract);

/// Rules the server enforces that the contract does not name yet (issue 20, defect 7): each is a
/// known gap, listed so that the test fails on any new one, and on any of these once the contract
/// names it (then strike it from the list).
const RULES_NOT_YET_STATED: &[&str] = &[];

/// Operations whose answers are not the API's problems: the OAuth token endpoint answers RFC
/// 6749 errors, and `/problems/{code}` documents problems rather than raising them.
const NOT_PROBLEM_ANSWERS: &[&str] = &["/oauth/token", "/problems/{code}"];

async fn every_operation_holds_to_the_contract(app: TestApp) {
    let seed = std::env::var("CONTRACT_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_204);
    let cases = std::env::var("CONTRACT_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(4);
    let contract = Contract::load();
    let caller = caller_with_every_scope(&app, &contract).await;
    let known = KnownIds::seed(&app, &caller, &contract).await;
    let mut rng = Rng(seed);
    let mut findings = Vec::new();
    for operation in contract.operations() {
        for case in 0..cases * 2 {
            let kind = if case % 2 == 0 { Kind::Allowed } else { Kind::Broken };
            let request = operation.request(&contract, &known, &mut rng, kind, case / 2);
            // A header no HTTP client can send (a control character) is not a request.
            let Some(answer) = request.send(&app, &caller).await else { continue };
            findings.extend(judge(&contract, &operation, &request, &answer));
        }
    }
    let stated: Vec<&str> = RULES_NOT_YET_STATED.iter().copied().filter(|rule| contract.names_rule(rule)).collect();
    assert!(stated.is_empty(), "the contract now names {stated:?}: strike them from RULES_NOT_YET_STATED");
    let unique: BTreeSet<String> = findings.into_iter().collect();
    assert!(
        unique.is_empty(),
        "seed {seed}: {} findings:\n{}",
        unique.len(),
        unique.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// A client of France Travail holding every scope the contract names but `me` (person tokens).
async fn caller_with_every_scope(app: &TestApp, contract: &Contract) -> TestClient {
    let scopes = contract.doc["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]
        .as_object()
        .map(|scopes| scopes.keys().filter(|scope| *scope != "me").cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let scopes: Vec<&str> = scopes.iter().map(String::as_str).collect();
    app.register(OrganizationKind::FranceTravail, &scopes).await
}

/// Ids of records that exist, so that generated paths reach real resources half of the time.
struct KnownIds {
    organization: String,
    person: String,
    offer: Option<String>,
}

impl KnownIds {
    /// A person from the contract's own example, and an offer if the demo data has one.
    async fn seed(app: &TestApp, caller: &TestClient, contract: &Contract) -> KnownIds {
        let person = contract.doc["components"]["schemas"]["NewPerson"]["example"].clone();
        let created = app
            .client
            .post(app.url("/v1/persons"))
            .bearer_auth(&caller.token)
            .json(&person)
            .send()
            .await
            .expect("POST /v1/persons");
        let person: Value = created.json().await.unwrap_or(Value::Null);
        let offers: Value = app
            .client
            .get(app.url("/v1/offers?limit=1"))
            .bearer_auth(&caller.token)
            .send()
            .await
            .expect("GET /v1/offers")
            .json()
            .await
            .unwrap_or(Value::Null);
        KnownIds {
            organization: caller.organization_id.to_string(),
            person: person["id"].as_str().map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned),
            offer: offers["items"][0]["id"].as_str().map(str::to_owned),
        }
    }

    /// A known id for a path parameter of that name, if there is one.
    fn for_parameter(&self, name: &str) -> Option<&str> {
        match name {
            "id" => Some(&self.person),
            "organization_id" => Some(&self.organization),
            "offer_id" => self.offer.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Every input as the contract allows.
    Allowed,
    /// One input breaks one rule the contract states.
    Broken,
}

/// The contract, with `$ref`s followed on demand.
struct Contract {
    doc: Value,
}

impl Contract {
    fn load() -> Contract {
        let text = openapi::to_json(&openapi::document()).expect("serialize the contract");
        Contract { doc: serde_json::from_str(&text).expect("parse the contract") }
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str().and_then(|target| target.strip_prefix("#/")) {
            Some(path) => self.resolve(path.split('/').fold(&self.doc, |node, key| &node[key])),
            None => schema,
        }
    }

    fn operations(&self) -> Vec<Operation> {
        let mut operations = Vec::new();
        for (path, item) in self.doc["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                if let Ok(method) = method.to_uppercase().parse::<Method>() {
                    operations.push(Operation { path: path.clone(), method, spec: operation.clone() });
                }
            }
        }
        operations
    }

    /// Whether the contract names `rule` anywhere (a schema, a description, an example).
    fn names_rule(&self, rule: &str) -> bool {
        self.doc.to_string().contains(rule)
    }
}

struct Operation {
    path: String,
    method: Method,
    spec: Value,
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// One generated request, and what was broken in it.
struct Request {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Option<(String, String)>,
    broken: Option<String>,
}

impl Operation {
    fn parameters<'a>(&'a self, contract: &'a Contract) -> Vec<&'a Value> {
        self.spec["parameters"].as_array().into_iter().flatten().map(|p| contract.resolve(p)).collect()
    }

    fn request(&self, contract: &Contract, known: &KnownIds, rng: &mut Rng, kind: Kind, case: usize) -> Request {
        let parameters = self.parameters(contract);
        let body_schema = self.body_schema(contract);
        // Where the one broken rule goes: a parameter, or the body.
        let targets = parameters.len() + usize::from(body_schema.is_some());
        let broken_at = (kind == Kind::Broken && targets > 0).then(|| rng.below(targets));
        let mut request = Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            broken: None,
        };
        for (index, parameter) in parameters.iter().enumerate() {
            let name = parameter["name"].as_str().unwrap_or_default();
            let schema = contract.resolve(&parameter["schema"]);
            let required = parameter["required"].as_bool().unwrap_or(false);
            let value = if broken_at == Some(index) {
                let (value, rule) = break_value(contract, schema, rng);
                request.broken = Some(format!("{name}: {rule}"));
                Some(value)
            } else if parameter["in"] == "path" {
                let known = known.for_parameter(name).filter(|_| rng.chance(2));
                Some(known.map_or_else(|| generate(contract, schema, rng, 0), |id| json!(id)))
            } else if required || rng.chance(3) {
                Some(generate(contract, schema, rng, 0))
            } else {
                None
            };
            let Some(value) = value else { continue };
            let text = match &value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            match parameter["in"].as_str() {
                Some("path") => request.path = request.path.replace(&format!("{{{name}}}"), &percent_encode(&text)),
                Some("query") => request.query.push((name.to_owned(), text)),
                Some("header") => request.headers.push((name.to_owned(), text)),
                _ => {}
            }
        }
        if let Some((media_type, schema)) = body_schema {
            let value = if broken_at == Some(targets - 1) {
                let (value, rule) = break_value(contract, schema, rng);
                request.broken = Some(format!("body: {rule}"));
                value
            } else {
                self.example(contract, schema, case).unwrap_or_else(|| generate(contract, schema, rng, 0))
            };
            request.body = Some((media_type.clone(), encode_body(&media_type, schema, contract, &value)));
        }
        request
    }

    fn body_schema<'a>(&'a self, contract: &'a Contract) -> Option<(String, &'a Value)> {
        let content = self.spec["requestBody"]["content"].as_object()?;
        let (media_type, body) = content.iter().next()?;
        Some((media_type.clone(), contract.resolve(&body["schema"])))
    }

    /// The contract's own example of the body for the first case: what a partner copies first.
    fn example(&self, contract: &Contract, schema: &Value, case: usize) -> Option<Value> {
        if case > 0 {
            return None;
        }
        let content = self.spec["requestBody"]["content"].as_object()?.values().next()?;
        let example = content["example"].clone();
        let example = if example.is_null() { schema["example"].clone() } else { example };
        let example = if example.is_null() { contract.resolve(&content["schema"])["example"].clone() } else { example };
        (!example.is_null()).then_some(example)
    }
}

fn encode_body(media_type: &str, schema: &Value, contract: &Contract, value: &Value) -> String {
    match media_type {
        "application/x-ndjson" => match value {
            Value::Array(lines) => lines.iter().map(Value::to_string).collect::<Vec<_>>().join("\n"),
            other => other.to_string(),
        },
        "application/x-www-form-urlencoded" => {
            let _ = (schema, contract);
            value
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, value)| format!("{key}={}", percent_encode(value.as_str().unwrap_or(&value.to_string()))))
                .collect::<Vec<_>>()
                .join("&")
        }
        _ => value.to_string(),
    }
}

/// The answer, as much as the judge needs.
struct Answer {
    status: u16,
    content_type: String,
    body: Value,
}

impl Request {
    async fn send(&self, app: &TestApp, caller: &TestClient) -> Option<Answer> {
        let mut builder = app.client.request(self.method.clone(), app.url(&self.path)).bearer_auth(&caller.token);
        if !self.query.is_empty() {
            builder = builder.query(&self.query);
        }
        for (name, value) in &self.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some((media_type, body)) = &self.body {
            builder = builder.header("content-type", media_type.as_str()).body(body.clone());
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(error) if error.is_builder() => return None,
            Err(error) => panic!("the server answers {self}: {error}"),
        };
        let status = response.status().as_u16();
        let content_type =
            response.headers().get("content-type").and_then(|value| value.to_str().ok()).unwrap_or_default().to_owned();
        let bytes = response.bytes().await.unwrap_or_default();
        Some(Answer { status, content_type, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null) })
    }
}

impl std::fmt::Display for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        if !self.query.is_empty() {
            write!(f, " query {:?}", self.query)?;
        }
        if !self.headers.is_empty() {
            write!(f, " headers {:?}", self.headers)?;
        }
        if let Some((_, body)) = &self.body {
            write!(f, " body {}", body.chars().take(300).collect::<String>())?;
        }
        if let Some(broken) = &self.broken {
            write!(f, " (broken: {broken})")?;
        }
        Ok(())
    }
}

/// What the server did that the contract does not allow.
fn judge(contract: &Contract, operation: &Operation, request: &Request, answer: &Answer) -> Option<String> {
    let status = answer.status;
    let finding = |what: String| Some(format!("{operation}: {what} — {request} → {status} {}", answer.body));
    if status >= 500 {
        return finding("a server error".into());
    }
    let documented = operation.spec["responses"].as_object().is_some_and(|responses| {
        responses.contains_key(&status.to_string()) || responses.contains_key(&format!("{}XX", status / 100))
    });
    if !documented {
        return finding(format!("status {status} is not among the operation's responses"));
    }
    if status < 400 || NOT_PROBLEM_ANSWERS.contains(&operation.path.as_str()) {
        return None;
    }
    if answer.content_type != "application/problem+json" {
        return finding(format!("a {status} in {:?}, not application/problem+json", answer.content_type));
    }
    if request.broken.is_some() {
        return None;
    }
    // A rule no schema can state (a checksum, a code that must exist, a cursor that must have
    // been handed out) is stated by name; a refusal that names no rule is one the contract
    // does not state at all.
    let rules: Vec<&str> =
        answer.body["errors"].as_array().into_iter().flatten().filter_map(|error| error["rule"].as_str()).collect();
    if rules.is_empty() && matches!(status, 400 | 422) {
        return finding(format!("a request the contract allows is refused as {}", answer.body["code"]));
    }
    let unnamed: Vec<&str> =
        rules.into_iter().filter(|rule| !contract.names_rule(rule) && !RULES_NOT_YET_STATED.contains(rule)).collect();
    if !unnamed.is_empty() {
        return finding(format!("refused for rules the contract does not name: {unnamed:?}"));
    }
    None
}

/// A value the schema allows.
fn generate(contract: &Contract, schema: &Value, rng: &mut Rng, depth: usize) -> Value {
    let schema = contract.resolve(schema);
    if let Some(example) = schema.get("example").filter(|_| rng.chance(2)) {
        return example.clone();
    }
    if let Some(choices) = schema["enum"].as_array().filter(|choices| !choices.is_empty()) {
        return choices[rng.below(choices.len())].clone();
    }
    for combinator in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[combinator].as_array().filter(|choices| !choices.is_empty()) {
            return generate(contract, &choices[rng.below(choices.len())], rng, depth);
        }
    }
    if let Some(parts) = schema["allOf"].as_array() {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = generate(contract, part, rng, depth) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    match type_of(schema).as_deref() {
        Some("null") => Value::Null,
        Some("boolean") => json!(rng.chance(2)),
        Some("integer") => {
            let (low, high) = bounds(schema, -1_000.0, 1_000.0);
            json!(low.ceil() as i64 + rng.below((high.floor() - low.ceil()).max(0.0) as usize + 1) as i64)
        }
        Some("number") => {
            let (low, high) = bounds(schema, -1_000.0, 1_000.0);
            json!(low + (high - low) * rng.fraction())
        }
        Some("string") => json!(string_for(schema, rng)),
        Some("array") if depth < 4 => {
            let low = schema["minItems"].as_u64().unwrap_or(0) as usize;
            let high = schema["maxItems"].as_u64().map_or(low + 3, |max| max as usize).min(low + 3);
            let count = low + rng.below(high - low + 1);
            Value::Array((0..count).map(|_| generate(contract, &schema["items"], rng, depth + 1)).collect())
        }
        Some("object") | None if depth < 6 => {
            let required: BTreeSet<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let mut object = Map::new();
            for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                if required.contains(name.as_str()) || rng.chance(2) {
                    object.insert(name.clone(), generate(contract, property, rng, depth + 1));
                }
            }
            Value::Object(object)
        }
        _ => Value::Null,
    }
}

/// A value that breaks one rule of the schema, and the rule.
fn break_value(contract: &Contract, schema: &Value, rng: &mut Rng) -> (Value, String) {
    let schema = contract.resolve(schema);
    let mut ways: Vec<(Value, String)> = vec![(json!("\u{1}"), "a control character".into())];
    if let Some(max) = schema["maxLength"].as_u64() {
        ways.push((json!("a".repeat(max as usize + 1)), format!("maxLength {max}")));
    }
    if let Some(pattern) = schema["pattern"].as_str() {
        ways.push((json!("#not-the-pattern#"), format!("pattern {pattern}")));
    }
    if let Some(maximum) = schema["maximum"].as_f64() {
        ways.push((json!(maximum + 1.0), format!("maximum {maximum}")));
    }
    if let Some(minimum) = schema["minimum"].as_f64() {
        ways.push((json!(minimum - 1.0), format!("minimum {minimum}")));
    }
    if schema["enum"].is_array() {
        ways.push((json!("not_one_of_the_values"), "enum".into()));
    }
    if schema["format"] == "uuid" {
        ways.push((json!("not-a-uuid"), "format uuid".into()));
    }
    if schema["format"] == "date" {
        ways.push((json!("2026-02-30"), "format date".into()));
    }
    if matches!(type_of(schema).as_deref(), Some("integer" | "number")) {
        ways.push((json!("twelve"), "type number".into()));
    }
    if type_of(schema).as_deref() == Some("object") || schema["properties"].is_object() {
        let mut valid = generate(contract, schema, rng, 0);
        if let Value::Object(fields) = &mut valid {
            fields.insert("no_such_field".into(), json!(1));
        }
        ways.push((valid, "an unknown property".into()));
        if let Some(required) = schema["required"].as_array().and_then(|required| required.first()) {
            let mut missing = generate(contract, schema, rng, 0);
            if let (Value::Object(fields), Some(name)) = (&mut missing, required.as_str()) {
                fields.remove(name);
            }
            ways.push((missing, format!("required {required}")));
        }
        ways.push((json!([1, 2, 3]), "type object".into()));
    }
    let index = rng.below(ways.len());
    ways.swap_remove(index)
}

fn type_of(schema: &Value) -> Option<String> {
    match &schema["type"] {
        Value::String(kind) => Some(kind.clone()),
        // `["string", "null"]`: the non-null type.
        Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).find(|kind| *kind != "null").map(str::to_owned),
        _ => None,
    }
}

fn bounds(schema: &Value, low: f64, high: f64) -> (f64, f64) {
    let low =
        schema["minimum"].as_f64().or_else(|| schema["exclusiveMinimum"].as_f64().map(|m| m + 1.0)).unwrap_or(low);
    let high =
        schema["maximum"].as_f64().or_else(|| schema["exclusiveMaximum"].as_f64().map(|m| m - 1.0)).unwrap_or(high);
    (low, high.max(low))
}

fn string_for(schema: &Value, rng: &mut Rng) -> String {
    match schema["format"].as_str() {
        Some("uuid") => return uuid::Uuid::now_v7().to_string(),
        Some("date") => {
            return format!("20{:02}-{:02}-{:02}", 10 + rng.below(15), 1 + rng.below(12), 1 + rng.below(28));
        }
        Some("date-time") => return format!("2026-{:02}-{:02}T10:00:00Z", 1 + rng.below(12), 1 + rng.below(28)),
        Some("email") => return format!("person{}@example.fr", unique_number()),
        _ => {}
    }
    let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
    let max = schema["maxLength"].as_u64().map_or(min.max(12), |max| max as usize);
    if let Some(pattern) = schema["pattern"].as_str() {
        // ECMA-262 patterns, as JSON Schema reads them: `\d` is an ASCII digit. A negated class
        // (`[^\s]`) reads as bytes then, which may not be UTF-8: read it as characters instead.
        let parse = |unicode: bool| regex_syntax::ParserBuilder::new().unicode(unicode).build().parse(pattern).ok();
        if let Some(hir) = parse(false).or_else(|| parse(true)) {
            let text = from_hir(&hir, rng);
            // Without a maxLength the pattern alone bounds the length.
            let max = schema["maxLength"].as_u64().map_or(usize::MAX, |max| max as usize);
            if (min..=max).contains(&text.chars().count()) {
                return text;
            }
        }
    }
    let length = min + rng.below(max.min(min + 12) - min + 1);
    const LETTERS: &[char] = &['a', 'é', 'b', 'c', ' ', 'd', 'E', 'ç', '-', 'x'];
    (0..length).map(|_| LETTERS[rng.below(LETTERS.len())]).collect()
}

/// A string the regular expression matches.
fn from_hir(hir: &Hir, rng: &mut Rng) -> String {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => String::new(),
        HirKind::Literal(literal) => String::from_utf8_lossy(&literal.0).into_owned(),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class.ranges();
            if ranges.is_empty() {
                return String::new();
            }
            let range = ranges[rng.below(ranges.len())];
            let span = (range.end() as u32 - range.start() as u32).min(64);
            char::from_u32(range.start() as u32 + rng.below(span as usize + 1) as u32)
                .map(String::from)
                .unwrap_or_default()
        }
        HirKind::Class(Class::Bytes(class)) => {
            let ranges = class.ranges();
            if ranges.is_empty() {
                return String::new();
            }
            let range = ranges[rng.below(ranges.len())];
            let byte = range.start() + rng.below(usize::from(range.end() - range.start()) + 1) as u8;
            String::from(char::from(byte))
        }
        HirKind::Repetition(repetition) => {
            let min = repetition.min as usize;
            let max = repetition.max.map_or(min + 3, |max| max as usize).min(min + 3);
            let count = min + rng.below(max - min + 1);
            (0..count).map(|_| from_hir(&repetition.sub, rng)).collect()
        }
        HirKind::Capture(capture) => from_hir(&capture.sub, rng),
        HirKind::Concat(parts) => parts.iter().map(|part| from_hir(part, rng)).collect(),
        HirKind::Alternation(choices) => from_hir(&choices[rng.below(choices.len())], rng),
    }
}

fn percent_encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// SplitMix64: a small generator whose sequence a seed fixes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    /// True one time in `n`.
    fn chance(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
