//! The guards of a person's path into training (issue 15, item 5): an acceptance takes one of
//! the session's funded places, and two acceptances of the last place at once cannot both win;
//! the providers' and régions' list leaves out a person whose processing is limited; the change
//! feed embeds the positioning; a partner acting under a mandate is journaled with the
//! organization it acts for.

use plateforme_model::organization::OrganizationKind::{FranceTravail, Partner, Region, TrainingProvider};
use serde_json::{Value, json};

use crate::co_accompaniment::WITH_DELEGATIONS;
use crate::counsellor::my_journal;
use crate::dossier::{DOSSIER_SCOPES, get_as, person, post_as, register_person};
use crate::helpers::{TestApp, assert_problem, header, json as body_of};
use crate::my_data::person_token;
use crate::training_positionings::{
    PROVIDER_SCOPES, feed_of, id_of, listed_ids, path_of, positioned, publish, send, setting, step, stepped, today,
};

crate::on_both_backends!(
    an_acceptance_is_refused_when_the_funded_places_are_all_given,
    of_acceptances_of_the_last_place_at_once_one_wins,
    the_lists_leave_out_a_person_whose_processing_is_limited,
    the_feed_embeds_the_positioning,
    a_partner_under_mandate_is_journaled_acting_for_its_mandator,
);

fn answer(decision: &str) -> Value {
    json!({"answer": {"decision": decision, "answered_on": today()}})
}

/// The session `OPEN` has one funded place (`nb-places-financees` 1).
async fn an_acceptance_is_refused_when_the_funded_places_are_all_given(app: TestApp) {
    let (ft, provider, catalogue, first_person) = setting(&app).await;
    let second_person = id_of(&register_person(&app, &ft, &person("Bernard", false)).await);
    let first = positioned(&app, &ft, &first_person, &catalogue.positioning("OPEN")).await;
    let second = positioned(&app, &ft, &second_person, &catalogue.positioning("OPEN")).await;
    let accepted = stepped(&app, &provider, &first, &answer("accepted")).await;
    let problem =
        assert_problem(step(&app, &provider, &second, &answer("accepted")).await, 409, "invalid_transition").await;
    assert_eq!(problem["errors"][0]["rule"], "positioning.session_full", "{problem}");
    assert_eq!(problem["errors"][0]["field"], "answer");
    let read = body_of(send(&app, &ft, reqwest::Method::GET, &path_of(&second), None).await).await;
    assert_eq!((read["version"].clone(), read["status"].clone()), (json!(1), json!("positioned")), "nothing written");
    // The waiting list takes no place; the first person's exit frees the place.
    let waiting = stepped(&app, &provider, &second, &answer("waiting_list")).await;
    let problem =
        assert_problem(step(&app, &provider, &waiting, &answer("accepted")).await, 409, "invalid_transition").await;
    assert_eq!(problem["errors"][0]["rule"], "positioning.session_full");
    let entered = stepped(&app, &provider, &accepted, &json!({"entry": {"entered_on": today()}})).await;
    stepped(&app, &provider, &entered, &json!({"exit": {"exited_on": today(), "outcome": "abandoned"}})).await;
    let now_accepted = stepped(&app, &provider, &waiting, &answer("accepted")).await;
    assert_eq!(now_accepted["status"], "accepted");
    // An unfunded session states no places: no bound.
    let unfunded = positioned(&app, &ft, &first_person, &catalogue.positioning("UNFUNDED")).await;
    let other = positioned(&app, &ft, &second_person, &catalogue.positioning("UNFUNDED")).await;
    stepped(&app, &provider, &unfunded, &answer("accepted")).await;
    stepped(&app, &provider, &other, &answer("accepted")).await;
}

