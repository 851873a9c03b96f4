//! Job offers through the typed client, against the real server in-process: publishing once
//! for all, batches, the public search, the status lifecycle and withdrawal, and their problems.

mod support;

use plateforme_client::{ClientError, ContractType, ETag, OfferSearch, OfferSort, OfferStatus, PublicationOutcome};
use plateforme_server::config::Config;
use serde_json::{Value, json};
use uuid::Uuid;

use support::{Recorder, TestServer, id_of, organization_id, siret};

/// The electrician's job in Lyon (no demo offer is an electrician's).
fn electrician(reference: &str, employer_name: &str) -> Value {
    json!({
        "source": {"system": "ats-typed", "reference": reference},
        "offer": {
            "title": "Électricien / Électricienne du bâtiment",
            "description": "Installation et mise en conformité des réseaux électriques de logements neufs.",
            "rome_code": "F1602", "contract_type": "cdi",
            "salary": {"min": 2100.0, "max": 2500.0, "period": "month"},
            "workplace": {"commune": "69123"},
            "employer": {"name": employer_name, "siret": siret(1)},
            "skills": ["Habilitation électrique", "Lecture de schémas", "Câblage"]
        }
    })
}

/// The SIRET of the demo employer (`plateforme_server::seed`).
const DEMO_EMPLOYER_SIRET: &str = "90000000600008";

fn source_organizations(offer: &Value) -> Vec<Uuid> {
    let sources = offer["sources"].as_array().expect("sources");
    sources
        .iter()
        .map(|source| source["organization_id"].as_str().expect("organization").parse().expect("uuid"))
        .collect()
}

#[actix_web::test]
async fn an_offer_is_published_once_for_all_and_found_without_a_token() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let partner = server.client("partner", &recorder);
    let employer = server.client("employer", &recorder);

    // The demo employer's job: an employer organization publishes only under its own SIRET.
    let mut job = electrician("JB-1", "Électricité Typée");
    job["offer"]["employer"]["siret"] = json!(DEMO_EMPLOYER_SIRET);
    let published = partner.publish_offer(&job).await.expect("publish");
    assert_eq!(published.outcome, PublicationOutcome::Created);
    assert_eq!(published.etag, ETag::for_version(1));
    let id = published.offer_id().expect("the offer's id");
    assert_eq!(published.location, Some(format!("/v1/offers/{id}")));

    // The employer's own site publishes the same job, written otherwise: one offer, two sources.
    let mut respelled = electrician("SITE-7", "ELECTRICITE TYPEE");
    respelled["offer"]["title"] = json!("ELECTRICIEN - ELECTRICIENNE DU BATIMENT");
    respelled["offer"]["employer"]["siret"] = json!(DEMO_EMPLOYER_SIRET);
    let merged = employer.publish_offer(&respelled).await.expect("merge");
    assert_eq!(
        (merged.outcome, merged.offer_id(), merged.etag.version()),
        (PublicationOutcome::Merged, Some(id), Some(2))
    );
    assert_eq!(
        source_organizations(&merged.offer),
        [organization_id(&partner).await, organization_id(&employer).await]
    );
    assert_eq!(merged.location, published.location, "a 200 names the offer too");

    let again = partner.publish_offer(&job).await.expect("publish again");
    assert_eq!((again.outcome, again.etag.clone()), (PublicationOutcome::Unchanged, merged.etag.clone()));
    assert_eq!(partner.get_offer(id).await.expect("read").etag, merged.etag);
    assert!(partner.get_offer_if_none_match(id, &merged.etag).await.expect("conditional read").is_not_modified());

    // Anyone finds it by words without accents; the facets add up to the total.
    let words = OfferSearch { q: Some("electricienne batiment".into()), ..OfferSearch::default() };
    let page = partner.search_offers_anonymously(&words).await.expect("anonymous search");
    assert_eq!((page.total, page.items.len()), (1, 1));
    assert_eq!(page.items[0]["id"], id.to_string());
    assert_eq!(
        page.facets.contract_types.iter().map(|facet| (facet.value.as_str(), facet.count)).collect::<Vec<_>>(),
        [("cdi", 1)]
    );
    let filters = OfferSearch {
        rome: vec!["F1602".into()],
        contract_type: vec![ContractType::Cdi, ContractType::Cdd],
        near_commune: Some("69266".into()),
        radius_km: Some(15.0),
        sort: Some(OfferSort::Distance),
        ..OfferSearch::default()
    };
    let near = partner.search_offers(&filters).await.expect("search with a token");
    assert_eq!(near.items.iter().map(id_of).collect::<Vec<_>>(), [id]);
    assert!(near.items[0]["distance_km"].as_f64().is_some_and(|km| km < 15.0), "{}", near.items[0]);

    // The demo offers, page after page: the cursor of each page leads to the next.
    let everything = OfferSearch { limit: Some(5), ..OfferSearch::default() };
    let first = partner.search_offers_anonymously(&everything).await.expect("first page");
    let second = partner.search_offers_anonymously(&everything.next(&first).expect("a second page")).await;
    let second = second.expect("second page");
    assert_eq!((first.items.len(), second.items.len(), second.total), (5, 5, first.total));
    assert!(first.items.iter().all(|hit| !second.items.contains(hit)));
    let all = partner.offers(&everything).all().await.expect("every offer");
    assert_eq!(all.len() as u64, first.total);
    // Its title and its ROME code complete what a user types; the completions need no token.
    let typed = partner.suggest_offers("électricien / électricienne du", Some(3)).await.expect("suggest");
    let merged_title = merged.offer["title"].as_str().expect("title");
    assert_eq!(
        typed.titles.iter().map(|title| (title.text.as_str(), title.count)).collect::<Vec<_>>(),
        [(merged_title, 1)]
    );
    let trade = partner.suggest_offers("electricien", None).await.expect("suggest");
    assert!(trade.rome.iter().any(|rome| rome.code == "F1602"), "{trade:?}");
    let refused = partner.suggest_offers(" ", None).await.expect_err("an empty text is refused");
    assert!(matches!(refused, ClientError::Problem(ref problem) if problem.status == 400), "{refused:?}");
    assert_eq!(recorder.count(&plateforme_client::Method::POST, "/oauth/token"), 2, "the anonymous calls need none");
}

