//! The profile bank's retention (issue 14, item 5), with an injected clock: a profile untouched
//! for 23 months is warned once (a new version, an event on the change feed), purged at 24 with
//! its contact requests; a profile touched since is neither. The profile's events reach the
//! change feed of whoever follows the person, never a recruiter's.

use std::time::Duration;

use chrono::{DateTime, Months, Utc};
use plateforme_model::organization::OrganizationKind::*;
use plateforme_store::profiles::retention::{self, Applied};
use serde_json::json;

use crate::change_feed::settle;
use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, assert_problem, json};
use crate::on_both_backends;
use crate::profiles::{person_with_profile, profile};

on_both_backends!(
    an_untouched_profile_is_warned_at_23_months_and_purged_at_24,
    profile_events_reach_the_counsellor_never_a_recruiter,
);

async fn apply(app: &TestApp, now: DateTime<Utc>) -> Applied {
    app.store.run(move |conn| retention::apply(conn, now)).await.expect("the retention job")
}

async fn an_untouched_profile_is_warned_at_23_months_and_purged_at_24(app: TestApp) {
    let employer = app.register(Employer, &["profiles:read"]).await;
    let (ml, old) = person_with_profile(&app, "Ancienne").await;
    // A pending contact request on the old profile, purged with it.
    let mut pseudonym = None;
    for _ in 0..100 {
        let found = app.client.get(app.url("/v1/profiles")).bearer_auth(&employer.token).send().await;
        pseudonym = json(found.expect("GET")).await["items"][0]["pseudonym"].as_str().map(str::to_owned);
        if pseudonym.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = json!({"pseudonym": pseudonym.expect("found"), "message": "Bonjour"});
    let sent = app.client.post(app.url("/v1/contact-requests")).bearer_auth(&employer.token).json(&body).send().await;
    let request = json(sent.expect("POST")).await["id"].as_str().expect("id").to_owned();

    let (other_ml, touched) = person_with_profile(&app, "Recente").await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let clock = Utc::now();
    tokio::time::sleep(Duration::from_millis(50)).await;
    // Touched after `clock`: its two years run from then.
    let mut edited = profile();
    edited["skills"] = json!(["SQL"]);
    let path = format!("/v1/persons/{touched}/profile");
    assert_eq!(app.put_as(&other_ml.token, &path, Some("\"1\""), &edited).await.status().as_u16(), 200);

    let at = |months: u32| clock.checked_add_months(Months::new(months)).expect("a date");
    assert_eq!(apply(&app, at(22)).await, Applied::default(), "nothing before 23 months");
    assert_eq!(apply(&app, at(23)).await, Applied { warned: 1, purged: 0 }, "the untouched one is warned");
    assert_eq!(apply(&app, at(23)).await, Applied::default(), "not warned twice");
    let warned = app.client.get(app.url(&format!("/v1/persons/{old}/profile"))).bearer_auth(&ml.token).send().await;
    assert_eq!(json(warned.expect("GET")).await["version"], 2, "the warning is a version of the profile");
    let scheduled = app
        .store
        .run({
            let old = old.parse().expect("uuid");
            move |conn| {
                let page = plateforme_store::pagination::PageRequest::first(10);
                plateforme_store::history::list(conn, "profile", old, &page, false)
            }
        })
        .await;
    let scheduled = format!("{scheduled:?}");
    assert!(scheduled.contains("purge_scheduled_on"), "{scheduled}");
    let warned_at = app
        .store
        .run({
            let old = old.parse().expect("uuid");
            move |conn| plateforme_store::profiles::retention::warned_at(conn, old)
        })
        .await;
    let warned_at = warned_at.expect("read").expect("warned");
    assert!((warned_at - at(23)).num_seconds().abs() < 1, "stamped with the job's clock: {warned_at}");

    let purged = apply(&app, at(24)).await;
    assert_eq!(purged.purged, 1, "the untouched one is purged, the touched one kept");
    let gone = app.client.get(app.url(&format!("/v1/persons/{old}/profile"))).bearer_auth(&ml.token).send().await;
    assert_problem(gone.expect("GET"), 404, "not_found").await;
    let read = app.client.get(app.url(&format!("/v1/contact-requests/{request}"))).bearer_auth(&employer.token).send();
    assert_problem(read.await.expect("GET"), 404, "not_found").await;
    let kept = app.client.get(app.url(&path)).bearer_auth(&other_ml.token).send().await.expect("GET");
    assert_eq!(kept.status().as_u16(), 200, "touched: kept");
    assert_eq!(apply(&app, at(24)).await.purged, 0, "applying it again is harmless");
}

async fn profile_events_reach_the_counsellor_never_a_recruiter(app: TestApp) {
    let scopes: Vec<&str> = DOSSIER_SCOPES.iter().copied().chain(["changes:read"]).collect();
    let ml = app.register(MissionLocale, &scopes).await;
    let employer = app.register(Employer, &["profiles:read", "changes:read"]).await;
    let id = register_person(&app, &ml, &person("Suivie", false)).await["id"].as_str().expect("id").to_owned();
    let consent = post_as(&app, &ml, &format!("/v1/persons/{id}/consents"), &json!({"kind": "profile_bank"})).await;
    assert_eq!(consent.status().as_u16(), 201);
    assert_eq!(
        app.put_as(&ml.token, &format!("/v1/persons/{id}/profile"), None, &profile()).await.status().as_u16(),
        201
    );
    settle(&app).await;

    let types = "types=fr.plateforme.profile.created&embed=resource&limit=100";
    let followed = json(get_as(&app, &ml, &format!("/v1/changes?{types}")).await).await;
    let events = followed["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{followed}");
    assert_eq!(events[0]["subject"], id.as_str());
    assert_eq!(events[0]["data"]["resource"]["skills"], json!(["Développement web", "SQL"]), "{followed}");
    let recruiter = get_as(&app, &employer, "/v1/changes?limit=100").await;
    let recruiter = json(recruiter).await.to_string();
    assert!(!recruiter.contains("fr.plateforme.profile.") && !recruiter.contains(&id), "{recruiter}");
}
