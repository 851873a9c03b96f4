//! `/v1/indicators`, `/v1/orientation-decisions` and `/v1/open-data/indicators`: the employment
//! committees' catalogue of indicators and counts of orientation decisions per territory, period
//! and category, under statistical secrecy.

use serde::Deserialize;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::request::query_of;

/// What to count: months `from` to `to` (`YYYY-MM`), and optionally the level (`national`,
/// `region`, `departement`), the breakdown (`path_type`, `deciding_kind`, `referent_kind`,
/// `basis`, `employment_situation`, `qualification`, `aspiration`, `difficulty`,
/// `within_30_days`), the period (`month`, `quarter`) and a territory.
#[derive(Debug, Clone, Default)]
pub struct OrientationDecisionsQuery {
    pub from: String,
    pub to: String,
    pub level: Option<String>,
    pub by: Option<String>,
    pub period: Option<String>,
    pub region: Option<String>,
    pub departement: Option<String>,
}

/// The counts, as the server answers them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrientationDecisionTable {
    pub level: String,
    pub by: String,
    pub period: String,
    pub from: String,
    pub to: String,
    /// The least number of decisions a published cell counts.
    pub threshold: i64,
    pub cells: Vec<OrientationDecisionCell>,
}

/// One count; `decisions` is `None` when statistical secrecy hides it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OrientationDecisionCell {
    pub territory: String,
    pub period: String,
    pub category: String,
    pub decisions: Option<i64>,
    pub hidden: bool,
}

impl Client {
    /// The orientation decisions counted for the employment committees (scope `indicators:read`).
    pub async fn orientation_decisions(
        &self,
        query: &OrientationDecisionsQuery,
    ) -> Result<OrientationDecisionTable, ClientError> {
        let pairs = query_of([
            ("from", Some(query.from.clone())),
            ("to", Some(query.to.clone())),
            ("level", query.level.clone()),
            ("by", query.by.clone()),
            ("period", query.period.clone()),
            ("region", query.region.clone()),
            ("departement", query.departement.clone()),
        ]);
        self.get("/v1/orientation-decisions").query_pairs(&pairs).send().await?.expect_status(&[200])?.json()
    }
}

/// The open-data catalogue of the indicators (public).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorCatalogue {
    pub licence: OpenDataLicence,
    /// `None` before the first computation.
    pub vintage: Option<IndicatorVintage>,
    /// The least number of persons a published cell counts.
    pub threshold: i64,
    pub indicators: Vec<IndicatorDefinition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OpenDataLicence {
    /// `etalab-2.0`.
    pub id: String,
    pub name: String,
    pub url: String,
}

/// A published computation: `{as_of}.r{revision}`, and the hash of its cells.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IndicatorVintage {
    pub id: String,
    pub as_of: String,
    pub revision: i32,
    pub content_hash: String,
    pub computed_at: String,
}

/// An indicator's definition (its French label and definition, its unit, sources, version).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorDefinition {
    pub code: String,
    pub label: String,
    pub definition: String,
    pub unit: String,
    pub aggregation: Option<String>,
    pub sources: Vec<String>,
    pub version: u32,
    pub computed: bool,
    pub not_computed_because: Option<String>,
    pub levels: Vec<String>,
}

/// One indicator's open-data file in JSON.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorFile {
    pub indicator: IndicatorDefinition,
    pub vintage: IndicatorVintage,
    pub licence: OpenDataLicence,
    pub threshold: i64,
    /// The Table Schema of `data` and of the CSV file.
    pub schema: serde_json::Value,
    pub data: Vec<IndicatorCell>,
}

/// One published cell; `value` and `units` are `None` when statistical secrecy hides it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorCell {
    pub level: String,
    pub territory: String,
    pub period: String,
    pub category: String,
    pub value: Option<f64>,
    pub units: Option<i64>,
    pub hidden: bool,
}

impl Client {
    /// The open-data catalogue of the indicators (public, no token).
    pub async fn indicator_catalogue(&self) -> Result<IndicatorCatalogue, ClientError> {
        self.get("/v1/open-data/indicators").anonymous().send().await?.expect_status(&[200])?.json()
    }

    /// One computed indicator's open-data file in JSON (public, no token).
    pub async fn indicator_file(&self, code: &str) -> Result<IndicatorFile, ClientError> {
        let path = format!("/v1/open-data/indicators/{code}.json");
        self.get(path).anonymous().send().await?.expect_status(&[200])?.json()
    }

    /// One computed indicator's open-data file in CSV, as text (public, no token).
    pub async fn indicator_csv(&self, code: &str) -> Result<String, ClientError> {
        let path = format!("/v1/open-data/indicators/{code}.csv");
        let response = self.get(path).anonymous().send().await?.expect_status(&[200])?;
        Ok(String::from_utf8_lossy(&response.body).into_owned())
    }
}

/// One indicator of the latest vintage, as the caller may read it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorTable {
    pub indicator: IndicatorDefinition,
    pub vintage: IndicatorVintage,
    /// The least number of persons a published cell counts for the caller.
    pub threshold: i64,
    pub level: String,
    pub cells: Vec<IndicatorCell>,
}

impl Client {
    /// One computed indicator of the latest vintage at `level` (`national`, `region`,
    /// `departement`), optionally one territory (scope `indicators:read`).
    pub async fn indicator(
        &self,
        code: &str,
        level: Option<&str>,
        region: Option<&str>,
        departement: Option<&str>,
    ) -> Result<IndicatorTable, ClientError> {
        self.indicator_table(code, None, level, region, departement).await
    }

    /// The same table from the live figures (`vintage=live`): what a computation as of today
    /// would give, kept current from the change feed, under the same secrecy (scope
    /// `indicators:read`). Its `vintage.id` is `live`.
    pub async fn live_indicator(
        &self,
        code: &str,
        level: Option<&str>,
        region: Option<&str>,
        departement: Option<&str>,
    ) -> Result<IndicatorTable, ClientError> {
        self.indicator_table(code, Some("live"), level, region, departement).await
    }

    async fn indicator_table(
        &self,
        code: &str,
        vintage: Option<&str>,
        level: Option<&str>,
        region: Option<&str>,
        departement: Option<&str>,
    ) -> Result<IndicatorTable, ClientError> {
        let pairs = query_of([
            ("vintage", vintage.map(str::to_owned)),
            ("level", level.map(str::to_owned)),
            ("region", region.map(str::to_owned)),
            ("departement", departement.map(str::to_owned)),
        ]);
        self.get(format!("/v1/indicators/{code}")).query_pairs(&pairs).send().await?.expect_status(&[200])?.json()
    }
}

/// An indicator of the committees' catalogue, and the latest vintage its figures are read from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorSummary {
    #[serde(flatten)]
    pub definition: IndicatorDefinition,
    /// `month` and `quarter` for a computed indicator; empty otherwise.
    pub periods: Vec<String>,
    /// `None` for an indicator not computed yet, or before the first vintage.
    pub latest_vintage: Option<IndicatorVintageRef>,
    /// Where its cells are read (`/v1/indicators/{code}`); `None` when not computed.
    pub read: Option<String>,
}

/// A vintage, named: `{as_of}.r{revision}` and its date.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct IndicatorVintageRef {
    pub id: String,
    pub as_of: String,
}

impl Client {
    /// The committees' catalogue of indicators, in the order of the codes, `limit` per page
    /// (scope `indicators:read`).
    pub fn indicators(&self, limit: Option<u32>) -> Pager<IndicatorSummary> {
        let query = query_of([("limit", limit.map(|limit| limit.to_string()))]);
        Pager::new(self.clone(), "/v1/indicators", query)
    }
}
