//! A person's consents (consentements): to appear in the profile bank, and to share the dossier
//! with a named partner. Each is given and withdrawn at a recorded time; a withdrawal takes
//! effect at once.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::validation::{FieldError, Validate, ValidationErrors};

/// What the person consents to: `profile_bank` (to appear in the profile bank, la banque de
/// profils, where employers search), or `dossier_sharing` (to share the dossier with the
/// partner named by `partner_organization_id`, which then reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentKind {
    ProfileBank,
    DossierSharing,
}

impl ConsentKind {
    pub const ALL: [ConsentKind; 2] = [Self::ProfileBank, Self::DossierSharing];

    /// The stable text form, as in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfileBank => "profile_bank",
            Self::DossierSharing => "dossier_sharing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A consent the person gives (recueil du consentement).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "dossier_sharing", "partner_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d"}))]
pub struct NewConsent {
    pub kind: ConsentKind,
    /// The partner organization the dossier is shared with: required for `dossier_sharing`
    /// (rule `partner_organization_id.required`), not given for `profile_bank` (rule
    /// `partner_organization_id.not_applicable`).
    #[serde(default)]
    pub partner_organization_id: Option<Uuid>,
}

impl Validate for NewConsent {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let field = "partner_organization_id";
        match (self.kind, self.partner_organization_id) {
            (ConsentKind::DossierSharing, None) => Err(FieldError::new(
                field,
                "partner_organization_id.required",
                "a dossier_sharing consent names the partner organization the dossier is shared with",
            )
            .into()),
            (ConsentKind::ProfileBank, Some(_)) => Err(FieldError::new(
                field,
                "partner_organization_id.not_applicable",
                "a profile_bank consent is given to the whole profile bank, not to one partner",
            )
            .into()),
            _ => Ok(()),
        }
    }
}

/// A consent as the API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "01936b32-0000-7000-8000-000000000004", "person_id": "01936b30-0000-7000-8000-000000000002",
    "kind": "dossier_sharing", "partner_organization_id": "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d",
    "active": false, "given_at": "2026-11-20T09:00:00Z", "withdrawn_at": "2026-11-24T10:00:00Z",
    "recorded_by": "ml-lyon-si", "version": 2
}))]
pub struct Consent {
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: ConsentKind,
    /// The partner the dossier is shared with (`dossier_sharing` only).
    pub partner_organization_id: Option<Uuid>,
    /// True until the consent is withdrawn.
    pub active: bool,
    /// When the consent was given (date du recueil du consentement).
    pub given_at: DateTime<Utc>,
    /// When it was withdrawn (retrait du consentement); absent while it is active.
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// The client that recorded the consent.
    pub recorded_by: String,
    /// 1 when given, 2 once withdrawn.
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rules(body: serde_json::Value) -> Vec<String> {
        let consent: NewConsent = serde_json::from_value(body).expect("a consent");
        consent
            .validate()
            .err()
            .map(ValidationErrors::into_vec)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.rule)
            .collect()
    }

    #[test]
    fn a_partner_goes_with_sharing_only() {
        let partner = "01936b2e-8f3c-7a4e-9b1d-2f6c8e4a5b7d";
        assert!(rules(json!({"kind": "dossier_sharing", "partner_organization_id": partner})).is_empty());
        assert!(rules(json!({"kind": "profile_bank"})).is_empty());
        assert_eq!(rules(json!({"kind": "dossier_sharing"})), ["partner_organization_id.required"]);
        assert_eq!(
            rules(json!({"kind": "profile_bank", "partner_organization_id": partner})),
            ["partner_organization_id.not_applicable"]
        );
        for kind in ConsentKind::ALL {
            assert_eq!(ConsentKind::parse(kind.as_str()), Some(kind));
        }
    }
}
