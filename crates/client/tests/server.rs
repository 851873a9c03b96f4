//! The client against the real server, in-process: tokens, versions, pages, idempotency and
//! problems as a partner's code sees them.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use plateforme_client::{
    ClientError, Conditional, ETag, JournalFilter, Method, NewOrganization, OrganizationFilter, OrganizationKind,
    Territory,
};
use plateforme_model::contact_request::{ContactAcceptance, ContactRequestStatus, NewContactRequest};
use plateforme_server::config::Config;
use serde_json::{Value, json};
use uuid::Uuid;

use support::{Recorder, TestServer, id_of, organization_id, siret};

fn region(n: u64) -> NewOrganization {
    NewOrganization {
        kind: OrganizationKind::Region,
        name: format!("Région de test n°{n}"),
        siret: siret(n),
        territory: Territory { regions: vec!["84".into()], ..Territory::default() },
    }
}

#[actix_web::test]
async fn one_token_serves_many_calls() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let client = server.client("mission-locale", &recorder);

    let page = client.list_organizations(&OrganizationFilter::default(), None).await.expect("list");
    let first = page.items.first().expect("the demo organizations").id;
    client.get_organization(first).await.expect("get");
    let clone = client.clone();
    clone.list_organizations(&OrganizationFilter { limit: Some(1), ..Default::default() }, None).await.expect("list");

    assert_eq!(recorder.token_requests(), 1, "the token endpoint was called once");
    assert_eq!(client.token_requests(), 1);
    let token = client.access_token().await.expect("token");
    assert!(token.has_scope("organizations:read"), "{:?}", token.response());
    assert_eq!(token.unverified_claims().expect("a JWT")["client_id"], "demo-mission-locale");
    assert_eq!(recorder.token_requests(), 1, "still the same token");
}

#[actix_web::test]
async fn a_token_about_to_expire_is_renewed() {
    let server = TestServer::start(Config { token_lifetime_secs: 60, ..Config::default() }).await;
    let recorder = Recorder::new();
    // A margin of 57 s makes a 60 s token due for renewal after 3 s.
    let config = server.config("mission-locale").with_refresh_margin(Duration::from_secs(57));
    let client = plateforme_client::Client::with_observer(config, recorder.clone()).expect("client");

    let filter = OrganizationFilter::default();
    client.list_organizations(&filter, None).await.expect("list");
    client.list_organizations(&filter, None).await.expect("list");
    assert_eq!(recorder.token_requests(), 1);
    let first = client.access_token().await.expect("token");
    assert_eq!(first.response().expires_in, 60);

    actix_web::rt::time::sleep(Duration::from_millis(3_500)).await;
    client.list_organizations(&filter, None).await.expect("list");
    assert_eq!(recorder.token_requests(), 2, "renewed before it expired");
    assert_ne!(client.access_token().await.expect("token").secret(), first.secret());
}

#[actix_web::test]
async fn a_pager_reads_every_page_once_even_as_records_are_added() {
    let server = TestServer::start(Config::default()).await;
    let admin = server.client("admin", &Recorder::new());
    for n in 0..4 {
        admin.create_organization(&region(n), None).await.expect("create");
    }
    let filter = OrganizationFilter { kind: Some(OrganizationKind::Region), limit: Some(2) };
    let mut pager = admin.organizations(&filter);
    let mut seen = Vec::new();
    while let Some(page) = pager.next_page().await.expect("page") {
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|organization| organization.id));
        if pager.pages_read() == 1 {
            admin.create_organization(&region(99), None).await.expect("create while paging");
        }
    }
    assert_eq!(seen.len(), 6, "the demo région, four, and the one added meanwhile");
    assert_eq!(pager.pages_read(), 3);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), seen.len(), "none twice");
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "creation order");

    let all = admin.organizations(&filter).all().await.expect("all");
    assert_eq!(all.iter().map(|organization| organization.id).collect::<Vec<_>>(), seen);
}