/// Four persons on the session's one place, accepted at the same time: one acceptance wins,
/// the three others are refused with the rule, whichever backend serializes them.
async fn of_acceptances_of_the_last_place_at_once_one_wins(app: TestApp) {
    let (ft, provider, catalogue, first_person) = setting(&app).await;
    let mut positionings = vec![positioned(&app, &ft, &first_person, &catalogue.positioning("OPEN")).await];
    for name in ["Bernard", "Durand", "Moreau"] {
        let person_id = id_of(&register_person(&app, &ft, &person(name, false)).await);
        positionings.push(positioned(&app, &ft, &person_id, &catalogue.positioning("OPEN")).await);
    }
    let accept = answer("accepted");
    let answers = futures_util::future::join_all(
        positionings.iter().map(|positioning| step(&app, &provider, positioning, &accept)),
    )
    .await;
    let mut won = 0;
    for response in answers {
        match response.status().as_u16() {
            200 => won += 1,
            _ => {
                let problem = assert_problem(response, 409, "invalid_transition").await;
                assert_eq!(problem["errors"][0]["rule"], "positioning.session_full", "{problem}");
            }
        }
    }
    assert_eq!(won, 1, "one acceptance takes the one place");
    let accepted =
        body_of(send(&app, &provider, reqwest::Method::GET, "/v1/trainings/positionings?status=accepted", None).await)
            .await;
    assert_eq!(accepted["items"].as_array().map(Vec::len), Some(1), "{accepted}");
}

/// The providers' and régions' list leaves a limited dossier out, as the dossier's lists do;
/// its single read answers 423; lifting the limitation lists it again.
async fn the_lists_leave_out_a_person_whose_processing_is_limited(app: TestApp) {
    let (ft, provider, catalogue, limited_person) = setting(&app).await;
    let region = app.register(Region, &["training:read"]).await;
    let other_person = id_of(&register_person(&app, &ft, &person("Bernard", false)).await);
    let limited = positioned(&app, &ft, &limited_person, &catalogue.positioning("OPEN")).await;
    let other = positioned(&app, &ft, &other_person, &catalogue.positioning("OPEN")).await;
    let both = vec![id_of(&limited), id_of(&other)];
    assert_eq!(listed_ids(&app, &provider).await, both);
    assert_eq!(listed_ids(&app, &region).await, both);

    let person_path = format!("/v1/persons/{limited_person}");
    let etag = header(&get_as(&app, &ft, &person_path).await, "etag").expect("ETag");
    let limitation = app
        .client
        .put(app.url(&format!("{person_path}/limitation")))
        .bearer_auth(&ft.token)
        .header("if-match", etag)
        .send()
        .await
        .expect("PUT limitation");
    assert_eq!(limitation.status().as_u16(), 200, "limit the processing");
    let version = body_of(limitation).await["version"].clone();
    for client in [&provider, &region] {
        assert_eq!(listed_ids(&app, client).await, vec![id_of(&other)], "{}", client.client_id);
    }
    let waiting = body_of(
        send(&app, &provider, reqwest::Method::GET, "/v1/trainings/positionings?status=positioned", None).await,
    )
    .await;
    assert_eq!(waiting["items"].as_array().map(Vec::len), Some(1), "{waiting}");
    assert_eq!(waiting["items"][0]["person_id"], other_person.as_str());
    assert_problem(
        send(&app, &provider, reqwest::Method::GET, &path_of(&limited), None).await,
        423,
        "processing_limited",
    )
    .await;

    let lifted = app
        .client
        .delete(app.url(&format!("{person_path}/limitation")))
        .bearer_auth(&ft.token)
        .header("if-match", format!("\"{version}\""))
        .send()
        .await
        .expect("DELETE limitation");
    assert_eq!(lifted.status().as_u16(), 200, "lift the limitation");
    assert_eq!(listed_ids(&app, &provider).await, both);
}

