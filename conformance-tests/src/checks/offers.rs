//! Job offers: publishing once for all (a new offer, the same job from a second publisher
//! merged into it, the same document again unchanged), the kinds that do not publish, NDJSON
//! batches with a result per line, the public search with its facets and its refusals, the
//! status lifecycle under `If-Match`, withdrawal, and ownership: the employer takes over the
//! job it names, and a second organization's twin cannot change the first's text or status.
//!
//! The suite runs against long-lived deployments: the employer's name, the source references
//! and a word of the titles and descriptions are the run's own, so merges happen only between
//! this run's publications and the search finds this run's offer alone. The SIRET is the
//! employer client's own when the suite has one (an employer publishes only its own jobs).

use plateforme_client::OrganizationKind;
use plateforme_client::{Client, ETag, OfferSearch, OfferStatus, PublicationOutcome, Published, SearchPage, Versioned};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Verdict, expect_error, step};
use crate::fixtures;
use crate::report::Report;
use crate::settings::Kind;
use crate::suite::{Actor, Suite};

/// The checks that need the partner's client, which publishes the run's offers.
const WITH_PARTNER: [&str; 10] = [
    "offers.publish",
    "offers.publish.merge",
    "offers.publish.unchanged",
    "offers.search.anonymous",
    "offers.suggest",
    "offers.status.filled",
    "offers.status.invalid_transition",
    "offers.batch",
    "offers.withdraw",
    "offers.ownership.twin_cannot_take_over",
];

/// The members of the network whose employer-relations teams publish the offers they collect
/// (docs/offers.md, Access; propositions #69, #72), besides partners and employers.
const NETWORK_PUBLISHERS: [Kind; 4] = [
    Kind::Of(OrganizationKind::MissionLocale),
    Kind::Of(OrganizationKind::CapEmploi),
    Kind::Of(OrganizationKind::Departement),
    Kind::Of(OrganizationKind::Region),
];

/// The kinds that do not publish offers (docs/offers.md, Access).
const NOT_PUBLISHING: [Kind; 2] =
    [Kind::Of(OrganizationKind::StateService), Kind::Of(OrganizationKind::TrainingProvider)];

/// The source system the suite's publications come from.
const SYSTEM: &str = "conformance";

/// The run's employer and the word only its offers contain.
struct Fixture {
    run: String,
    employer_name: String,
    siret: String,
    /// Letters only (`cf` and the run id, digits written as letters), so that every search
    /// engine reads it as one word.
    word: String,
}

impl Fixture {
    /// `siret`: the employer client's own, when the suite has an employer client.
    fn new(run: &str, siret: Option<String>) -> Fixture {
        let letters: String =
            run.chars().map(|c| if c.is_ascii_digit() { char::from(b'g' + (c as u8 - b'0')) } else { c }).collect();
        Fixture {
            run: run.to_owned(),
            employer_name: format!("Conformance {run} Électricité Générale"),
            siret: siret.unwrap_or_else(fixtures::siret),
            word: format!("cf{letters}"),
        }
    }

    /// A publication of `offer` under the run's reference `label`.
    fn publication(&self, label: &str, offer: Value) -> Value {
        json!({"source": {"system": SYSTEM, "reference": format!("conformance-{}-{label}", self.run)}, "offer": offer})
    }

    /// The electrician's job in Lyon, as the partner publishes it.
    fn electrician(&self) -> Value {
        json!({
            "title": format!("Électricien / Électricienne du bâtiment {}", self.word),
            "description": format!("Installation et mise en conformité des réseaux électriques de logements neufs. \
                Offre de test de la suite de conformance, référence {}.", self.word),
            "rome_code": "F1602", "contract_type": "cdi", "weekly_hours": 35.0,
            "salary": {"min": 2100.0, "max": 2500.0, "period": "month"},
            "workplace": {"commune": "69123"},
            "employer": {"name": self.employer_name, "siret": self.siret, "naf": "43.21A"},
            "skills": ["Habilitation électrique", "Lecture de schémas", "Câblage"],
            "inclusive_hiring": {"without_cv": true}
        })
    }