#[actix_web::test]
async fn a_stale_if_match_is_a_typed_412_with_the_current_version() {
    let server = TestServer::start(Config::default()).await;
    let admin = server.client("admin", &Recorder::new());
    let created = admin.create_organization(&region(1), None).await.expect("create");
    assert_eq!(created.etag, ETag::for_version(1));
    let id = created.value.id;

    let renamed = admin.update_organization(id, &json!({"name": "Région renommée"}), &created.etag).await;
    let renamed = renamed.expect("update with the current ETag");
    assert_eq!((renamed.etag.version(), renamed.value.name.as_str()), (Some(2), "Région renommée"));

    let stale = admin.update_organization(id, &json!({"name": "Trop tard"}), &created.etag).await;
    let Err(ClientError::Problem(problem)) = stale else { panic!("expected a problem, got {stale:?}") };
    assert_eq!((problem.status, problem.code.as_str()), (412, "precondition_failed"));
    assert_eq!(problem.current_version, Some(2));
    assert_eq!(problem.r#type, "/problems/precondition_failed");

    let unconditional = admin.patch(format!("/v1/organizations/{id}")).merge_patch(&json!({"name": "X"})).send();
    let unconditional = unconditional.await.expect("answer");
    assert_eq!(unconditional.problem().map(|problem| problem.code), Some("precondition_required".to_owned()));
}

#[actix_web::test]
async fn if_none_match_answers_not_modified_until_the_resource_changes() {
    let server = TestServer::start(Config::default()).await;
    let admin = server.client("admin", &Recorder::new());
    let created = admin.create_organization(&region(1), None).await.expect("create");
    let id = created.value.id;

    let held = admin.get_organization(id).await.expect("get");
    let unchanged = admin.get_organization_if_none_match(id, &held.etag).await.expect("conditional get");
    assert_eq!(unchanged, Conditional::NotModified { etag: Some(held.etag.clone()) });

    admin.update_organization(id, &json!({"name": "Région changée"}), &held.etag).await.expect("update");
    match admin.get_organization_if_none_match(id, &held.etag).await.expect("conditional get") {
        Conditional::Modified(current) => assert_eq!(current.value.name, "Région changée"),
        Conditional::NotModified { .. } => panic!("the organization changed"),
    }
}

#[actix_web::test]
async fn a_creation_retried_with_its_idempotency_key_is_replayed() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let admin = server.client("admin", &recorder);
    let key = Uuid::now_v7().to_string();

    let first = admin.create_organization(&region(1), Some(&key)).await.expect("create");
    let again = admin.create_organization(&region(1), Some(&key)).await.expect("replay");
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.value, first.value);
    assert_eq!(again.location, first.location);

    let other = admin.create_organization(&region(2), Some(&key)).await;
    assert_eq!(other.as_ref().err().and_then(ClientError::code), Some("idempotency_key_reused"), "{other:?}");
    let filter = OrganizationFilter { kind: Some(OrganizationKind::Region), limit: None };
    assert_eq!(admin.organizations(&filter).all().await.expect("all").len(), 2, "the demo région and one more");
}

#[actix_web::test]
async fn a_422_is_decoded_with_the_rules_broken() {
    let server = TestServer::start(Config::default()).await;
    let admin = server.client("admin", &Recorder::new());
    let mut bad = region(1);
    bad.siret = "73282932000075".into();
    let refused = admin.create_organization(&bad, None).await;
    let Err(ClientError::Problem(problem)) = refused else { panic!("expected a problem, got {refused:?}") };
    assert_eq!((problem.status, problem.code.as_str()), (422, "validation_failed"));
    assert!(problem.breaks("siret", "siret.luhn"), "{problem}");
    assert!(problem.request_id.is_some() && !problem.title.is_empty() && !problem.detail.is_empty());
    assert_eq!(problem.instance.as_deref(), Some("/v1/organizations"));
}

#[actix_web::test]
async fn token_refusals_are_typed() {
    let server = TestServer::start(Config::default()).await;
    let wrong = plateforme_client::ClientConfig::new(&server.base_url, "demo-mission-locale", "wrong");
    let client = plateforme_client::Client::new(wrong).expect("client");
    match client.list_organizations(&OrganizationFilter::default(), None).await {
        Err(ClientError::Token { error, description }) => {
            assert_eq!(error, "invalid_client");
            assert!(description.is_some_and(|description| !description.is_empty()));
        }
        other => panic!("expected a token error, got {other:?}"),
    }

    let narrowed = server.config("france-travail").with_scopes(["organizations:read", "offers:write"]);
    let client = plateforme_client::Client::new(narrowed).expect("client");
    let token = client.access_token().await.expect("token");
    let granted: HashSet<&str> = token.scopes().collect();
    assert_eq!(granted, HashSet::from(["organizations:read", "offers:write"]));
    let refused = client.unoriented_persons(30, None).next_page().await;
    assert_eq!(refused.as_ref().err().and_then(ClientError::code), Some("forbidden"), "{refused:?}");
}

