//! The body of `POST /v1/exports`, checked before anything is recorded.

use chrono::{DateTime, Utc};
use plateforme_model::{FieldError, Validate, ValidationErrors};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::event_type::resource_types;

/// What to export.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"types": ["person", "contract", "offer"], "since": "2026-12-01T00:00:00Z"}))]
pub struct ExportRequest {
    /// The resource types to export, one file each: `person`, `diagnostic`, `contract`,
    /// `review`, `consent`, `co_accompaniment`, `breach`, `profile`, `offer`, `organization`. Every type
    /// when absent. An unknown type is refused (rule `exports.type.unknown`), one named twice too
    /// (`exports.type.duplicate`), an empty list too (`exports.types.empty`). A type you may not
    /// read (a dossier's parts without `dossier:read`, breaches without
    /// `dossier.sanctions:read`) gives an empty file, as the feed gives you none of its events.
    pub types: Option<Vec<String>>,
    /// Only the records changed since this instant (RFC 3339, e.g. `2026-12-01T00:00:00Z`; rule
    /// `exports.since.format`; not in the future, rule `exports.since.future`), plus the file
    /// `deleted`: the records deleted (erasures, withdrawals) or gone out of your remit since
    /// then. Everything you may see when absent.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub since: Option<String>,
}

impl ExportRequest {
    /// The types asked for, every one when none is named.
    pub fn types(&self) -> Vec<String> {
        match &self.types {
            Some(types) => types.clone(),
            None => resource_types().map(str::to_owned).collect(),
        }
    }

    /// `since`, once validated.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.since.as_deref().and_then(|text| DateTime::parse_from_rfc3339(text).ok()).map(|time| time.to_utc())
    }
}

impl Validate for ExportRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if let Some(types) = &self.types {
            if types.is_empty() {
                errors.push(FieldError::new(
                    "types",
                    "exports.types.empty",
                    "name at least one type, or leave `types` out for all",
                ));
            }
            for (index, name) in types.iter().enumerate() {
                let field = format!("types[{index}]");
                if !resource_types().any(|known| known == name) {
                    let known = resource_types().collect::<Vec<_>>().join(", ");
                    errors.push(FieldError::new(
                        field,
                        "exports.type.unknown",
                        format!("{name:?} is not a resource type of the export ({known})"),
                    ));
                } else if types[..index].contains(name) {
                    errors.push(FieldError::new(field, "exports.type.duplicate", format!("{name:?} is named twice")));
                }
            }
        }
        if let Some(text) = &self.since {
            match DateTime::parse_from_rfc3339(text) {
                Err(_) => errors.push(FieldError::new(
                    "since",
                    "exports.since.format",
                    format!("{text:?} is not an RFC 3339 instant (e.g. 2026-12-01T00:00:00Z)"),
                )),
                Ok(time) if time.to_utc() > Utc::now() => {
                    errors.push(FieldError::new("since", "exports.since.future", format!("{text} is in the future")))
                }
                Ok(_) => {}
            }
        }
        errors.into_result()
    }
}
