//! Lenient parsing refused (issue 20, defect 6): a cursor the deployment did not sign is a 400,
//! never a first page; a date is only `YYYY-MM-DD`. Reads only: nothing is created.

use plateforme_client::OrganizationKind;
use plateforme_client::{Client, RawResponse};
use serde_json::json;

use super::Verdict;
use super::problems::expect_rule;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

/// Cursors no deployment signed: base64url of `k1:` and of `k1:0` (unsigned keyset cursors,
/// the first once read as the first page), and offset cursors in the old clear form.
const FORGED_KEYSET: [&str; 2] = ["azE6", "azE6MA"];
const FORGED_OFFSET: [&str; 2] = ["o+5", "o5"];
/// Dates chrono alone would read.
const LENIENT_DATES: [&str; 2] = ["2026-1-1", "+002026-01-01"];

pub async fn run(suite: &Suite, report: &mut Report) {
    let anonymous = suite.anonymous();
    match suite.reader() {
        Some(reader) => report.record("cursor.forged", forged_cursors(&reader.client, anonymous).await),
        None => report.skip("cursor.forged", "no client with organizations:read given"),
    }
    report.record("date.lenient", lenient_search_dates(anonymous).await);
    match suite.actor(Kind::Of(OrganizationKind::FranceTravail)) {
        Some(france_travail) => {
            report.record("date.lenient.birth_date", lenient_birth_date(&france_travail.client).await)
        }
        None => super::skip_all(suite, report, &["date.lenient.birth_date"], Kind::Of(OrganizationKind::FranceTravail)),
    }
}

async fn send(request: plateforme_client::RequestBuilder<'_>) -> Result<RawResponse, String> {
    request.send().await.map_err(|error| error.to_string())
}

async fn forged_cursors(reader: &Client, anonymous: &Client) -> Verdict {
    for forged in FORGED_KEYSET {
        let response = send(reader.get("/v1/organizations").query("cursor", forged)).await?;
        expect_rule(&response, 400, "invalid_query", "cursor", "cursor.invalid")?;
    }
    for forged in FORGED_OFFSET {
        let response = send(anonymous.get("/v1/offers").anonymous().query("cursor", forged)).await?;
        expect_rule(&response, 400, "invalid_query", "cursor", "cursor.invalid")?;
    }
    Ok(())
}

async fn lenient_search_dates(anonymous: &Client) -> Verdict {
    for lenient in LENIENT_DATES {
        let response = send(anonymous.get("/v1/offers").anonymous().query("published_since", lenient)).await?;
        expect_rule(&response, 400, "invalid_query", "published_since", "date.format")?;
    }
    Ok(())
}

async fn lenient_birth_date(client: &Client) -> Verdict {
    for lenient in ["1990-1-1", "+001990-01-01"] {
        let probe = json!({"family_name": "CONFORMANCE", "given_names": "Lea", "birth_date": lenient});
        let response = send(client.post("/v1/persons/match").json(&probe)).await?;
        expect_rule(&response, 422, "validation_failed", "birth_date", "date.format")?;
    }
    Ok(())
}