fn person(family_name: &str) -> Value {
    json!({
        "identity": {"family_name": family_name, "given_names": "Camille", "birth_date": "2001-03-14", "birth_commune": "69123"},
        "contact": {"address": {"line": "12 rue de la République", "postal_code": "69002", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": false, "rqth": false},
        "registration": {"registered_on": "2025-01-06", "channel": "counter"}
    })
}

#[actix_web::test]
async fn a_dossier_is_written_and_read_with_typed_calls() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let ft = server.client("france-travail", &recorder);
    let ml = server.client("mission-locale", &recorder);
    let ml_organization = organization_id(&ml).await;

    let probe = json!({"family_name": "Typé", "given_names": "Camille", "birth_date": "2001-03-14"});
    assert_eq!(ft.match_persons(&probe).await.expect("match")["matches"], json!([]));
    let created = ft.create_person(&person("Typé"), Some("person-1")).await.expect("register");
    let id = id_of(&created.value);
    let read = ft.get_person(id).await.expect("read");
    assert!(ft.get_person_if_none_match(id, &read.etag).await.expect("conditional").is_not_modified());
    let updated = ft.update_person(id, &json!({"statuses": {"rqth": true}}), &read.etag).await.expect("update");
    assert_eq!(updated.value["statuses"]["rqth"], true);

    let orientation = json!({"path_type": "emploi", "intensive": false, "referent_organization_id": ml_organization,
        "decided_on": "2025-01-07"});
    let oriented = ft.set_orientation(id, &orientation, &updated.etag).await.expect("orient");
    assert_eq!(oriented.etag.version(), Some(3));
    assert_eq!(ml.get_person(id).await.expect("the referent reads it").etag, oriented.etag);

    let diagnostic = json!({"professional": {"target_rome_codes": ["M1805"], "skills": ["SQL"],
        "qualification_level": "bac_plus_2", "experience_months": 18, "autonomy_level": "medium"}});
    let written = ft.set_diagnostic(id, &diagnostic, None).await.expect("first diagnostic");
    assert_eq!(ft.get_diagnostic(id).await.expect("read").etag, written.etag);
    let replaced = ft.set_diagnostic(id, &diagnostic, Some(&written.etag)).await.expect("replace");
    assert_eq!(replaced.value["person_id"], id.to_string());

    let contract = json!({"objectives": ["Trouver un emploi"], "weekly_hours": 15});
    let drafted = ft.create_contract(id, &contract, Some("contract-1")).await.expect("draft");
    let contract_id = id_of(&drafted.value);
    let patched =
        ft.update_contract(id, contract_id, &json!({"weekly_hours": 18}), &drafted.etag).await.expect("patch");
    assert_eq!(patched.value["weekly_hours"], 18);
    assert_eq!(ft.get_contract(id, contract_id).await.expect("read").etag, patched.etag);
    let review = json!({"held_on": drafted.value["drafted_on"], "participants": [{"name": "Camille", "role": "personne"}],
        "outcome": "Point fait."});
    ft.create_review(id, contract_id, &review, None).await.expect("review");
    assert_eq!(ft.reviews(id, contract_id).all().await.expect("reviews").len(), 1);
    assert_eq!(ft.contracts(id).all().await.expect("contracts").len(), 1);

    let consent = ft.give_consent(id, &json!({"kind": "profile_bank"}), None).await.expect("consent");
    let withdrawn = ft.withdraw_consent(id, id_of(&consent.value)).await.expect("withdraw");
    assert_eq!(withdrawn.value["active"], false);
    assert_eq!(ft.consents(id).all().await.expect("consents").len(), 1);
    assert!(ft.person_history(id).all().await.expect("history").len() >= 3);
    assert!(!ft.timeline(id).all().await.expect("timeline").is_empty());

    ft.get(format!("/v1/persons/{id}")).access_purpose("entretien de suivi").send().await.expect("read, saying why");

    let admin = server.client("admin", &recorder);
    let filter = JournalFilter { person_id: Some(id), client_id: Some("demo-mission-locale".into()), limit: Some(1) };
    let entries = admin.journal(&filter).all().await.expect("journal");
    assert!(!entries.is_empty() && entries.iter().all(|entry| entry["client_id"] == "demo-mission-locale"));
    let filter = JournalFilter { person_id: Some(id), client_id: Some("demo-france-travail".into()), limit: None };
    let last = admin.journal(&filter).all().await.expect("journal").pop().expect("an entry");
    assert_eq!((&last["purpose"], &last["stated_purpose"]), (&json!("accompaniment"), &json!("entretien de suivi")));
    assert_eq!(recorder.count(&Method::POST, "/oauth/token"), 3, "one token per client");
}

#[actix_web::test]
async fn a_person_reads_and_exports_everything_held_about_them() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let ft = server.client("france-travail", &recorder);
    let id = id_of(&ft.create_person(&person("Exporté"), None).await.expect("register").value);

    let code = ft.issue_access_code(id).await.expect("a code");
    let token = ft.person_token(code["code"].as_str().expect("code")).await.expect("the person's token");
    let data = ft.my_data(&token).await.expect("everything held");
    assert_eq!(data["dossier"]["id"], id.to_string());
    let export = ft.export_my_data(&token).await.expect("the export");
    let name = export.file_name.expect("a file name");
    assert!(name.starts_with(&format!("plateforme-{id}-")) && name.ends_with(".json"), "{name}");
    let file: serde_json::Value = serde_json::from_slice(&export.bytes).expect("JSON");
    assert_eq!(file["dossier"], data["dossier"]);
    let client_token = ft.access_token().await.expect("the client's token");
    let refused = ft.my_data(client_token.secret()).await.expect_err("a client token reaches no /v1/me");
    assert_eq!(refused.status(), Some(403));
}

