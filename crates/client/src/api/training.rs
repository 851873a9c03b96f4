//! `/v1/trainings`: the training catalogue, imported and exported in LHEO (2.3; 2.2 read too),
//! read as JSON.

use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::versioned::Versioned;

/// The media type of an LHEO document.
const XML: &str = "application/xml";

/// The count of each outcome at one level of the catalogue (formations, actions or sessions).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct LheoCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    pub closed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct LheoSummary {
    pub formations: LheoCounts,
    pub actions: LheoCounts,
    pub sessions: LheoCounts,
}

/// The report of an LHEO import (`ImportReport` in the contract).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LheoImport {
    /// `2.3` or `2.2`, as the document declared.
    pub lheo_version: String,
    pub snapshot: bool,
    pub summary: LheoSummary,
    /// Each element created, updated, rejected (with its rules and line) or closed
    /// (`ReportEntry` in the contract).
    pub entries: Vec<Value>,
}

impl Client {
    /// Imports an LHEO document into the caller's catalogue. `snapshot`: the document is the
    /// whole catalogue, and the caller's formations it lacks are closed. A broken document is
    /// refused with 422 (`lheo.malformed`, its line in the problem's errors) and writes nothing.
    pub async fn import_lheo(&self, document: Vec<u8>, snapshot: bool) -> Result<LheoImport, ClientError> {
        let request = self.post("/v1/trainings/lheo").query("snapshot", snapshot).body(document, XML);
        request.send().await?.expect_status(&[200])?.json()
    }

    /// The active catalogue (of one région, when given) as one LHEO 2.3 document, read without
    /// a token: the export is public.
    pub async fn export_lheo(&self, region: Option<&str>) -> Result<String, ClientError> {
        let request = self.get("/v1/trainings/lheo").anonymous();
        let request = request.with_optional(region, |request, region| request.query("region", region));
        let response = request.send().await?.expect_status(&[200])?;
        Ok(String::from_utf8_lossy(&response.body).into_owned())
    }

    /// A formation with its actions and sessions (`Training` in the contract). Active ones are
    /// public; a closed one needs `training:read`.
    pub async fn get_training(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/trainings/{id}")).await
    }

    /// [`get_training`](Client::get_training) without a token, as anyone may (active ones only).
    pub async fn get_training_anonymously(&self, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        let response = self.get(format!("/v1/trainings/{id}")).anonymous().send().await?.expect_status(&[200])?;
        response.versioned()
    }
}

/// A training search (`GET /v1/trainings`): every field optional; the server checks each
/// (docs/training.md, Search) and refuses a bad one with 400 `invalid_query`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrainingSearch {
    pub q: Option<String>,
    /// FORMACODE codes, each 5 digits.
    pub formacode: Vec<String>,
    pub rome: Vec<String>,
    /// RNCP codes, with or without their `RNCP` prefix.
    pub rncp: Vec<String>,
    /// A commune (INSEE code): its training sites, or those within `radius_km` of it.
    pub commune: Option<String>,
    pub radius_km: Option<f64>,
    pub departement: Vec<String>,
    pub region: Vec<String>,
    /// A session starting on or after this day (`2027-01-15`).
    pub start_from: Option<String>,
    /// A session starting on or before this day.
    pub start_to: Option<String>,
    pub distance_learning: bool,
    pub open_recruitment: bool,
    pub accessible: bool,
    /// Funder codes (LHEO `code-financeur`, 1 or 2 digits: `2` the conseil régional).
    pub funding: Vec<String>,
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

impl TrainingSearch {
    fn query(&self) -> Vec<(String, String)> {
        let mut query = Vec::new();
        let mut push = |name: &str, value: Option<String>| {
            if let Some(value) = value {
                query.push((name.to_owned(), value));
            }
        };
        let list = |values: &[String]| (!values.is_empty()).then(|| values.join(","));
        let flag = |wanted: bool| wanted.then(|| "true".to_owned());
        push("q", self.q.clone());
        push("formacode", list(&self.formacode));
        push("rome", list(&self.rome));
        push("rncp", list(&self.rncp));
        push("commune", self.commune.clone());
        push("radius_km", self.radius_km.map(|radius| radius.to_string()));
        push("departement", list(&self.departement));
        push("region", list(&self.region));
        push("start_from", self.start_from.clone());
        push("start_to", self.start_to.clone());
        push("distance_learning", flag(self.distance_learning));
        push("open_recruitment", flag(self.open_recruitment));
        push("accessible", flag(self.accessible));
        push("funding", list(&self.funding));
        push("limit", self.limit.map(|limit| limit.to_string()));
        push("cursor", self.cursor.clone());
        query
    }
}

/// How many formations match, per value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TrainingFacetCount {
    pub value: String,
    pub count: u64,
}

/// Counts over every match: each list adds up to the total.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TrainingFacets {
    pub regions: Vec<TrainingFacetCount>,
    pub certifying: Vec<TrainingFacetCount>,
}

/// One page of a training search (`TrainingSearchResponse` in the contract).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TrainingSearchPage {
    /// The formations of this page (`Training`), best match first.
    pub items: Vec<Value>,
    #[serde(default)]
    pub next_cursor: Option<String>,
    pub total: u64,
    pub facets: TrainingFacets,
}

impl Client {
    /// One page of active formations matching `search`, read without a token: the search is
    /// public.
    pub async fn search_trainings(&self, search: &TrainingSearch) -> Result<TrainingSearchPage, ClientError> {
        let request = self.get("/v1/trainings").anonymous().query_pairs(&search.query());
        request.send().await?.expect_status(&[200])?.json()
    }
}
