//! Code samples of an operation in curl, Python (requests) and Rust (the typed client),
//! generated from the contract — its path, parameters, headers and body example — never
//! written by hand, so they cannot drift from what the server accepts.
//!
//! The samples read their variables from the environment the guides define: `PLATEFORME` (the
//! server's address), `CLIENT_ID` and `CLIENT_SECRET`, `TOKEN` (from the token sample), one
//! variable per path parameter (`ID` for `{id}`), `ETAG` for `If-Match` and `IDEMPOTENCY_KEY`.

use serde_json::Value;

use crate::contract::Operation;

/// The three samples of one operation.
#[derive(Debug, Clone)]
pub struct Samples {
    pub curl: String,
    pub python: String,
    pub rust: String,
}

/// A header the samples send, with the variable that holds its value.
fn header_variable(name: &str) -> Option<&'static str> {
    match name {
        "If-Match" => Some("ETAG"),
        "Idempotency-Key" => Some("IDEMPOTENCY_KEY"),
        _ => None,
    }
}

fn variable_of(parameter: &str) -> String {
    parameter.to_uppercase().replace('-', "_")
}

fn is_form(operation: &Operation) -> bool {
    operation.body.as_ref().is_some_and(|(media_type, _)| media_type == "application/x-www-form-urlencoded")
}

/// The headers sent: required ones, and `Idempotency-Key` wherever it is read (safe retries).
fn sent_headers(operation: &Operation) -> Vec<(&str, &'static str)> {
    operation
        .headers
        .iter()
        .filter(|(name, required)| *required || name == "Idempotency-Key")
        .filter_map(|(name, _)| Some((name.as_str(), header_variable(name)?)))
        .collect()
}

pub fn samples_of(operation: &Operation) -> Samples {
    Samples { curl: curl(operation), python: python(operation), rust: rust(operation) }
}

fn curl(operation: &Operation) -> String {
    let mut path = operation.path.clone();
    for parameter in &operation.path_parameters {
        path = path.replace(&format!("{{{parameter}}}"), &format!("${}", variable_of(parameter)));
    }
    let mut lines = vec![match operation.method.as_str() {
        "GET" => format!("curl -sS \"$PLATEFORME{path}\""),
        method => format!("curl -sS -X {method} \"$PLATEFORME{path}\""),
    }];
    if is_form(operation) {
        lines.push("-u \"$CLIENT_ID:$CLIENT_SECRET\"".to_owned());
    } else if !operation.public {
        lines.push("-H \"Authorization: Bearer $TOKEN\"".to_owned());
    }
    for (name, variable) in sent_headers(operation) {
        lines.push(format!("-H \"{name}: ${variable}\""));
    }
    match &operation.body {
        Some((media_type, Value::Object(fields))) if media_type == "application/x-www-form-urlencoded" => {
            for (name, value) in fields {
                lines.push(format!("--data-urlencode '{name}={}'", plain(value)));
            }
        }
        Some((media_type, example)) => {
            lines.push(format!("-H \"Content-Type: {media_type}\""));
            lines.push(format!("--data-binary '{}'", shell_quoted(&compact(example))));
        }
        None => {}
    }
    lines.push("-w '\\nHTTP %{http_code}\\n'".to_owned());
    lines.join(" \\\n  ")
}

fn python(operation: &Operation) -> String {
    let mut path = operation.path.clone();
    for parameter in &operation.path_parameters {
        path = path.replace(&format!("{{{parameter}}}"), &format!("{{os.environ['{}']}}", variable_of(parameter)));
    }
    let mut headers = Vec::new();
    let mut arguments = Vec::new();
    if is_form(operation) {
        arguments.push("auth=(os.environ['CLIENT_ID'], os.environ['CLIENT_SECRET'])".to_owned());
    } else if !operation.public {
        headers.push("\"Authorization\": f\"Bearer {os.environ['TOKEN']}\"".to_owned());
    }
    for (name, variable) in sent_headers(operation) {
        headers.push(format!("\"{name}\": os.environ['{variable}']"));
    }
    if !headers.is_empty() {
        arguments.push(format!("headers={{{}}}", headers.join(", ")));
    }
    match &operation.body {
        Some((media_type, example)) if media_type == "application/x-www-form-urlencoded" => {
            arguments.push(format!("data={}", python_literal(example)));
        }
        Some((media_type, example)) if media_type == "application/json" => {
            arguments.push(format!("json={}", python_literal(example)));
        }
        Some((media_type, example)) => {
            arguments.push(format!("data=json.dumps({}).encode()", python_literal(example)));
            if let Some(last) = arguments.iter_mut().find(|argument| argument.starts_with("headers=")) {
                last.insert_str(last.len() - 1, &format!(", \"Content-Type\": \"{media_type}\""));
            } else {
                arguments.push(format!("headers={{\"Content-Type\": \"{media_type}\"}}"));
            }
        }
        None => {}
    }
    arguments.push("timeout=30".to_owned());
    let imports = if operation.body.as_ref().is_some_and(|(media_type, _)| {
        media_type != "application/json" && media_type != "application/x-www-form-urlencoded"
    }) {
        "import json\nimport os"
    } else {
        "import os"
    };
    format!(
        "{imports}\nimport requests\n\nresponse = requests.{}(\n    f\"{{os.environ['PLATEFORME']}}{path}\",\n    {},\n)\nprint(response.text)\nprint(\"HTTP\", response.status_code)",
        operation.method.to_lowercase(),
        arguments.join(",\n    ")
    )
}

