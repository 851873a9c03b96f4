//! Job offers (offres d'emploi), published "once for all": one offer per job, whatever the
//! number of sites and systems that publish it.
//!
//! The document a source publishes is [`OfferFields`]; the platform derives the rest: the
//! workplace's position, the quality score, the de-duplication keys and the status.

mod batch;
pub mod dedup;
mod fields;
mod publication;
pub mod quality;
mod status;

pub use batch::BatchSummary;
pub use fields::{
    ContractType, Employer, Experience, ExperienceLevel, InclusiveHiring, OfferFields, RemoteWork, Salary,
    SalaryPeriod, SizeBand, Workplace,
};
pub use publication::{Offer, OfferLocation, OfferSource, Publication, SourceRef};
pub use quality::{Quality, QualityReason};
pub use status::{OfferStatus, StatusChange};
