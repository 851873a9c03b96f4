//! `/v1/offers`: job offers published once for all (each job held once, with every source that
//! publishes it), and their search, open to anyone.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

/// Where an offer stands, and the kind of contract: the shared model's own types, so that their
/// wire names have one home.
pub use plateforme_model::offer::{BatchSummary, ContractType, OfferStatus};

use crate::client::Client;
use crate::error::{ClientError, FieldError};
use crate::page::Pager;
use crate::request::query_of;
use crate::versioned::{Conditional, ETag, Versioned};

/// The media type of a batch body: one JSON document per line.
const NDJSON: &str = "application/x-ndjson";

/// What became of a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicationOutcome {
    /// A new offer (the only outcome answered 201).
    Created,
    /// Another source already published the same job: this source joined its offer.
    Merged,
    /// This source's copy changed: the offer has a new version.
    Updated,
    /// This source sent the same document again: nothing was written.
    Unchanged,
    /// A batch line that was not published (see its `errors`); a single publication is
    /// refused with a problem instead.
    Rejected,
    /// An outcome added to the API after this client was built.
    #[serde(other)]
    Unknown,
}

impl PublicationOutcome {
    /// The wire name: `merged`.
    pub fn as_str(self) -> &'static str {
        match self {
            PublicationOutcome::Created => "created",
            PublicationOutcome::Merged => "merged",
            PublicationOutcome::Updated => "updated",
            PublicationOutcome::Unchanged => "unchanged",
            PublicationOutcome::Rejected => "rejected",
            PublicationOutcome::Unknown => "unknown",
        }
    }
}

/// The answer to a publication: what became of it, and the offer as it now stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub outcome: PublicationOutcome,
    /// The offer (`Offer` in the contract), with all its sources.
    pub offer: Value,
    pub etag: ETag,
    /// The path of the offer (`Location`).
    pub location: Option<String>,
}

impl Published {
    pub fn offer_id(&self) -> Option<Uuid> {
        self.offer["id"].as_str().and_then(|id| id.parse().ok())
    }

    /// The offer and its tag, to carry on with (a status change, a withdrawal).
    pub fn into_versioned(self) -> Versioned<Value> {
        Versioned { value: self.offer, etag: self.etag }
    }
}

/// The body of a publication's answer (`PublicationResult`).
#[derive(Deserialize)]
struct PublicationResult {
    outcome: PublicationOutcome,
    offer: Value,
}

/// A source's name for an offer: the system it comes from and the reference there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceRef {
    pub system: String,
    pub reference: String,
}

/// The result of one line of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineResult {
    /// Line number in the body, from 1 (empty lines are counted, not answered).
    pub line: u64,
    pub outcome: PublicationOutcome,
    /// The line's source, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// Why a line was rejected: each rule broken, with the field and the rule's code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The answer to a batch: one result per non-empty line, in order, and the count of each
/// outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchResult {
    pub summary: BatchSummary,
    pub results: Vec<LineResult>,
}

/// The order of search results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OfferSort {
    /// Title matches first, then skills, then description (the default with `q`).
    Relevance,
    /// Newest first (the default without `q`).
    Date,
    /// Nearest first: needs `near_commune`, or `latitude` and `longitude`.
    Distance,
}

impl OfferSort {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferSort::Relevance => "relevance",
            OfferSort::Date => "date",
            OfferSort::Distance => "distance",
        }
    }
}

/// A search of the open offers; every field is optional (the default searches them all).
/// Lists hold up to 20 values, any of which matches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OfferSearch {
    /// Words in the title, skills or description: every word must match; French stemming,
    /// accents and case ignored (`developpeurs` finds "Développeur").
    pub q: Option<String>,
    /// ROME 4.0 codes (`M1805`).
    pub rome: Vec<String>,
    pub contract_type: Vec<ContractType>,
    /// Commune codes (INSEE, not postal codes).
    pub commune: Vec<String>,
    pub departement: Vec<String>,
    pub region: Vec<String>,
    /// Within `radius_km` of this commune's town hall.
    pub near_commune: Option<String>,
    /// Within `radius_km` of this point (WGS 84, with `longitude`).
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Above 0, at most 200 (10 by default); needs a commune or a point.
    pub radius_km: Option<f64>,
    /// A date (`2026-11-01`) or an RFC 3339 time.
    pub published_since: Option<String>,
    /// Only offers of employers committed to hiring disabled workers.
    pub disability_committed: bool,
    /// Only offers hiring without a CV.
    pub without_cv: bool,
    /// Only offers open to people in an integration scheme (IAE).
    pub open_to_iae: bool,
    /// Only offers whose best stated pay is at least this, per month in euros.
    pub min_monthly_salary: Option<f64>,
    /// Only offers with at least this quality score (0 to 100).
    pub min_quality: Option<u8>,
    pub sort: Option<OfferSort>,
    /// Page size, 1 to 100 (the server's default, 20, when absent).
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page (the first page without).
    pub cursor: Option<String>,
}

