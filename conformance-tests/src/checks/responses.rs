//! Every answer the run received, checked at the end: each error is an RFC 9457 problem (the
//! token endpoint's, RFC 6749 JSON), each problem code is one the deployment lists, and each
//! answer of a contract operation is what the contract says: a documented status, a documented
//! media type, a body valid against the schema (one check per operation).

use std::collections::{BTreeMap, HashMap, HashSet};

use plateforme_client::{RawResponse, Url};
use serde_json::Value;

use super::Verdict;
use crate::contract::Contract;
use crate::report::Report;
use crate::schema::Validator;
use crate::suite::Suite;

/// At most this many failures are quoted in one result line.
const QUOTED: usize = 3;

pub async fn run(suite: &Suite, report: &mut Report) {
    let responses = suite.recorder.responses();
    let base_path =
        Url::parse(&suite.base_url).map(|url| url.path().trim_end_matches('/').to_owned()).unwrap_or_default();
    let located: Vec<Located<'_>> = responses
        .iter()
        .map(|response| {
            let path = response.url.path();
            let path = path.strip_prefix(base_path.as_str()).unwrap_or(path).to_owned();
            let operation =
                suite.contract.as_ref().and_then(|contract| contract.operation(response.method.as_str(), &path));
            Located { response, path, operation: operation.map(|operation| operation.id) }
        })
        .collect();
    report.record("responses.problem_format", summarize(located.iter().filter_map(problem_format).collect()));
    report.record("responses.problem_types", problem_types(suite, &located).await);
    match &suite.contract {
        Some(contract) => schemas(contract, &located, report),
        None => report.skip("schema", "the contract could not be read (see contract.openapi)"),
    }
}

/// An answer with where it belongs.
struct Located<'a> {
    response: &'a RawResponse,
    /// The path below the base URL.
    path: String,
    operation: Option<String>,
}

impl Located<'_> {
    /// `GET /v1/organizations/… (get_organization) → 404`.
    fn describe(&self) -> String {
        let operation = self.operation.as_deref().unwrap_or("no operation of the contract");
        format!("{} {} ({operation}) → {}", self.response.method, self.path, self.response.status)
    }
}

/// The failures, each distinct one once (a page read twice breaks the rule twice).
fn summarize(mut failures: Vec<String>) -> Verdict {
    if failures.is_empty() {
        return Ok(());
    }
    let mut distinct = HashSet::new();
    failures.retain(|failure| distinct.insert(failure.clone()));
    let quoted: Vec<&str> = failures.iter().take(QUOTED).map(String::as_str).collect();
    let more = failures.len().saturating_sub(QUOTED);
    let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
    Err(format!("{}{tail}", quoted.join("; ")))
}

/// What is wrong with an error answer's format, if anything.
fn problem_format(located: &Located<'_>) -> Option<String> {
    let response = located.response;
    if response.status < 400 {
        return None;
    }
    let fail = |why: String| Some(format!("{}: {why}", located.describe()));
    let media = response.media_type().unwrap_or_else(|| "no content type".to_owned());
    if located.path == "/oauth/token" {
        // RFC 6749 §5.2: the token endpoint answers its own JSON, which OAuth libraries expect.
        let body: Option<Value> = serde_json::from_slice(&response.body).ok();
        let has_error = body.as_ref().is_some_and(|body| body["error"].is_string());
        return match (media.as_str(), has_error) {
            ("application/json", true) => None,
            _ => fail(format!("{media} without an \"error\" member, expected an RFC 6749 error")),
        };
    }
    if media != "application/problem+json" {
        return fail(format!("content type {media}, expected application/problem+json"));
    }
    let Ok(Value::Object(problem)) = serde_json::from_slice::<Value>(&response.body) else {
        return fail("the problem is not a JSON object".to_owned());
    };
    for member in ["type", "title", "detail", "code"] {
        if problem.get(member).and_then(Value::as_str).is_none_or(str::is_empty) {
            return fail(format!("the problem's {member:?} is missing or empty"));
        }
    }
    if problem.get("status").and_then(Value::as_u64) != Some(u64::from(response.status)) {
        return fail(format!("the problem's status {:?} is not the HTTP status", problem.get("status")));
    }
    let code = problem.get("code").and_then(Value::as_str).unwrap_or_default();
    let problem_type = problem.get("type").and_then(Value::as_str).unwrap_or_default();
    if !problem_type.ends_with(&format!("/problems/{code}")) {
        return fail(format!("type {problem_type:?} does not end with /problems/{code}"));
    }
    let request_id = problem.get("request_id").and_then(Value::as_str);
    if let Some(header) = response.header("x-request-id")
        && request_id != Some(header)
    {
        return fail(format!("request_id {request_id:?} is not the X-Request-Id {header:?}"));
    }
    None
}

