//! The change feed through the client, against the demo server: a partner follows it to its end,
//! keeps its cursor, filters by type, long-polls, and reads the problems of bad requests.

mod support;

use std::time::Duration;

use plateforme_client::ChangesRequest;
use plateforme_server::config::Config;

use support::{Recorder, TestServer};

#[actix_web::test]
async fn a_partner_follows_the_feed_to_its_end_and_resumes_from_its_cursor() {
    let server = TestServer::start(Config::default()).await;
    let client = server.client("mission-locale", &Recorder::new());

    let mut request = ChangesRequest { limit: Some(5), ..ChangesRequest::default() };
    let mut events = Vec::new();
    loop {
        let page = client.changes(&request).await.expect("read the feed");
        request.after = Some(page.cursor.clone());
        if page.events.is_empty() {
            break;
        }
        events.extend(page.events);
    }
    let types: Vec<&str> = events.iter().map(|event| event.event_type.as_str()).collect();
    assert!(types.contains(&"fr.plateforme.organization.created"), "{types:?}");
    assert!(types.contains(&"fr.plateforme.offer.created"), "the demo offers: {types:?}");
    assert!(events.windows(2).all(|pair| pair[0].sequence < pair[1].sequence), "in feed order");

    // Nothing new: the same cursor comes back.
    let quiet = client.changes(&request).await.expect("read again");
    assert_eq!((quiet.events.len(), Some(quiet.cursor)), (0, request.after.clone()));

    // Only offers, with their current representation.
    let offers = ChangesRequest {
        types: vec!["fr.plateforme.offer.created".into()],
        embed: true,
        limit: Some(3),
        ..ChangesRequest::default()
    };
    let page = client.changes(&offers).await.expect("offers only");
    assert_eq!(page.events.len(), 3);
    for event in &page.events {
        assert_eq!(event.event_type, "fr.plateforme.offer.created");
        let resource = event.data.resource.as_ref().expect("embedded");
        assert_eq!(resource["id"], event.data.resource_id.to_string());
    }

    // A long-poll on a quiet feed answers empty once the wait ran out, with the same cursor.
    let waiting = ChangesRequest { wait: Some(Duration::from_secs(1)), ..request.clone() };
    let waited = client.changes(&waiting).await.expect("long-poll");
    assert!(waited.events.is_empty());

    let unknown = ChangesRequest { types: vec!["fr.plateforme.person.renamed".into()], ..ChangesRequest::default() };
    let error = client.changes(&unknown).await.expect_err("an unknown type");
    assert_eq!(error.code(), Some("invalid_query"));
    let forged = ChangesRequest { after: Some("forged".into()), ..ChangesRequest::default() };
    assert_eq!(client.changes(&forged).await.expect_err("a forged cursor").code(), Some("invalid_query"));
}