impl OfferSearch {
    /// The same search at the page after `page`, or `None` after the last.
    pub fn next(&self, page: &SearchPage) -> Option<OfferSearch> {
        let cursor = page.next_cursor.clone()?;
        Some(OfferSearch { cursor: Some(cursor), ..self.clone() })
    }

    /// The query parameters, `cursor` aside.
    fn filters(&self) -> Vec<(String, String)> {
        let list = |values: Vec<&str>| (!values.is_empty()).then(|| values.join(","));
        let texts = |values: &[String]| list(values.iter().map(String::as_str).collect());
        let number = |number: Option<f64>| number.map(|number| number.to_string());
        let only = |only: bool| only.then(|| "true".to_owned());
        query_of([
            ("q", self.q.clone()),
            ("rome", texts(&self.rome)),
            ("contract_type", list(self.contract_type.iter().map(|kind| kind.as_str()).collect())),
            ("commune", texts(&self.commune)),
            ("departement", texts(&self.departement)),
            ("region", texts(&self.region)),
            ("near_commune", self.near_commune.clone()),
            ("latitude", number(self.latitude)),
            ("longitude", number(self.longitude)),
            ("radius_km", number(self.radius_km)),
            ("min_monthly_salary", number(self.min_monthly_salary)),
            ("published_since", self.published_since.clone()),
            ("disability_committed", only(self.disability_committed)),
            ("without_cv", only(self.without_cv)),
            ("open_to_iae", only(self.open_to_iae)),
            ("min_quality", self.min_quality.map(|score| score.to_string())),
            ("sort", self.sort.map(|sort| sort.as_str().to_owned())),
            ("limit", self.limit.map(|limit| limit.to_string())),
        ])
    }

    fn query(&self) -> Vec<(String, String)> {
        let mut query = self.filters();
        query.extend(query_of([("cursor", self.cursor.clone())]));
        query
    }
}

/// How many offers match, per value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts over every match, all pages together: each list adds up to `total`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    /// Per contract type, most frequent first.
    pub contract_types: Vec<FacetCount>,
    /// Per département of the workplace, most frequent first.
    pub departements: Vec<FacetCount>,
}

/// One page of a search, with the count of every match and the facets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    /// The offers of this page (`OfferHit`: the offer, with `distance_km` when the search has
    /// a centre), in the order asked for.
    pub items: Vec<Value>,
    /// Absent on the last page (and 10,000 results deep: refine the search).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// How many open offers match, all pages together.
    pub total: u64,
    pub facets: Facets,
}

/// An offer title that completes typed text, with how many open offers bear it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleCompletion {
    pub text: String,
    pub count: u64,
}

/// A ROME code offered as a completion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RomeCompletion {
    pub code: String,
    pub label: String,
}

/// Completions of what a user types in an offer search box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    /// Titles of open offers starting with the text, most offers first.
    pub titles: Vec<TitleCompletion>,
    /// ROME codes whose label has a word starting with the text, or whose code does.
    pub rome: Vec<RomeCompletion>,
}

impl Client {
    /// Completions of `typed` (1 to 100 characters; accents and case do not matter): offer
    /// titles and ROME codes, at most `limit` of each (1 to 20; 10 when `None`). Sent without a
    /// token, as a search box of a public site sends it: within the public read rate limit of
    /// the caller's address.
    pub async fn suggest_offers(&self, typed: &str, limit: Option<u32>) -> Result<Suggestions, ClientError> {
        let query = query_of([("q", Some(typed.to_owned())), ("limit", limit.map(|limit| limit.to_string()))]);
        let request = self.get("/v1/offers/suggest").anonymous().query_pairs(&query);
        request.send().await?.expect_status(&[200])?.json()
    }

    /// Publishes an offer (`Publication`: `{"source": {...}, "offer": {...}}`) under the
    /// client's organization: an upsert by source. 201 `created` for a new offer; 200 when the
    /// same job was already published by another source (`merged`), this source's copy
    /// changed (`updated`) or did not (`unchanged`). Sent once (the operation takes no
    /// idempotency key); publishing the same document again is safe and answers `unchanged`.
    /// A filled or cancelled offer refuses changes: 409 `invalid_transition`.
    pub async fn publish_offer(&self, publication: &Value) -> Result<Published, ClientError> {
        let response = self.post("/v1/offers").json(publication).send().await?.expect_status(&[200, 201])?;
        let result: PublicationResult = response.json()?;
        if (response.status == 201) != (result.outcome == PublicationOutcome::Created) {
            return Err(ClientError::Decode {
                context: response.context(),
                message: format!("status {} with the outcome {}", response.status, result.outcome.as_str()),
            });
        }
        Ok(Published {
            outcome: result.outcome,
            offer: result.offer,
            etag: response.required_etag()?,
            location: response.header("location").map(str::to_owned),
        })
    }