/// The profile bank through the typed calls: built by the counsellor under the consent, edited
/// and paused by the person, found by a recruiter under a pseudonym, a protected criterion
/// refused as a typed 400, contacted through the platform and the email shared on acceptance.
#[actix_web::test]
async fn a_profile_is_built_found_and_paused_with_typed_calls() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let ft = server.client("france-travail", &recorder);
    let mut someone = person("Profilée");
    someone["contact"]["email"] = json!("camille@example.org");
    let id = id_of(&ft.create_person(&someone, None).await.expect("register").value);
    let profile = json!({"target_jobs": [{"rome": "M1805", "experience_years": 2}], "skills": ["SQL"],
        "commune": "69123", "mobility_radius_km": 20});
    let refused = ft.set_person_profile(id, &profile, None).await.expect_err("no consent yet");
    assert_eq!(refused.status(), Some(409));
    ft.give_consent(id, &json!({"kind": "profile_bank"}), None).await.expect("consent");
    let built = ft.set_person_profile(id, &profile, None).await.expect("built");
    assert_eq!(built.value["skills"], json!(["SQL"]));

    let code = ft.issue_access_code(id).await.expect("a code");
    let token = ft.person_token(code["code"].as_str().expect("code")).await.expect("the person's token");
    let mine = ft.my_profile(&token).await.expect("my profile");
    let mut edited = profile.clone();
    edited["skills"] = json!(["SQL", "Fortran 77"]);
    let written = ft.set_my_profile(&token, &edited, Some(&mine.etag)).await.expect("edited");
    assert_eq!(written.value["provenance"]["skills"]["client_id"], "person");

    // The demo persons seek M1805 too: this one is the profile with Fortran 77 among its skills.
    let pairs = [("rome".to_owned(), "M1805".to_owned())];
    let ours = |page: &Value| {
        page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|item| item["skills"].to_string().contains("Fortran 77"))
            .cloned()
    };
    let mut found = None;
    for _ in 0..100 {
        found = ours(&ft.search_profiles(&pairs).await.expect("a search"));
        if found.is_some() {
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let found = found.expect("the profile is found");
    assert!(found["pseudonym"].as_str().is_some_and(|p| p.starts_with("pf_")), "{found}");
    let protected = [("age".to_owned(), "30".to_owned())];
    assert_eq!(ft.search_profiles(&protected).await.expect_err("protected").status(), Some(400));

    let pseudonym = found["pseudonym"].as_str().expect("pseudonym").to_owned();
    let asked = NewContactRequest { pseudonym, offer_id: None, message: Some("Bonjour".into()) };
    let sent = ft.send_contact_request(&asked, Some("contact-1")).await.expect("sent");
    assert_eq!(sent.value.status, ContactRequestStatus::Pending);
    let again = ft.send_contact_request(&asked, None).await.expect_err("one pending at a time");
    assert_eq!(again.status(), Some(409));
    let received = ft.my_contact_requests(&token, None).await.expect("my requests");
    assert_eq!(received.items.iter().map(|request| request.id).collect::<Vec<_>>(), [sent.value.id]);
    let share = ContactAcceptance { share_email: true, share_phone: false };
    let accepted = ft.answer_contact_request(&token, sent.value.id, Some(&share)).await.expect("accepted");
    assert_eq!(accepted.value.status, ContactRequestStatus::Accepted);
    let revealed = ft.get_contact_request(sent.value.id).await.expect("read").value;
    let email = revealed.contact.and_then(|contact| contact.email).map(|email| email.as_str().to_owned());
    assert_eq!(email.as_deref(), Some("camille@example.org"));
    let ours_accepted = ft.contact_requests(Some(ContactRequestStatus::Accepted)).next_page().await.expect("a page");
    let ours_accepted = ours_accepted.expect("the first page").items;
    assert_eq!(ours_accepted.iter().map(|request| request.id).collect::<Vec<_>>(), [sent.value.id]);
    assert!(ours_accepted[0].contact.is_some(), "the details shown in the list too");

    let paused = ft.pause_my_profile(&token, true).await.expect("paused");
    assert_eq!(paused.value["paused"], true);
    assert_eq!(ours(&ft.search_profiles(&pairs).await.expect("a search")), None, "a paused profile is not found");
    ft.delete_my_profile(&token).await.expect("deleted");
    assert_eq!(ft.my_profile(&token).await.expect_err("gone").status(), Some(404));
}
