//! The profile bank (issue 14): the `profiles-search` scenario's data. Before it runs, one
//! person of the database in [`SHARE`] gets a `profile_bank` consent and a profile through the API, as their
//! counsellor would write them (France Travail's token); the scenario then searches them with
//! `GET /v1/profiles` by ROME code around a populous commune, the jobs and communes drawn as the
//! offers' searches draw theirs.

use std::net::SocketAddr;
use std::sync::Arc;

use plateforme_dataset::rng::Rng;

use crate::http::Connection;
use crate::offers::OfferData;

/// One person of the database in this many gets a profile.
pub const SHARE: usize = 5;

/// Concurrent writers of the profiles.
const WRITERS: usize = 16;

/// Profiles a writer writes with one token (a few seconds' work, well within its lifetime).
const TOKEN_EVERY: u64 = 1_000;

/// Writes the consents and profiles of `person_ids`; answers how many profiles exist afterwards
/// (written now or by an earlier run on the same database).
pub async fn seed(address: SocketAddr, person_ids: &[String], data: &Arc<OfferData>) -> Result<u64, String> {
    let chunk = person_ids.len().div_ceil(WRITERS).max(1);
    let mut writers = Vec::new();
    for (writer, persons) in person_ids.chunks(chunk).enumerate() {
        let (persons, data) = (persons.to_vec(), data.clone());
        writers.push(tokio::spawn(async move {
            let mut random = Rng::new(writer as u64, "profiles");
            let mut connection = Connection::open(address).await.map_err(|error| error.to_string())?;
            let mut authorization = String::new();
            let mut written = 0_u64;
            for person in persons {
                // At full size the seeding outlasts a token: each writer takes a fresh one often.
                if written.is_multiple_of(TOKEN_EVERY) {
                    let token = crate::token(address).await.map_err(|error| error.to_string())?;
                    authorization = format!("Bearer {token}");
                }
                write_one(&mut connection, &authorization, &person, &data, &mut random).await?;
                written += 1;
            }
            Ok::<u64, String>(written)
        }));
    }
    let mut written = 0;
    for writer in writers {
        written += writer.await.map_err(|error| error.to_string())??;
    }
    Ok(written)
}

/// The consent (201, or 409 when an earlier run gave it) then the first profile (201, or 428
/// when an earlier run wrote it: a replacement needs If-Match, and the profile stands).
async fn write_one(
    connection: &mut Connection,
    authorization: &str,
    person: &str,
    data: &OfferData,
    random: &mut Rng,
) -> Result<(), String> {
    let headers = [("Authorization", authorization), ("Content-Type", "application/json")];
    let consent = connection
        .send("POST", &format!("/v1/persons/{person}/consents"), &headers, br#"{"kind":"profile_bank"}"#)
        .await
        .map_err(|error| error.to_string())?;
    if ![201, 409].contains(&consent.status) {
        return Err(format!("consent of {person}: {} {}", consent.status, String::from_utf8_lossy(&consent.body)));
    }
    let body = profile_body(data, random);
    let profile = connection
        .send("PUT", &format!("/v1/persons/{person}/profile"), &headers, body.as_bytes())
        .await
        .map_err(|error| error.to_string())?;
    if ![201, 428].contains(&profile.status) {
        return Err(format!("profile of {person}: {} {}", profile.status, String::from_utf8_lossy(&profile.body)));
    }
    Ok(())
}

/// A profile seeking one or two jobs drawn as the offers' are, living in a populous commune.
fn profile_body(data: &OfferData, random: &mut Rng) -> String {
    let first = data.job_code(random);
    let mut jobs = vec![serde_json::json!({"rome": first, "experience_years": random.below(15)})];
    let second = data.job_code(random);
    if random.below(2) == 0 && second != first {
        jobs.push(serde_json::json!({"rome": second, "experience_years": random.below(5)}));
    }
    let contract = ["cdi", "cdd", "interim"][random.below(3) as usize];
    serde_json::json!({
        "target_jobs": jobs,
        "skills": ["Travail en équipe", "Accueil"],
        "languages": ["fr"],
        "commune": data.centre(random).code,
        "mobility_radius_km": 10 + random.below(40),
        "contract_types": [contract],
        "working_time": "any",
        "remote_work": "none"
    })
    .to_string()
}

/// A search of the mix: a ROME code around a populous commune (30 km), one in three with a
/// contract type too.
pub fn search_path(data: &OfferData, random: &mut Rng) -> String {
    let rome = data.job_code(random);
    let commune = &data.centre(random).code;
    let contract = ["", "", "&contract_type=cdi"][random.below(3) as usize];
    format!("/v1/profiles?rome={rome}&near_commune={commune}&radius_km=30{contract}")
}
