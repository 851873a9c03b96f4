//! The profile bank's search (issue 14): a recruiter with `profiles:read` finds profiles that
//! carry only the allow-listed members (a pseudonym and the job-related fields, never an
//! identity); a protected criterion is refused with its rule; no token is 401, a token without
//! `profiles:read` 403 naming it. Contact requests are checked without sending any (a real
//! person would receive it): a malformed pseudonym and an empty request are refused with their
//! rules before anything is written, and another organization's request, or one that does not
//! exist, is 404; the organization's own list shows contact details only in accepted requests.

use plateforme_client::Client;
use plateforme_model::contact_request::ContactRequestStatus;
use serde_json::{Value, json};

use super::{Verdict, expect_error, expect_problem, step};
use crate::report::Report;
use crate::suite::{Actor, Suite};

const SCOPE: &str = "profiles:read";

const NAMES: &[&str] = &[
    "profiles.search",
    "profiles.protected_criterion",
    "profiles.missing_scope",
    "profiles.contact.malformed",
    "profiles.contact.unknown_request",
    "profiles.contact.list",
];

/// The members a recruiter's view may have (`RecruiterProfile` in the contract).
const ALLOWED: &[&str] = &[
    "pseudonym",
    "target_jobs",
    "skills",
    "qualification_level",
    "certifications",
    "languages",
    "driving_licences",
    "departement",
    "distance_km",
    "mobility_radius_km",
    "contract_types",
    "working_time",
    "available_from",
    "remote_work",
    "disability_recognition",
];

pub async fn run(suite: &Suite, report: &mut Report) {
    report.record("profiles.no_token", no_token(suite.anonymous()).await);
    let Some(recruiter) = suite.actors().iter().find(|actor| actor.token.is_some() && actor.has_scope(SCOPE)) else {
        for name in NAMES {
            report.skip(*name, "no client with profiles:read given");
        }
        return;
    };
    report.record("profiles.search", search(&recruiter.client).await);
    report.record("profiles.protected_criterion", protected_criterion(&recruiter.client).await);
    report.record("profiles.missing_scope", missing_scope(suite, recruiter).await);
    report.record("profiles.contact.malformed", malformed_contact_requests(&recruiter.client).await);
    report.record("profiles.contact.unknown_request", unknown_contact_request(&recruiter.client).await);
    report.record("profiles.contact.list", own_contact_requests(&recruiter.client).await);
}

/// The organization's own requests, read without sending any: each under a `pf_…` pseudonym,
/// with contact details only when accepted; an unknown `status` is 400 `invalid_query`.
async fn own_contact_requests(client: &Client) -> Verdict {
    let page = step("contact_requests", client.contact_requests(None).next_page().await)?;
    for request in page.map(|page| page.items).unwrap_or_default() {
        if !request.pseudonym.starts_with("pf_") {
            return Err(format!("request {} is listed under {:?}, not a pseudonym", request.id, request.pseudonym));
        }
        if request.contact.is_some() && request.status != ContactRequestStatus::Accepted {
            return Err(format!("request {} shows contact details while {:?}", request.id, request.status));
        }
    }
    let unknown = step("list_contact_requests", client.get("/v1/contact-requests?status=sent").send().await)?;
    expect_problem(&unknown, 400, "invalid_query").map(drop)
}

/// A malformed pseudonym is 422 `pseudonym.format`; a request with neither offer nor message
/// 422 `contact_request.empty`. Both are refused before anything is written.
async fn malformed_contact_requests(client: &Client) -> Verdict {
    let cases = [
        (json!({"pseudonym": "pf_not-a-pseudonym", "message": "Bonjour"}), "pseudonym.format"),
        (json!({"pseudonym": format!("pf_{}", "0".repeat(32))}), "contact_request.empty"),
    ];
    for (body, rule) in cases {
        let response = step("send_contact_request", client.post("/v1/contact-requests").json(&body).send().await)?;
        let problem = expect_problem(&response, 422, "validation_failed")?;
        if !problem.errors.iter().any(|error| error.rule == rule) {
            return Err(format!("{body}: expected the rule {rule}, got {:?}", problem.errors));
        }
    }
    Ok(())
}

/// A contact request that is not the caller's organization's, here one that does not exist, is
/// 404: a recruiter cannot read or guess another's.
async fn unknown_contact_request(client: &Client) -> Verdict {
    let id = uuid::Uuid::now_v7();
    expect_error(client.get_contact_request(id).await, 404, "not_found").map(drop)
}

/// Every profile answered has a pseudonym and only allow-listed members. A server with no
/// profile answers an empty page, which passes: the demo server has some.
async fn search(client: &Client) -> Verdict {
    let page = step("search_profiles", client.search_profiles(&[("limit".to_owned(), "50".to_owned())]).await)?;
    let items = page["items"].as_array().ok_or_else(|| format!("no items array in {page}"))?;
    for item in items {
        allow_listed(item)?;
    }
    Ok(())
}

fn allow_listed(item: &Value) -> Verdict {
    let members = item.as_object().ok_or_else(|| format!("a profile is not an object: {item}"))?;
    if let Some(extra) = members.keys().find(|member| !ALLOWED.contains(&member.as_str())) {
        return Err(format!("a profile has the member {extra:?}, outside the recruiter's allow-list"));
    }
    match item["pseudonym"].as_str() {
        Some(pseudonym) if pseudonym.starts_with("pf_") => Ok(()),
        other => Err(format!("a profile's pseudonym is {other:?}, expected pf_…")),
    }
}

/// `birth_year` is a protected criterion: 400 `invalid_query`, rule `criterion.protected`, the
/// parameter named.
async fn protected_criterion(client: &Client) -> Verdict {
    let pairs = [("rome".to_owned(), "D1102".to_owned()), ("birth_year".to_owned(), "1990".to_owned())];
    let problem = expect_error(client.search_profiles(&pairs).await, 400, "invalid_query")?;
    if problem.errors.iter().any(|error| error.field == "birth_year" && error.rule == "criterion.protected") {
        return Ok(());
    }
    Err(format!("expected birth_year with the rule criterion.protected, got {:?}", problem.errors))
}

async fn no_token(anonymous: &Client) -> Verdict {
    let response = step("search", anonymous.get("/v1/profiles").anonymous().send().await)?;
    expect_problem(&response, 401, "unauthorized").map(drop)
}

/// The recruiter's own client with a token narrowed to `organizations:read`: 403 naming the scope.
async fn missing_scope(suite: &Suite, recruiter: &Actor) -> Verdict {
    let narrowed = suite.narrowed(recruiter, &["organizations:read"])?;
    let response = step("search", narrowed.get("/v1/profiles").send().await)?;
    let problem = expect_problem(&response, 403, "forbidden")?;
    if problem.detail.contains(SCOPE) {
        return Ok(());
    }
    Err(format!("the 403's detail does not name {SCOPE}: {}", problem.detail))
}