    /// Publishes many offers in one NDJSON body (`application/x-ndjson`), one publication per
    /// line. Each line is answered in order; a bad line is `rejected` alone, with its errors.
    /// Sent once; sending the same lines again answers `unchanged` for every line published.
    pub async fn publish_offer_batch(&self, lines: &[Value]) -> Result<BatchResult, ClientError> {
        let mut body = Vec::new();
        for line in lines {
            serde_json::to_writer(&mut body, line)
                .map_err(|error| ClientError::InvalidRequest(format!("batch line: {error}")))?;
            body.push(b'\n');
        }
        let request = self.post("/v1/offers/batch").body(body, NDJSON);
        request.send().await?.expect_status(&[200])?.json()
    }

    /// One page of open offers matching `search`, with the total and the facets.
    pub async fn search_offers(&self, search: &OfferSearch) -> Result<SearchPage, ClientError> {
        self.get("/v1/offers").query_pairs(&search.query()).send().await?.expect_status(&[200])?.json()
    }

    /// [`search_offers`](Client::search_offers) without a token, as anyone may: within the
    /// anonymous rate limit of the caller's address (lower than a client's).
    pub async fn search_offers_anonymously(&self, search: &OfferSearch) -> Result<SearchPage, ClientError> {
        let request = self.get("/v1/offers").anonymous().query_pairs(&search.query());
        request.send().await?.expect_status(&[200])?.json()
    }

    /// Every open offer matching `search` (its `cursor` aside), page after page: each item an
    /// `OfferHit`. Searches page at most 10,000 results deep.
    pub fn offers(&self, search: &OfferSearch) -> Pager<Value> {
        Pager::new(self.clone(), "/v1/offers", search.filters())
    }

    /// An offer with its sources. Open offers are public; the others are visible with
    /// `offers:read` and to their sources (404 to others).
    pub async fn get_offer(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/offers/{id}")).await
    }

    pub async fn get_offer_if_none_match(&self, id: Uuid, etag: &ETag) -> Result<Conditional<Value>, ClientError> {
        self.read_if_none_match(format!("/v1/offers/{id}"), etag).await
    }

    /// Suspends, reopens, or marks filled or cancelled the version `if_match` names (a source
    /// of the offer, or France Travail). A change the offer's life does not allow (a filled
    /// offer reopening, `expired` asked for): 409 `invalid_transition`.
    pub async fn change_offer_status(
        &self,
        id: Uuid,
        status: OfferStatus,
        reason: Option<&str>,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        let mut change = json!({"status": status.as_str()});
        if let Some(reason) = reason {
            change["reason"] = json!(reason);
        }
        self.replace(format!("/v1/offers/{id}/status"), &change, Some(if_match)).await
    }

    /// Withdraws the client's organization from the offer's sources, at the version `if_match`
    /// names; the offer is deleted when no source remains.
    pub async fn withdraw_offer(&self, id: Uuid, if_match: &ETag) -> Result<(), ClientError> {
        let request = self.request(Method::DELETE, format!("/v1/offers/{id}")).if_match(if_match);
        request.send().await?.expect_status(&[204])?;
        Ok(())
    }

    /// The versions of an offer, oldest first (`offers:read`, or a source of the offer).
    pub fn offer_history(&self, id: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/offers/{id}/history"), Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_becomes_its_query_parameters() {
        let search = OfferSearch {
            q: Some("développeur web".into()),
            rome: vec!["M1805".into(), "M1810".into()],
            contract_type: vec![ContractType::Cdi, ContractType::Apprenticeship],
            near_commune: Some("69123".into()),
            radius_km: Some(15.5),
            without_cv: true,
            sort: Some(OfferSort::Distance),
            limit: Some(5),
            cursor: Some("o5".into()),
            ..OfferSearch::default()
        };
        let query = search.query();
        let query: Vec<(&str, &str)> = query.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
        assert_eq!(
            query,
            [
                ("q", "développeur web"),
                ("rome", "M1805,M1810"),
                ("contract_type", "cdi,apprenticeship"),
                ("near_commune", "69123"),
                ("radius_km", "15.5"),
                ("without_cv", "true"),
                ("sort", "distance"),
                ("limit", "5"),
                ("cursor", "o5"),
            ]
        );
        assert!(OfferSearch::default().query().is_empty());
        let page =
            SearchPage { items: Vec::new(), next_cursor: Some("o10".into()), total: 12, facets: Facets::default() };
        assert_eq!(search.next(&page).and_then(|next| next.cursor).as_deref(), Some("o10"));
    }

    #[test]
    fn outcomes_and_statuses_have_their_wire_names() {
        let outcome: PublicationOutcome = serde_json::from_value(json!("merged")).expect("outcome");
        assert_eq!(outcome, PublicationOutcome::Merged);
        let later: PublicationOutcome = serde_json::from_value(json!("split")).expect("unknown outcome");
        assert_eq!(later, PublicationOutcome::Unknown);
        assert_eq!(OfferStatus::parse("filled"), Some(OfferStatus::Filled));
        assert_eq!(ContractType::parse("professionalisation"), Some(ContractType::Professionalisation));
    }
}