    /// The same job as the employer's own site publishes it: written otherwise, the same job.
    fn electrician_respelled(&self) -> Value {
        json!({
            "title": format!("ELECTRICIEN - ELECTRICIENNE DU BATIMENT {}", self.word.to_uppercase()),
            "description": "Poste d'électricien du bâtiment à Lyon, publié par l'employeur.",
            "rome_code": "F1602", "contract_type": "cdi",
            "workplace": {"commune": "69123"},
            "employer": {"name": self.employer_name.to_uppercase(), "siret": self.siret}
        })
    }

    /// Another job of the run's employer (published in the batch, then withdrawn).
    fn painter(&self) -> Value {
        json!({
            "title": format!("Peintre en bâtiment {}", self.word),
            "description": format!("Travaux de peinture intérieure. Offre de test, référence {}.", self.word),
            "rome_code": "F1606", "contract_type": "cdd", "contract_months": 6,
            "workplace": {"commune": "69266"},
            "employer": {"name": self.employer_name, "siret": self.siret}
        })
    }

    /// The employer's plumber job, which a second organization publishes too.
    fn plumber(&self) -> Value {
        json!({
            "title": format!("Plombier / Plombière {}", self.word),
            "description": format!("Installation sanitaire et thermique. Offre de test, référence {}.", self.word),
            "rome_code": "F1603", "contract_type": "cdi",
            "workplace": {"commune": "69123"},
            "employer": {"name": self.employer_name, "siret": self.siret}
        })
    }
}

/// The employer client's organization's SIRET, if the suite has an employer client that reads it.
async fn employer_siret(suite: &Suite) -> Option<String> {
    let employer = suite.actor(Kind::Of(OrganizationKind::Employer))?;
    let organization = employer.client.get_organization(employer.organization_id()?).await.ok()?;
    Some(organization.value.siret)
}

pub async fn run(suite: &Suite, report: &mut Report) {
    let fixture = Fixture::new(&suite.run_id, employer_siret(suite).await);
    for kind in NETWORK_PUBLISHERS {
        let name = format!("offers.publish.collected.{kind}");
        match suite.actor(kind) {
            Some(actor) => report.record(name, collected(actor, &fixture).await),
            None => report.skip(name, suite.missing(kind)),
        }
    }
    for kind in NOT_PUBLISHING {
        let name = format!("offers.publish.forbidden.{kind}");
        match suite.actor(kind) {
            Some(actor) => report.record(name, forbidden(actor, &fixture).await),
            None => report.skip(name, suite.missing(kind)),
        }
    }
    report.record("offers.search.invalid_query", invalid_query(suite.anonymous()).await);
    report.record("offers.search.facets", facets(suite.anonymous()).await);
    let Some(partner) = suite.actor(Kind::Of(OrganizationKind::Partner)) else {
        super::skip_all(suite, report, &WITH_PARTNER, Kind::Of(OrganizationKind::Partner));
        return;
    };
    let published = publish(partner, &fixture).await;
    if let Some(published) = report.record_step("offers.publish", published, &WITH_PARTNER[1..7]) {
        let (current, owner) = merge_and_republish(suite, partner, &fixture, published, report).await;
        report.record("offers.search.anonymous", search(suite.anonymous(), &fixture, &current).await);
        report.record("offers.suggest", suggest(suite.anonymous(), &fixture).await);
        lifecycle(&owner.client, current, report).await;
    }
    match suite.actor(Kind::Of(OrganizationKind::Employer)) {
        Some(employer) => report
            .record("offers.ownership.twin_cannot_take_over", twin_cannot_take_over(employer, partner, &fixture).await),
        None => {
            report.skip("offers.ownership.twin_cannot_take_over", suite.missing(Kind::Of(OrganizationKind::Employer)))
        }
    }
    let batch = batch(&partner.client, &fixture).await;
    if let Some(painter) = report.record_step("offers.batch", batch, &["offers.withdraw"]) {
        report.record("offers.withdraw", withdraw(&partner.client, painter).await);
    }
}

