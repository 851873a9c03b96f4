//! The checks, one module per concern. Each `run` records its results in the report; a check
//! that needs a kind of client not given is recorded as skipped.

pub mod access;
pub mod changes;
pub mod discovery;
pub mod dossier;
// Inbound sync.
pub mod exports;
pub mod inbound;
pub mod journal;
pub mod me;
pub mod offers;
pub mod organizations;
pub mod pagination;
pub mod persons;
pub mod problems;
pub mod rate_limits;
pub mod responses;
pub mod roles;
pub mod strict_parsing;
pub mod tokens;
// Webhooks (issue 12, item 3).
pub mod webhooks;
// The training catalogue (issue 15).
pub mod training;
// Indicators (issue 16).
pub mod indicators;
// The profile bank (issue 14).
pub mod profiles;

use plateforme_client::{ClientError, Problem, RawResponse};

use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

/// A check's verdict: `Err` says precisely what was wrong.
pub type Verdict = Result<(), String>;

/// Records every name as skipped for want of a `kind` client.
pub(crate) fn skip_all(suite: &Suite, report: &mut Report, names: &[&str], kind: Kind) {
    for name in names {
        report.skip(*name, suite.missing(kind));
    }
}

/// Passes when `response` has `status`.
pub(crate) fn expect_status(response: &RawResponse, status: u16) -> Verdict {
    if response.status == status {
        return Ok(());
    }
    Err(format!("{} answered {}, expected {status}{}", response.context(), response.status, describe(response)))
}

/// The problem `response` must be: `status`, `application/problem+json`, `code`.
pub(crate) fn expect_problem(response: &RawResponse, status: u16, code: &str) -> Result<Problem, String> {
    let context = response.context();
    if response.status != status {
        return Err(format!("{context} answered {}, expected {status} {code}{}", response.status, describe(response)));
    }
    let media = response.media_type().unwrap_or_else(|| "no content type".to_owned());
    if media != "application/problem+json" {
        return Err(format!("{context} answered {status} with {media}, expected application/problem+json"));
    }
    let problem: Problem = response.json().map_err(|error| error.to_string())?;
    if problem.code != code {
        return Err(format!(
            "{context} answered the problem {:?} ({}), expected {code:?}",
            problem.code, problem.detail
        ));
    }
    Ok(problem)
}

/// The problem a typed call must have failed with.
pub(crate) fn expect_error<T>(result: Result<T, ClientError>, status: u16, code: &str) -> Result<Problem, String> {
    match result {
        Ok(_) => Err(format!("succeeded, expected {status} {code}")),
        Err(ClientError::Problem(problem)) if problem.status == status && problem.code == code => Ok(*problem),
        Err(error) => Err(format!("expected {status} {code}, got: {error}")),
    }
}

/// A short account of an unexpected answer: its problem code, or the start of its body.
pub(crate) fn describe(response: &RawResponse) -> String {
    match response.problem() {
        Some(problem) => format!(" ({}: {})", problem.code, problem.detail),
        None if response.body.is_empty() => String::new(),
        None => format!(" ({})", response.excerpt()),
    }
}

/// Turns a client error into a check failure naming the step.
pub(crate) fn step<T>(what: &str, result: Result<T, ClientError>) -> Result<T, String> {
    result.map_err(|error| format!("{what}: {error}"))
}
