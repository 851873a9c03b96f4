//! The person at the heart of the dossier (dossier unique de la personne).

pub mod co_accompaniment;
pub mod consent;
pub mod contract;
pub mod diagnostic;
pub mod duties;
mod identity;
pub mod names;
mod orientation_criteria;
mod record;
pub mod review;

pub use identity::{Identity, age_on};
pub use orientation_criteria::{Aspiration, Difficulty, EmploymentSituation, OrientationCriteria};
pub use record::{
    Address, Contact, NewPerson, Orientation, OrientationBasis, OrientationInput, PathType, Person, PersonFields,
    PersonRecord, Provenance, RSA_ORIENTATION_DELAY_DAYS, Registration, RegistrationChannel, RegistrationInput,
    RsaSource, RsaStatus, RsaStatusInput, Statuses, StatusesView,
};