/// A kind that does not publish offers is refused, whatever the offer.
async fn forbidden(actor: &Actor, fixture: &Fixture) -> Verdict {
    let publication = fixture.publication(&format!("forbidden-{}", actor.kind()), fixture.electrician());
    expect_error(actor.client.publish_offer(&publication).await, 403, "forbidden").map(drop)
}

/// A job a member of the network collected from an employer: 201 `created`, its organization the
/// one source. A job of its own employer, so that it merges with no other of the run.
async fn collected(actor: &Actor, fixture: &Fixture) -> Verdict {
    let kind = actor.kind();
    let offer = json!({
        "title": format!("Agent d'accueil {kind}"),
        "description": format!("Accueil du public en mairie. Offre collectée par un {kind} du réseau, run {}.", fixture.run),
        "rome_code": "M1601", "contract_type": "cdd", "contract_months": 6,
        "workplace": {"commune": "69123"},
        "employer": {"name": format!("Conformance {} Mairie {kind}", fixture.run), "siret": fixtures::siret()}
    });
    let publication = fixture.publication(&format!("collected-{kind}"), offer);
    let published = step("publish_offer", actor.client.publish_offer(&publication).await)?;
    if published.outcome != PublicationOutcome::Created {
        return Err(format!("a new job's outcome is {}, expected created", published.outcome.as_str()));
    }
    expect_sources(&published.offer, &[actor.organization_id()])
}

/// The partner's first publication: 201 `created`, version 1, `Location` and `ETag` naming it,
/// one source (the partner's organization).
async fn publish(partner: &Actor, fixture: &Fixture) -> Result<Published, String> {
    let publication = fixture.publication("electrician", fixture.electrician());
    let published = step("publish_offer", partner.client.publish_offer(&publication).await)?;
    let id = offer_id(&published.offer)?;
    if published.outcome != PublicationOutcome::Created {
        return Err(format!("a new job's outcome is {}, expected created", published.outcome.as_str()));
    }
    if published.etag != ETag::for_version(1) || published.offer["version"] != 1 {
        return Err(format!("a new offer has ETag {} and version {}", published.etag, published.offer["version"]));
    }
    let path = format!("/v1/offers/{id}");
    if !published.location.as_deref().is_some_and(|location| location.ends_with(&path)) {
        return Err(format!("Location {:?}, expected {path}", published.location));
    }
    if published.offer["status"] != "open" {
        return Err(format!("a new offer is {}, expected open", published.offer["status"]));
    }
    expect_sources(&published.offer, &[partner.organization_id()])?;
    Ok(published)
}

/// The same job from the employer joins the partner's offer, and the employer takes it over;
/// the partner's document sent again changes nothing. Returns the offer at its latest version
/// and its owner.
async fn merge_and_republish<'a>(
    suite: &'a Suite,
    partner: &'a Actor,
    fixture: &Fixture,
    published: Published,
    report: &mut Report,
) -> (Versioned<Value>, &'a Actor) {
    let mut current = published.into_versioned();
    let mut owner = partner;
    match suite.actor(Kind::Of(OrganizationKind::Employer)) {
        Some(employer) => {
            let merged = merge(employer, partner, fixture, &current).await;
            if let Some(merged) = report.record_step("offers.publish.merge", merged, &[]) {
                current = merged.into_versioned();
                owner = employer;
            }
        }
        None => report.skip("offers.publish.merge", suite.missing(Kind::Of(OrganizationKind::Employer))),
    }
    report.record("offers.publish.unchanged", unchanged(&partner.client, fixture, &current).await);
    (current, owner)
}

