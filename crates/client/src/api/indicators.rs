//! `/v1/orientation-decisions`: the employment committees' counts of orientation decisions per
//! territory, period and category, under statistical secrecy.

use serde::Deserialize;

use crate::client::Client;
use crate::error::ClientError;
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
