//! Validation results shared by every type of the model.
//!
//! A validation error always names the field (as a JSON path, e.g. `territory.departements[1]`)
//! and the rule broken (a stable machine code such as `siret.luhn`), with a sentence for humans.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One broken rule on one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"field": "siret", "rule": "siret.luhn", "message": "the SIRET's Luhn checksum does not hold"}))]
pub struct FieldError {
    /// JSON path of the offending field (`body` for the document as a whole).
    pub field: String,
    /// Stable code of the rule broken, e.g. `required`, `siret.luhn`, `departement.unknown`.
    pub rule: String,
    /// What was wrong, for humans.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, rule: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), rule: rule.into(), message: message.into() }
    }
}

/// The error a code parser returns: which rule the value broke, and a sentence saying so.
///
/// It displays as `rule: message`, so that the rule survives serde, whose errors are text:
/// the API's JSON extractor splits it back into a field error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {message}")]
pub struct CodeError {
    /// Stable code of the rule broken, e.g. `siret.luhn`.
    pub rule: &'static str,
    pub message: String,
}

impl CodeError {
    pub fn new(rule: &'static str, message: impl Into<String>) -> Self {
        Self { rule, message: message.into() }
    }

    /// Attaches the field this value came from.
    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError::new(field, self.rule, self.message)
    }
}

/// Every rule a value broke, collected so the caller hears about all of them at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Records the error of a check, if any.
    pub fn check(&mut self, result: Result<(), FieldError>) {
        if let Err(error) = result {
            self.push(error);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was broken.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

/// Rules that span several fields, or that a type's parser alone cannot check.
pub trait Validate {
    fn validate(&self) -> Result<(), ValidationErrors>;
}