/// 200 `merged`: the same offer, one version more, with both organizations as sources; the
/// employer the offer names now owns it, and its document replaced the partner's.
async fn merge(
    employer: &Actor,
    partner: &Actor,
    fixture: &Fixture,
    first: &Versioned<Value>,
) -> Result<Published, String> {
    let publication = fixture.publication("electrician-employer", fixture.electrician_respelled());
    let merged = step("publish_offer", employer.client.publish_offer(&publication).await)?;
    if merged.outcome != PublicationOutcome::Merged {
        return Err(format!("the same job from a second publisher is {}, expected merged", merged.outcome.as_str()));
    }
    let (id, merged_id) = (offer_id(&first.value)?, offer_id(&merged.offer)?);
    if merged_id != id {
        return Err(format!("the second publisher's copy is offer {merged_id}, expected the first's, {id}"));
    }
    let expected = first.etag.version().map(|version| version + 1);
    if merged.etag.version() != expected {
        return Err(format!("after the merge: ETag {}, expected version {expected:?}", merged.etag));
    }
    let respelled = fixture.electrician_respelled();
    if merged.offer["title"] != respelled["title"] {
        return Err(format!(
            "the merged offer's title is {}, expected the employer's, {}",
            merged.offer["title"], respelled["title"]
        ));
    }
    expect_owner(&merged.offer, employer.organization_id())?;
    expect_sources(&merged.offer, &[partner.organization_id(), employer.organization_id()])?;
    Ok(merged)
}

/// The employer publishes its plumber job; the partner publishes the same job (200 `merged`),
/// then tries to rewrite it and to cancel it: both 403 `forbidden`, and the offer keeps the
/// employer's text and status. Both withdraw it afterwards.
async fn twin_cannot_take_over(employer: &Actor, partner: &Actor, fixture: &Fixture) -> Verdict {
    let own = fixture.publication("plumber-employer", fixture.plumber());
    let created = step("publish_offer", employer.client.publish_offer(&own).await)?;
    let id = offer_id(&created.offer)?;
    let verdict = try_to_take_over(partner, fixture, &created, id).await;
    // Leave nothing behind on a long-lived deployment (best effort: the verdict is above).
    if let Ok(read) = partner.client.get_offer(id).await {
        let _ = partner.client.withdraw_offer(id, &read.etag).await;
    }
    if let Ok(read) = employer.client.get_offer(id).await {
        let _ = employer.client.withdraw_offer(id, &read.etag).await;
    }
    verdict
}

async fn try_to_take_over(partner: &Actor, fixture: &Fixture, created: &Published, id: Uuid) -> Verdict {
    if created.outcome != PublicationOutcome::Created {
        return Err(format!("the employer's new job is {}, expected created", created.outcome.as_str()));
    }
    let twin = fixture.publication("plumber-partner", fixture.plumber());
    let merged = step("publish_offer", partner.client.publish_offer(&twin).await)?;
    if merged.outcome != PublicationOutcome::Merged || offer_id(&merged.offer)? != id {
        return Err(format!(
            "the partner's twin is {} into {}, expected merged into {id}",
            merged.outcome.as_str(),
            merged.offer["id"]
        ));
    }
    expect_owner(&merged.offer, created.offer["owner_organization_id"].as_str().and_then(|owner| owner.parse().ok()))?;
    let mut rewritten = fixture.plumber();
    rewritten["description"] = json!("Envoyez des frais de dossier pour obtenir ce poste.");
    let rewrite = partner.client.publish_offer(&fixture.publication("plumber-partner", rewritten)).await;
    expect_error(rewrite, 403, "forbidden").map_err(|why| format!("the twin's rewrite: {why}"))?;
    let cancel = partner.client.change_offer_status(id, OfferStatus::Cancelled, None, &merged.etag).await;
    expect_error(cancel, 403, "forbidden").map_err(|why| format!("the twin's cancellation: {why}"))?;
    let read = step("get_offer", partner.client.get_offer(id).await)?;
    if read.value["description"] != created.offer["description"] || read.value["status"] != "open" {
        return Err(format!(
            "after the twin's attempts the offer is {} with description {}, expected open with the employer's",
            read.value["status"], read.value["description"]
        ));
    }
    Ok(())
}

fn expect_owner(offer: &Value, owner: Option<Uuid>) -> Verdict {
    let found: Option<Uuid> = offer["owner_organization_id"].as_str().and_then(|id| id.parse().ok());
    if found.is_none() || found != owner {
        return Err(format!("the offer's owner is {found:?}, expected {owner:?}"));
    }
    Ok(())
}