fn rust(operation: &Operation) -> String {
    let mut path = operation.path.clone();
    let mut bindings = String::new();
    for parameter in &operation.path_parameters {
        let variable = parameter.to_lowercase().replace('-', "_");
        bindings.push_str(&format!("let {variable} = std::env::var(\"{}\")?;\n", variable_of(parameter)));
        path = path.replace(&format!("{{{parameter}}}"), &format!("{{{variable}}}"));
    }
    let mut call = format!("client.request(Method::{}, format!(\"{path}\"))", operation.method);
    for (name, variable) in sent_headers(operation) {
        call.push_str(&format!("\n    .header(\"{name}\", &std::env::var(\"{variable}\")?)"));
    }
    match &operation.body {
        Some((media_type, example)) if media_type == "application/json" => {
            call.push_str(&format!("\n    .json(&serde_json::json!({}))", compact(example)));
        }
        Some((media_type, example)) if media_type == "application/x-www-form-urlencoded" => {
            let fields: Vec<String> = example
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, value)| format!("(\"{name}\", \"{}\")", plain(value)))
                .collect();
            call.push_str(&format!("\n    .form(&[{}])", fields.join(", ")));
        }
        Some((media_type, example)) => {
            call.push_str(&format!("\n    .body(r#\"{}\"#.into(), \"{media_type}\")", compact(example)));
        }
        None => {}
    }
    if operation.public {
        call.push_str("\n    .anonymous()");
    }
    format!(
        "use plateforme_client::{{Client, ClientConfig, Method}};\n\n\
         // The typed client gets and renews the token itself (OAuth2 client credentials).\n\
         let client = Client::new(ClientConfig::new(\n    &std::env::var(\"PLATEFORME\")?,\n    &std::env::var(\"CLIENT_ID\")?,\n    &std::env::var(\"CLIENT_SECRET\")?,\n))?;\n\
         {bindings}let response = {call}\n    .send()\n    .await?;\n\
         println!(\"HTTP {{}}: {{}}\", response.status, response.excerpt());{}",
        typed_hint(operation)
    )
}

/// The token request is what the typed client does itself.
fn typed_hint(operation: &Operation) -> &'static str {
    if is_form(operation) {
        "\n// The typed client asks for and renews its token itself: `client.access_token().await?`."
    } else {
        ""
    }
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn plain(value: &Value) -> String {
    value.as_str().map_or_else(|| compact(value), str::to_owned)
}

/// Inside single quotes, a single quote is closed, escaped and reopened.
fn shell_quoted(text: &str) -> String {
    text.replace('\'', "'\\''")
}

/// A JSON value as a Python literal (`true` → `True`, `null` → `None`).
fn python_literal(value: &Value) -> String {
    match value {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::Number(number) => number.to_string(),
        Value::String(_) => compact(value),
        Value::Array(items) => format!("[{}]", items.iter().map(python_literal).collect::<Vec<_>>().join(", ")),
        Value::Object(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(name, member)| format!("{}: {}", compact(&Value::from(name.as_str())), python_literal(member)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(method: &str, path: &str, body: Option<Value>) -> Operation {
        Operation {
            method: method.into(),
            path: path.into(),
            id: "update_person".into(),
            tag: "Dossier".into(),
            summary: String::new(),
            scopes: vec!["dossier:write".into()],
            public: false,
            deprecated: false,
            path_parameters: vec!["id".into()],
            headers: vec![("If-Match".into(), true), ("Counsellor-Id".into(), false)],
            body: body.map(|example| ("application/merge-patch+json".into(), example)),
        }
    }

    #[test]
    fn a_sample_sends_the_required_headers_the_body_and_the_path_variables() {
        let samples = samples_of(&operation("PATCH", "/v1/persons/{id}", Some(serde_json::json!({"name": "l'Ain"}))));
        assert!(samples.curl.contains("-X PATCH \"$PLATEFORME/v1/persons/$ID\""), "{}", samples.curl);
        assert!(samples.curl.contains("-H \"If-Match: $ETAG\""), "{}", samples.curl);
        assert!(!samples.curl.contains("Counsellor-Id"), "{}", samples.curl);
        assert!(samples.curl.contains(r#"--data-binary '{"name":"l'\''Ain"}'"#), "{}", samples.curl);
        assert!(samples.python.contains("requests.patch("), "{}", samples.python);
        assert!(samples.python.contains("{os.environ['ID']}"), "{}", samples.python);
        assert!(samples.rust.contains("Method::PATCH, format!(\"/v1/persons/{id}\")"), "{}", samples.rust);
    }

    #[test]
    fn python_literals_are_python() {
        let literal = python_literal(&serde_json::json!({"a": [true, null, 1.5, "é"]}));
        assert_eq!(literal, r#"{"a": [True, None, 1.5, "é"]}"#);
    }
}
