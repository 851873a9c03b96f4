//! One line of an inbound batch, as the partner writes it, and the rules it is read by.

use plateforme_api::{ApiError, ErrorCode};
use plateforme_model::FieldError;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The system a line names when it names none.
pub const DEFAULT_SYSTEM: &str = "default";
/// The longest reference and system name, in characters.
const MAX_NAME: usize = 100;

/// One line of `POST /v1/persons/batch`: what a partner system learned of one person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reference": "RSA-69-000412", "system": "solis-rhone", "version": null,
    "person": {"identity": {"family_name": "Martin", "given_names": "Léa", "birth_date": "2001-04-12", "birth_commune": "69123"},
        "contact": {"address": {"line": "3 rue Garibaldi", "postal_code": "69003", "commune": "69123"}},
        "statuses": {"rsa_beneficiary": true, "rqth": false},
        "registration": {"registered_on": "2026-11-02", "channel": "partner"}}}))]
pub struct PersonPush {
    /// The system's own reference of the person, 1 to 100 characters, none a space (rule
    /// `reference.format`): unique per organization and `system`, it names the same person in
    /// every later line.
    pub reference: String,
    /// The partner's system (its name, 1 to 100 characters, none a space: rule `system.format`);
    /// `default` when absent. It is recorded as the provenance of every field the line writes.
    #[serde(default)]
    pub system: Option<String>,
    /// The person's version the system saw (the `version` of its last result, or the ETag of a
    /// `GET /v1/persons/{id}`), 1 or more (rule `version.range`): absent or `null` for a
    /// reference the platform does not know yet (a version for it breaks
    /// `version.unknown_reference`). For a known reference, a version that is not the person's
    /// (`version.stale`) or none (`version.required`) is answered `conflict`, problem
    /// `stale_version`.
    #[serde(default)]
    pub version: Option<i64>,
    /// For a new reference, the person as `POST /v1/persons` takes them (`NewPerson`); for a
    /// known one, a JSON Merge Patch of `identity`, `contact` and `statuses`, as
    /// `PATCH /v1/persons/{id}` takes it. A JSON object (rule `person.not_object`).
    #[schema(value_type = Object)]
    pub person: Value,
}

impl PersonPush {
    /// The line's system, as the reference is keyed.
    pub fn system(&self) -> &str {
        self.system.as_deref().unwrap_or(DEFAULT_SYSTEM)
    }
}

/// Reads a line: JSON, the shape above, and its own rules (reference, system, version). The
/// person is read by the operation the line makes, once the reference is looked up.
pub fn read(bytes: &[u8]) -> Result<PersonPush, ApiError> {
    let push: PersonPush = plateforme_api::json::parse_bytes(bytes)?;
    let mut errors = Vec::new();
    check_name("reference", &push.reference, &mut errors);
    if let Some(system) = &push.system {
        check_name("system", system, &mut errors);
    }
    if push.version.is_some_and(|version| version < 1) {
        errors.push(FieldError::new("version", "version.range", "a version is 1 or more"));
    }
    if !push.person.is_object() {
        errors.push(FieldError::new("person", "person.not_object", "the person is a JSON object"));
    }
    match errors.is_empty() {
        true => Ok(push),
        false => Err(ApiError::validation(errors)),
    }
}

fn check_name(field: &str, value: &str, errors: &mut Vec<FieldError>) {
    let length = value.chars().count();
    if length == 0 || length > MAX_NAME || value.chars().any(|character| character.is_whitespace()) {
        errors.push(FieldError::new(
            field,
            format!("{field}.format"),
            format!("the {field} is 1 to {MAX_NAME} characters, none of them a space"),
        ));
    }
}

/// The `reference` of a line that does not read as a push, if it has a readable one: so the
/// sender can match the result to its record.
pub fn reference_of(bytes: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(bytes).ok()?;
    value.get("reference")?.as_str().map(str::to_owned)
}

/// The same errors, their fields named from the line: a rule broken by the person's document is
/// `person.identity.birth_date`, not `identity.birth_date`.
pub fn within_person(mut error: ApiError) -> ApiError {
    if error.code == ErrorCode::MalformedJson {
        return error;
    }
    for field_error in &mut error.errors {
        field_error.field = match field_error.field.as_str() {
            "" | "body" => "person".to_owned(),
            field => format!("person.{field}"),
        };
    }
    if let [only] = error.errors.as_slice() {
        error.detail = format!("{}: {}", only.field, only.message);
    }
    error
}
