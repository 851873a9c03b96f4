//! Indicators for the employment committees — the comité national pour l'emploi (CNE), the
//! regional (CRPE) and departmental (CDPE) committees — steered from shared figures: the
//! orientation decisions with the criteria of the arrêté of 21 November 2024, counted per
//! territory, month or quarter and category, under statistical secrecy. A committee reads counts,
//! never a person.

pub mod compute;
pub mod definitions;
mod list_indicators;
mod list_orientation_decisions;
pub mod live;
pub mod open_data;
pub mod published;
mod query;
mod read_indicator;

use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;

pub use list_indicators::{IndicatorSummary, VintageRef};
pub use list_orientation_decisions::{FeedPatterns, OrientationDecisionCell, OrientationDecisionTable};

pub const TAG: &str = "Indicators";

/// The secrecy thresholds: the least number of persons a published cell counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Secrecy {
    /// For callers that do not sit in an employment committee (partners, employers, training
    /// providers), as for open data: 11 by default.
    pub public_threshold: i64,
    /// For the organizations of the committees (France Travail, départements, régions, missions
    /// locales, Cap emploi, State services): finer cells, 5 by default — still never one person.
    pub committee_threshold: i64,
}

impl Secrecy {
    /// The thresholds a reader at `threshold` is protected with, ascending: the committees' first,
    /// then the public's, so that the public's pattern holds the committees' and a reader of both
    /// learns no more than from the finer one.
    pub fn up_to(&self, threshold: i64) -> Vec<i64> {
        let mut thresholds = vec![self.committee_threshold.min(threshold)];
        if threshold > thresholds[0] {
            thresholds.push(threshold);
        }
        thresholds
    }
}

impl Default for Secrecy {
    fn default() -> Self {
        Secrecy { public_threshold: 11, committee_threshold: 5 }
    }
}

/// Registers the routes under `/v1`.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(list_indicators::list_indicators)
        .service(list_orientation_decisions::list_orientation_decisions)
        .service(open_data::open_data_catalogue)
        .service(open_data::open_data_file)
        .service(read_indicator::read_indicator);
}

#[derive(OpenApi)]
#[openapi(tags((name = "Indicators", description = "Figures for the employment committees (comité national, \
régionaux et départementaux pour l'emploi: CNE, CRPE, CDPE): the orientation decisions and the criteria assessed \
(arrêté du 21 novembre 2024), counted per territory (national, région, département), month or quarter. Counts only, \
never a person: cells under the secrecy threshold are hidden, with the cells that would give them away. The indicators' \
vintages are open data (Licence Ouverte 2.0), in CSV and JSON with their Table Schema.")))]
pub struct IndicatorsApi;