/// The same document again: 200 `unchanged`, the same offer at the same version.
async fn unchanged(partner: &Client, fixture: &Fixture, current: &Versioned<Value>) -> Verdict {
    let publication = fixture.publication("electrician", fixture.electrician());
    let again = step("publish_offer", partner.publish_offer(&publication).await)?;
    if again.outcome != PublicationOutcome::Unchanged {
        return Err(format!("the same document again is {}, expected unchanged", again.outcome.as_str()));
    }
    if offer_id(&again.offer)? != offer_id(&current.value)? || again.etag != current.etag {
        return Err(format!(
            "the same document again answers offer {} at {}, expected {} at {}",
            again.offer["id"], again.etag, current.value["id"], current.etag
        ));
    }
    Ok(())
}

/// Without a token, words written without accents find the offer ("electricienne" finds
/// "Électricienne"), and the facets add up to the total.
async fn search(anonymous: &Client, fixture: &Fixture, current: &Versioned<Value>) -> Verdict {
    let search = OfferSearch { q: Some(format!("electricienne {}", fixture.word)), ..OfferSearch::default() };
    let page = step("search_offers", anonymous.search_offers_anonymously(&search).await)?;
    let id = current.value["id"].as_str().unwrap_or_default();
    if !page.items.iter().any(|hit| hit["id"] == id) {
        return Err(format!(
            "q={:?} found {} offers ({} on the page), not {id}",
            search.q,
            page.total,
            page.items.len()
        ));
    }
    facets_add_up(&page)
}

/// The run's title completes what is typed of it, with the offers bearing it, and its ROME code
/// completes the trade's name.
async fn suggest(anonymous: &Client, fixture: &Fixture) -> Verdict {
    let typed = format!("electricien / électricienne du batiment {}", fixture.word);
    let found = step("suggest_offers", anonymous.suggest_offers(&typed, Some(5)).await)?;
    let word = fixture.word.to_lowercase();
    if !found.titles.iter().any(|title| title.text.to_lowercase().ends_with(&word) && title.count >= 1) {
        return Err(format!("q={typed:?} completed no title of the run's offer: {:?}", found.titles));
    }
    let trade = step("suggest_offers", anonymous.suggest_offers("électricien", Some(20)).await)?;
    if !trade.rome.iter().any(|rome| rome.code == "F1602") {
        return Err(format!("q=\"électricien\" completed no F1602 ROME code: {:?}", trade.rome));
    }
    Ok(())
}

/// A search of every open offer: each facet list adds up to the total.
async fn facets(anonymous: &Client) -> Verdict {
    let search = OfferSearch { limit: Some(1), ..OfferSearch::default() };
    let page = step("search_offers", anonymous.search_offers_anonymously(&search).await)?;
    facets_add_up(&page)
}

fn facets_add_up(page: &SearchPage) -> Verdict {
    for (name, counts) in [("contract_types", &page.facets.contract_types), ("departements", &page.facets.departements)]
    {
        let sum: u64 = counts.iter().map(|facet| facet.count).sum();
        if sum != page.total {
            return Err(format!("the {name} facet adds up to {sum}, the total is {}", page.total));
        }
    }
    Ok(())
}

/// Two bad parameters: one 400 `invalid_query` naming both.
async fn invalid_query(anonymous: &Client) -> Verdict {
    let search = OfferSearch {
        rome: vec!["A9999".to_owned()],
        near_commune: Some("69123".to_owned()),
        radius_km: Some(500.0),
        ..OfferSearch::default()
    };
    let problem = expect_error(anonymous.search_offers_anonymously(&search).await, 400, "invalid_query")?;
    for (field, rule) in [("rome[0]", "rome.unknown"), ("radius_km", "radius.range")] {
        if !problem.breaks(field, rule) {
            return Err(format!("the problem does not name {field} ({rule}): {problem}"));
        }
    }
    Ok(())
}