/// `embed=resource` gives each positioning event the positioning as its read answers it, to
/// the person's follower and to the session's provider.
async fn the_feed_embeds_the_positioning(app: TestApp) {
    let (ft, provider, catalogue, person_id) = setting(&app).await;
    let created = positioned(&app, &ft, &person_id, &catalogue.positioning("OPEN")).await;
    stepped(&app, &provider, &created, &answer("accepted")).await;
    let accepted = body_of(send(&app, &ft, reqwest::Method::GET, &path_of(&created), None).await).await;
    assert_eq!(accepted["status"], "accepted");
    for client in [&ft, &provider] {
        // The feed serves a transaction once every one before it ended: read again until both
        // events show, for a few seconds.
        let mut events = Vec::new();
        for _ in 0..40 {
            let response = app
                .client
                .get(app.url("/v1/changes?limit=1000&embed=resource"))
                .bearer_auth(&client.token)
                .send()
                .await
                .expect("feed");
            assert_eq!(response.status().as_u16(), 200, "feed");
            events = body_of(response).await["events"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|event| event["type"].as_str().is_some_and(|kind| kind.contains("training_positioning")))
                .collect();
            if events.len() >= 2 {
                break;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        assert_eq!(events.len(), 2, "{} receives both events", client.client_id);
        for event in &events {
            // The current representation, whichever version the event announced.
            assert_eq!(event["data"]["resource"], accepted, "{}: {event:#}", client.client_id);
        }
    }
    // Without embed, no resource.
    let plain = feed_of(&app, &provider).await;
    assert!(plain.iter().all(|event| event["data"].get("resource").is_none_or(Value::is_null)), "{plain:?}");
}

/// A partner registers a person under France Travail's accompaniment mandate, positions them and
/// reads the positioning: the person's journal names France Travail as whom it acted for; the
/// provider's answer acts for no one.
async fn a_partner_under_mandate_is_journaled_acting_for_its_mandator(app: TestApp) {
    let ft = app.register(FranceTravail, WITH_DELEGATIONS).await;
    let provider = app.register(TrainingProvider, PROVIDER_SCOPES).await;
    let catalogue = publish(&app, &provider, "POS-M").await;
    let partner = app.register(Partner, DOSSIER_SCOPES).await;
    let mandate = json!({"kind": "accompaniment", "to_organization_id": partner.organization_id, "since": today()});
    assert_eq!(post_as(&app, &ft, "/v1/delegations", &mandate).await.status().as_u16(), 201, "mandate");
    let registered = register_person(&app, &partner, &person("Mandat", false)).await;
    assert_eq!(registered["registration"]["on_behalf_of"], ft.organization_id.to_string());
    let person_id = id_of(&registered);
    let created = positioned(&app, &partner, &person_id, &catalogue.positioning("OPEN")).await;
    assert_eq!(send(&app, &partner, reqwest::Method::GET, &path_of(&created), None).await.status().as_u16(), 200);
    let listed = send(&app, &partner, reqwest::Method::GET, &format!("/v1/persons/{person_id}/trainings"), None).await;
    assert_eq!(listed.status().as_u16(), 200);
    stepped(&app, &provider, &created, &answer("accepted")).await;

    let token = person_token(&app, &ft, &person_id).await;
    let entries = my_journal(&app, &token).await;
    let training = |organization: uuid::Uuid| -> Vec<&Value> {
        entries
            .iter()
            .filter(|entry| entry["section"] == "training" && entry["organization_id"] == organization.to_string())
            .collect()
    };
    let by_partner = training(partner.organization_id);
    let actions: Vec<&str> = by_partner.iter().filter_map(|entry| entry["action"].as_str()).collect();
    assert_eq!(actions.iter().filter(|action| **action == "write").count(), 1, "{by_partner:?}");
    assert_eq!(actions.iter().filter(|action| **action == "read").count(), 2, "{by_partner:?}");
    for entry in &by_partner {
        assert_eq!(entry["acting_for"], ft.organization_id.to_string(), "{entry}");
    }
    let by_provider = training(provider.organization_id);
    assert_eq!(by_provider.len(), 1, "the provider's answer: {entries:?}");
    assert_eq!(by_provider[0]["acting_for"], Value::Null);
}
