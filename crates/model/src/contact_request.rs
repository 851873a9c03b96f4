//! Contact requests of the profile bank (banque de profils): a recruiter organization asks to
//! meet the person behind a profile it found, about one of its offers or with a message; the
//! person accepts, choosing which contact details to share, or declines. The recruiter learns
//! those details only once the request is accepted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::codes::{Email, Phone};
use crate::validation::{FieldError, Validate, ValidationErrors};

/// The longest message a recruiter may send, in characters.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// Where a contact request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactRequestStatus {
    /// Waiting for the person's answer.
    Pending,
    /// Accepted: the recruiter reads the contact details the person chose to share.
    Accepted,
    /// Declined by the person.
    Declined,
    /// Cancelled because the profile is gone (deleted, or the `profile_bank` consent withdrawn).
    Cancelled,
}

impl ContactRequestStatus {
    pub const ALL: [ContactRequestStatus; 4] = [Self::Pending, Self::Accepted, Self::Declined, Self::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

/// A recruiter's request to contact the person behind a profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"pseudonym": "pf_3f2a9c0d4b5e6f708192a3b4c5d6e7f8", "offer_id": "0190f0c2-6a3e-7c1a-9e44-5a7d2b1c9e01", "message": "Bonjour, votre profil correspond à notre offre de développeur web."}))]
pub struct NewContactRequest {
    /// The profile's pseudonym, as your organization sees it in `GET /v1/profiles` or
    /// `GET /v1/offers/{id}/candidates`.
    #[schema(pattern = "^pf_[0-9a-f]{32}$")]
    pub pseudonym: String,
    /// An open offer your organization publishes (rule `offer.not_yours` otherwise). At least one
    /// of `offer_id` and `message` (rule `contact_request.empty`).
    #[serde(default)]
    pub offer_id: Option<Uuid>,
    /// A message to the person: 1 to 2,000 characters, not blank (rule `message.length`); no
    /// control character but tab and line breaks.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 2000)]
    pub message: Option<String>,
}

impl Validate for NewContactRequest {
    fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.offer_id.is_none() && self.message.is_none() {
            errors.push(FieldError::new(
                "message",
                "contact_request.empty",
                "a contact request names an offer (offer_id), carries a message, or both",
            ));
        }
        if let Some(message) = &self.message
            && (message.trim().is_empty() || message.chars().count() > MAX_MESSAGE_CHARS)
        {
            errors.push(FieldError::new(
                "message",
                "message.length",
                format!("a message holds 1 to {MAX_MESSAGE_CHARS} characters, not only spaces"),
            ));
        }
        errors.into_result()
    }
}

/// The person's answer when accepting: which contact details of their dossier to share.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"share_email": true, "share_phone": false}))]
pub struct ContactAcceptance {
    /// Share the email of the dossier. At least one of the two is shared (rule
    /// `contact_acceptance.nothing_shared`), and only what the dossier holds (rule
    /// `contact.missing`).
    #[serde(default)]
    pub share_email: bool,
    /// Share the phone number of the dossier.
    #[serde(default)]
    pub share_phone: bool,
}

impl Validate for ContactAcceptance {
    fn validate(&self) -> Result<(), ValidationErrors> {
        if self.share_email || self.share_phone {
            return Ok(());
        }
        Err(FieldError::new(
            "share_email",
            "contact_acceptance.nothing_shared",
            "accepting shares the email, the phone or both: decline the request to share nothing",
        )
        .into())
    }
}

/// The contact details a person shared on accepting a request, as read from their dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"email": "lea.martin@example.org"}))]
pub struct SharedContact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

/// A contact request as the recruiter's organization reads it: the contact details only once
/// accepted.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "0190f0c2-7b00-7c1a-9e44-5a7d2b1c9e02", "pseudonym": "pf_3f2a9c0d4b5e6f708192a3b4c5d6e7f8", "offer_id": null, "message": "Bonjour, seriez-vous disponible pour un entretien ?", "status": "accepted", "created_at": "2026-12-08T09:00:00Z", "decided_at": "2026-12-08T10:30:00Z", "contact": {"email": "lea.martin@example.org"}, "version": 2}))]
pub struct RecruiterContactRequest {
    pub id: Uuid,
    /// The profile's pseudonym the request was sent to.
    pub pseudonym: String,
    pub offer_id: Option<Uuid>,
    pub message: Option<String>,
    pub status: ContactRequestStatus,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The contact details the person chose to share: only when `accepted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<SharedContact>,
    pub version: i64,
}

/// A contact request as the person reads it in `/v1/me/contact-requests`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"id": "0190f0c2-7b00-7c1a-9e44-5a7d2b1c9e02", "organization_id": "0190f0c2-5a00-7c1a-9e44-5a7d2b1c9e03", "organization_name": "Boulangerie du Parc", "offer_id": null, "message": "Bonjour, seriez-vous disponible pour un entretien ?", "status": "pending", "share_email": false, "share_phone": false, "created_at": "2026-12-08T09:00:00Z", "decided_at": null, "version": 1}))]
pub struct MyContactRequest {
    pub id: Uuid,
    /// The recruiter's organization.
    pub organization_id: Uuid,
    /// Its name, when the organization is still registered.
    pub organization_name: Option<String>,
    pub offer_id: Option<Uuid>,
    pub message: Option<String>,
    pub status: ContactRequestStatus,
    /// What the person shared on accepting.
    pub share_email: bool,
    pub share_phone: bool,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(request: NewContactRequest) -> Vec<String> {
        request
            .validate()
            .err()
            .map(|errors| errors.into_vec().into_iter().map(|e| e.rule).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_request_names_an_offer_or_carries_a_bounded_message() {
        let request = |offer_id, message: Option<&str>| NewContactRequest {
            pseudonym: "pf_00".into(),
            offer_id,
            message: message.map(str::to_owned),
        };
        assert!(rules(request(Some(Uuid::nil()), None)).is_empty());
        assert!(rules(request(None, Some("Bonjour"))).is_empty());
        assert_eq!(rules(request(None, None)), ["contact_request.empty"]);
        assert_eq!(rules(request(None, Some("  "))), ["message.length"]);
        assert_eq!(rules(request(None, Some(&"a".repeat(MAX_MESSAGE_CHARS + 1)))), ["message.length"]);
        assert!(rules(request(None, Some(&"é".repeat(MAX_MESSAGE_CHARS)))).is_empty());
    }

    #[test]
    fn accepting_shares_something() {
        let nothing = ContactAcceptance { share_email: false, share_phone: false };
        assert!(nothing.validate().is_err());
        assert!(ContactAcceptance { share_email: false, share_phone: true }.validate().is_ok());
    }
}