/// Each problem code received is listed by `GET /problems`, with the same status and title.
async fn problem_types(suite: &Suite, located: &[Located<'_>]) -> Verdict {
    let listed = suite.anonymous().get("/problems").anonymous().send().await.map_err(|error| error.to_string())?;
    super::expect_status(&listed, 200)?;
    let listed: Vec<Value> = listed.json().map_err(|error| error.to_string())?;
    let catalogue: HashMap<&str, &Value> =
        listed.iter().filter_map(|entry| Some((entry["code"].as_str()?, entry))).collect();
    let (mut failures, mut checked) = (Vec::new(), HashSet::new());
    for item in located.iter().filter(|item| item.response.status >= 400) {
        let Some(problem) = item.response.problem() else { continue };
        // Once per code: the catalogue answers the same for every occurrence.
        if !checked.insert(problem.code.clone()) {
            continue;
        }
        match catalogue.get(problem.code.as_str()) {
            None => failures.push(format!(
                "{}: the code {:?} is not listed by GET /problems",
                item.describe(),
                problem.code
            )),
            Some(entry) if entry["status"] != problem.status || entry["title"] != problem.title.as_str() => failures
                .push(format!(
                    "{}: {:?} ({}) differs from GET /problems' {entry}",
                    item.describe(),
                    problem.title,
                    problem.status
                )),
            Some(_) => {}
        }
    }
    summarize(failures)
}

/// One check per operation: every answer it gave against the contract.
fn schemas(contract: &Contract, located: &[Located<'_>], report: &mut Report) {
    let validator = Validator::new(contract.document());
    let mut operations: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for item in located {
        let Some(id) = item.operation.as_deref() else { continue };
        let failures = operations.entry(id).or_default();
        if let Some(operation) = contract.operation(item.response.method.as_str(), &item.path) {
            failures.extend(conformance(&validator, &operation, item));
        }
    }
    for (id, failures) in operations {
        report.record(format!("schema.{id}"), summarize(failures));
    }
}

/// What the answer breaks of the operation's documented response.
fn conformance(
    validator: &Validator<'_>,
    operation: &crate::contract::Operation<'_>,
    item: &Located<'_>,
) -> Vec<String> {
    let response = item.response;
    let Some(documented) = operation.response(response.status) else {
        let statuses = operation.documented_statuses().join(", ");
        return vec![format!("{}: the status is not documented (documented: {statuses})", item.describe())];
    };
    let content = documented.get("content").and_then(Value::as_object).filter(|content| !content.is_empty());
    let Some(content) = content else {
        if response.body.is_empty() {
            return Vec::new();
        }
        return vec![format!(
            "{}: a body of {} bytes where the contract documents none",
            item.describe(),
            response.body.len()
        )];
    };
    let media = response.media_type().unwrap_or_else(|| "no content type".to_owned());
    let Some(media_spec) = content.get(&media) else {
        let documented: Vec<&str> = content.keys().map(String::as_str).collect();
        return vec![format!(
            "{}: content type {media} is not documented ({})",
            item.describe(),
            documented.join(", ")
        )];
    };
    let Some(schema) = media_spec.get("schema") else { return Vec::new() };
    if !response.is_json() {
        return Vec::new();
    }
    let body: Value = match serde_json::from_slice(&response.body) {
        Ok(body) => body,
        Err(error) => return vec![format!("{}: the body is not JSON: {error}", item.describe())],
    };
    validator.validate(schema, &body).into_iter().map(|violation| format!("{}: {violation}", item.describe())).collect()
}
