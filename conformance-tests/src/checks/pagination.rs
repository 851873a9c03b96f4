//! Cursor pagination: a list read page by page while records are added lists each record
//! once, in a stable order, with `next_cursor` and `Link: rel="next"` agreeing.
//!
//! It pages through every organization of kind `region` (the rarest kind: one per région, plus
//! what earlier runs created), two at a time, creating three before and one while paging.

use std::collections::HashSet;

use plateforme_client::{Client, OrganizationKind, Page};
use serde_json::Value;

use super::{Verdict, expect_status, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::Suite;

const LIMIT: usize = 2;
/// More pages than this means the list never ends.
const MAX_PAGES: usize = 5_000;

pub async fn run(suite: &Suite, report: &mut Report) {
    match suite.actor(Kind::Admin) {
        Some(admin) => report.record("organizations.pagination", pages(suite, &admin.client).await),
        None => super::skip_all(suite, report, &["organizations.pagination"], Kind::Admin),
    }
}

async fn create(suite: &Suite, client: &Client, n: usize) -> Result<String, String> {
    let new = fixtures::organization(&suite.run_id, &format!("page {n}"), OrganizationKind::Region);
    let created = step("create a région", client.create_organization(&new, None).await)?;
    Ok(created.value.id.to_string())
}

async fn pages(suite: &Suite, client: &Client) -> Verdict {
    let mut created = Vec::new();
    for n in 0..3 {
        created.push(create(suite, client, n).await?);
    }
    let (mut seen, mut cursor, mut pages) = (Vec::<String>::new(), None::<String>, 0);
    loop {
        let mut request = client.get("/v1/organizations").query("kind", "region").query("limit", LIMIT);
        if let Some(cursor) = &cursor {
            request = request.query("cursor", cursor);
        }
        let response = step("list", request.send().await)?;
        expect_status(&response, 200)?;
        let page: Page<Value> = response.json().map_err(|error| error.to_string())?;
        pages += 1;
        if page.items.len() > LIMIT {
            return Err(format!("page {pages} has {} items; the limit is {LIMIT}", page.items.len()));
        }
        for item in &page.items {
            if item["kind"] != "region" {
                return Err(format!("the kind=region filter let {} (kind {}) through", item["id"], item["kind"]));
            }
            seen.push(item["id"].as_str().unwrap_or_default().to_owned());
        }
        match (&page.next_cursor, response.next_link()) {
            (Some(_), None) => return Err(format!("page {pages} has a next_cursor but no Link rel=\"next\"")),
            (None, Some(link)) => return Err(format!("page {pages} has Link {link} but no next_cursor")),
            (Some(_), Some(link)) => {
                let kept = link.contains("kind=region") && link.contains(&format!("limit={LIMIT}"));
                if !kept || !link.contains("cursor=") {
                    return Err(format!("Link {link} does not keep kind=region and limit={LIMIT} with a cursor"));
                }
            }
            (None, None) => {}
        }
        if pages == 1 {
            created.push(create(suite, client, 3).await?);
        }
        match page.next_cursor {
            Some(next) if pages < MAX_PAGES => cursor = Some(next),
            Some(_) => return Err(format!("more than {MAX_PAGES} pages: the list does not end")),
            None => break,
        }
    }
    let mut unique = HashSet::new();
    if let Some(twice) = seen.iter().find(|id| !unique.insert(*id)) {
        return Err(format!("{twice} is listed twice"));
    }
    if let Some(pair) = seen.windows(2).find(|pair| pair[0] >= pair[1]) {
        return Err(format!("the order is not stable (creation order): {} listed before {}", pair[0], pair[1]));
    }
    if let Some(missing) = created.iter().find(|id| !unique.contains(id)) {
        return Err(format!("{missing}, created for the run, is missing from {pages} pages"));
    }
    if pages < 3 {
        return Err(format!("{} records came in {pages} pages of {LIMIT}", seen.len()));
    }
    Ok(())
}