#[actix_web::test]
async fn a_status_change_and_a_withdrawal_go_by_the_offer_version() {
    let server = TestServer::start(Config::default()).await;
    let partner = server.client("partner", &Recorder::new());
    let published = partner.publish_offer(&electrician("JB-2", "Électricité Versionnée")).await.expect("publish");
    let id = published.offer_id().expect("id");
    let current = published.into_versioned();

    let suspended = partner.change_offer_status(id, OfferStatus::Suspended, None, &current.etag).await;
    let suspended = suspended.expect("suspend");
    assert_eq!((suspended.value["status"].as_str(), suspended.etag.version()), (Some("suspended"), Some(2)));
    let stale = partner.change_offer_status(id, OfferStatus::Open, None, &current.etag).await;
    assert_eq!(
        stale.as_ref().err().and_then(|error| error.problem()).and_then(|problem| problem.current_version),
        Some(2)
    );

    let reason = "Poste pourvu par une candidate orientée par la mission locale";
    let filled = partner.change_offer_status(id, OfferStatus::Filled, Some(reason), &suspended.etag).await;
    let filled = filled.expect("fill");
    assert_eq!(OfferStatus::parse(filled.value["status"].as_str().unwrap_or_default()), Some(OfferStatus::Filled));
    assert_eq!(filled.value["status_reason"], reason);
    let reopened = partner.change_offer_status(id, OfferStatus::Open, None, &filled.etag).await;
    let Err(ClientError::Problem(problem)) = reopened else { panic!("expected a problem, got {reopened:?}") };
    assert_eq!((problem.status, problem.code.as_str()), (409, "invalid_transition"));
    assert!(problem.breaks("status", "status.transition"), "{problem}");

    assert!(partner.offer_history(id).all().await.expect("history").len() >= 3);
    partner.withdraw_offer(id, &filled.etag).await.expect("withdraw");
    let gone = partner.get_offer(id).await;
    assert_eq!(gone.as_ref().err().and_then(ClientError::code), Some("not_found"), "{gone:?}");
}

#[actix_web::test]
async fn a_batch_answers_each_line_and_bad_requests_are_typed_problems() {
    let server = TestServer::start(Config::default()).await;
    let recorder = Recorder::new();
    let partner = server.client("partner", &recorder);
    let mut unknown_rome = electrician("JB-4", "Électricité Groupée");
    unknown_rome["offer"]["rome_code"] = json!("A9999");
    let lines = [electrician("JB-3", "Électricité Groupée"), unknown_rome.clone()];

    let result = partner.publish_offer_batch(&lines).await.expect("batch");
    assert_eq!((result.summary.lines, result.summary.created, result.summary.rejected), (2, 1, 1));
    let [good, bad] = result.results.as_slice() else { panic!("{result:?}") };
    assert_eq!((good.line, good.outcome, good.version), (1, PublicationOutcome::Created, Some(1)));
    assert_eq!((bad.line, bad.outcome, bad.offer_id), (2, PublicationOutcome::Rejected, None));
    assert_eq!(bad.source.as_ref().map(|source| source.reference.as_str()), Some("JB-4"));
    assert!(
        bad.errors
            .iter()
            .any(|error| (error.field.as_str(), error.rule.as_str()) == ("offer.rome_code", "rome.unknown"))
    );
    let again = partner.publish_offer_batch(&lines).await.expect("the same batch again");
    assert_eq!((again.summary.unchanged, again.summary.rejected), (1, 1));
    assert_eq!(again.results[0].offer_id, good.offer_id);

    let refused = partner.publish_offer(&unknown_rome).await;
    let Err(ClientError::Problem(problem)) = refused else { panic!("expected a problem, got {refused:?}") };
    assert_eq!((problem.status, problem.code.as_str()), (422, "validation_failed"));
    assert!(problem.breaks("offer.rome_code", "rome.unknown"), "{problem}");

    let search = OfferSearch { near_commune: Some("69123".into()), radius_km: Some(500.0), ..OfferSearch::default() };
    let invalid = partner.search_offers_anonymously(&search).await;
    let Err(ClientError::Problem(problem)) = invalid else { panic!("expected a problem, got {invalid:?}") };
    assert_eq!((problem.status, problem.code.as_str()), (400, "invalid_query"));
    assert!(problem.breaks("radius_km", "radius.range"), "{problem}");

    // A mission locale publishes the jobs its employer-relations team collects (the same job joins
    // the offer); a State service publishes none.
    let mission_locale = server.client("mission-locale", &recorder);
    let collected = mission_locale.publish_offer(&electrician("ML-1", "Électricité Groupée")).await;
    assert_eq!(collected.map(|published| published.outcome).ok(), Some(PublicationOutcome::Merged));
    let state_service = server.client("state-service", &recorder);
    let forbidden = state_service.publish_offer(&electrician("DREETS-1", "Électricité Groupée")).await;
    assert_eq!(forbidden.as_ref().err().and_then(ClientError::status), Some(403), "{forbidden:?}");
}
