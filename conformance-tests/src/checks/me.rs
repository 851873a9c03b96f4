//! The person's own access: France Travail issues a one-time code for the run's person, the
//! person's application exchanges it for a token of scope `me`, and that token reads everything
//! held about the person (`/v1/me`) and exports it as one file (`/v1/me/export`); a client's
//! token reaches neither.

use plateforme_client::{Client, OrganizationKind};
use uuid::Uuid;

use super::{Verdict, step};
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

pub async fn run(suite: &Suite, person: Option<Uuid>, report: &mut Report) {
    match (suite.actor(Kind::Of(OrganizationKind::FranceTravail)), person) {
        (Some(france_travail), Some(person)) => {
            report.record("me.export", export(&france_travail.client, person).await)
        }
        (None, _) => report.skip("me.export", suite.missing(Kind::Of(OrganizationKind::FranceTravail))),
        (_, None) => report.skip("me.export", "needs persons.create"),
    }
}

async fn export(france_travail: &Client, person: Uuid) -> Verdict {
    let code = step("issue an access code", france_travail.issue_access_code(person).await)?;
    let code = code["code"].as_str().ok_or_else(|| format!("no code in {code}"))?;
    let token = step("exchange the code", france_travail.person_token(code).await)?;
    let data = step("GET /v1/me", france_travail.my_data(&token).await)?;
    if data["dossier"]["id"] != person.to_string() {
        return Err(format!("/v1/me holds another dossier: {}", data["dossier"]["id"]));
    }
    let export = step("GET /v1/me/export", france_travail.export_my_data(&token).await)?;
    let name = export.file_name.unwrap_or_default();
    if !(name.starts_with(&format!("plateforme-{person}-")) && name.ends_with(".json")) {
        return Err(format!("the export is not named plateforme-{person}-<date>.json but {name:?}"));
    }
    let file: serde_json::Value =
        serde_json::from_slice(&export.bytes).map_err(|error| format!("the export is not JSON: {error}"))?;
    if file["dossier"] != data["dossier"] {
        return Err("the export's dossier differs from /v1/me's".to_owned());
    }
    let client_token = step("the client's token", france_travail.access_token().await)?;
    match france_travail.my_data(client_token.secret()).await {
        Err(error) if error.status() == Some(403) => Ok(()),
        other => Err(format!("a client's token on /v1/me answered {other:?}, not 403")),
    }
}