/// Marked filled under `If-Match`, then refused a change a filled offer cannot make.
async fn lifecycle(partner: &Client, current: Versioned<Value>, report: &mut Report) {
    let id = match offer_id(&current.value) {
        Ok(id) => id,
        Err(why) => {
            report.record("offers.status.filled", Err(why));
            report.skip("offers.status.invalid_transition", "needs offers.status.filled");
            return;
        }
    };
    let reason = Some("Poste pourvu (suite de conformance)");
    let filled =
        step("change_offer_status", partner.change_offer_status(id, OfferStatus::Filled, reason, &current.etag).await)
            .and_then(|filled| {
                let expected = current.etag.version().map(|version| version + 1);
                if filled.value["status"] != "filled" || filled.etag.version() != expected {
                    return Err(format!(
                        "after the change: status {}, ETag {}; expected filled at version {expected:?}",
                        filled.value["status"], filled.etag
                    ));
                }
                Ok(filled)
            });
    let Some(filled) = report.record_step("offers.status.filled", filled, &["offers.status.invalid_transition"]) else {
        return;
    };
    let reopened = partner.change_offer_status(id, OfferStatus::Open, None, &filled.etag).await;
    report.record(
        "offers.status.invalid_transition",
        expect_error(reopened, 409, "invalid_transition").and_then(|problem| {
            if problem.breaks("status", "status.transition") {
                Ok(())
            } else {
                Err(format!("the problem does not name the rule status.transition: {problem}"))
            }
        }),
    );
}

/// A good line and a bad one: the good one published, the bad one rejected alone with its rule.
/// Returns the offer the good line created.
async fn batch(partner: &Client, fixture: &Fixture) -> Result<Uuid, String> {
    let mut unknown_rome = fixture.painter();
    unknown_rome["rome_code"] = json!("A9999");
    let lines = [fixture.publication("painter", fixture.painter()), fixture.publication("unknown-rome", unknown_rome)];
    let result = step("publish_offer_batch", partner.publish_offer_batch(&lines).await)?;
    let summary = result.summary;
    if (summary.lines, summary.created, summary.rejected) != (2, 1, 1) {
        return Err(format!("summary {summary:?}, expected 2 lines: 1 created, 1 rejected"));
    }
    let [good, bad] = result.results.as_slice() else {
        return Err(format!("{} results for 2 lines", result.results.len()));
    };
    if (good.line, good.outcome, good.version) != (1, PublicationOutcome::Created, Some(1)) {
        return Err(format!("line 1: {good:?}, expected created at version 1"));
    }
    if bad.line != 2 || bad.outcome != PublicationOutcome::Rejected || bad.offer_id.is_some() {
        return Err(format!("line 2: {bad:?}, expected rejected"));
    }
    if !bad.errors.iter().any(|error| error.field == "offer.rome_code" && error.rule == "rome.unknown") {
        return Err(format!("line 2's errors do not name offer.rome_code (rome.unknown): {:?}", bad.errors));
    }
    let reference = format!("conformance-{}-unknown-rome", fixture.run);
    if bad.source.as_ref().map(|source| source.reference.as_str()) != Some(reference.as_str()) {
        return Err(format!("line 2's source is {:?}, expected the reference {reference}", bad.source));
    }
    good.offer_id.ok_or_else(|| "line 1 names no offer_id".to_owned())
}

/// The only source withdraws its offer: 204, and the offer is gone.
async fn withdraw(partner: &Client, id: Uuid) -> Verdict {
    let read = step("get_offer", partner.get_offer(id).await)?;
    step("withdraw_offer", partner.withdraw_offer(id, &read.etag).await)?;
    expect_error(partner.get_offer(id).await, 404, "not_found").map(drop)
}

fn offer_id(offer: &Value) -> Result<Uuid, String> {
    offer["id"].as_str().and_then(|id| id.parse().ok()).ok_or_else(|| format!("the offer has no id: {offer}"))
}

/// The offer's sources come from these organizations, in this order.
fn expect_sources(offer: &Value, organizations: &[Option<Uuid>]) -> Verdict {
    let sources = offer["sources"].as_array().cloned().unwrap_or_default();
    let found: Vec<Option<Uuid>> =
        sources.iter().map(|source| source["organization_id"].as_str().and_then(|id| id.parse().ok())).collect();
    if found != organizations {
        return Err(format!("the offer's sources are from {found:?}, expected {organizations:?}"));
    }
    Ok(())
}
