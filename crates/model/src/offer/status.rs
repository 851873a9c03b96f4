use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::validation::{FieldError, Validate, ValidationErrors};

/// Where an offer stands (statut de l'offre).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    /// Open (ouverte): found by searches until its expiry.
    Open,
    /// Suspended (suspendue) by a source, e.g. while candidates are being interviewed.
    Suspended,
    /// Filled (pourvue): final.
    Filled,
    /// Cancelled (annulée) by a source: final.
    Cancelled,
    /// Expired (expirée): its expiry passed. A source reopens it by publishing it again with a
    /// later expiry.
    Expired,
}

impl OfferStatus {
    pub const ALL: [OfferStatus; 5] = [Self::Open, Self::Suspended, Self::Filled, Self::Cancelled, Self::Expired];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Suspended => "suspended",
            Self::Filled => "filled",
            Self::Cancelled => "cancelled",
            Self::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<OfferStatus> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Filled and cancelled offers take no more changes.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Filled | Self::Cancelled)
    }

    /// Whether an offer in this status may still receive sources and updates.
    pub fn is_live(self) -> bool {
        matches!(self, Self::Open | Self::Suspended)
    }

    /// The offer's life: open ⇄ suspended; either becomes filled, cancelled or expired;
    /// expired reopens when published again with a later expiry; filled and cancelled are final.
    pub fn may_become(self, next: OfferStatus) -> bool {
        use OfferStatus::{Cancelled, Expired, Filled, Open, Suspended};
        self == next
            || matches!(
                (self, next),
                (Open, Suspended | Filled | Cancelled | Expired)
                    | (Suspended, Open | Filled | Cancelled | Expired)
                    | (Expired, Open)
            )
    }

    /// Checks a change asked for through the API, where `expired` is the platform's to set.
    pub fn check_requested(self, next: OfferStatus) -> Result<(), FieldError> {
        if next == Self::Expired {
            return Err(FieldError::new(
                "status",
                "status.not_settable",
                "an offer expires at its expiry time; to end it earlier, mark it filled or cancelled",
            ));
        }
        if !self.may_become(next) {
            let hint = if self.is_final() { format!(" ({} is final)", self.as_str()) } else { String::new() };
            return Err(FieldError::new(
                "status",
                "status.transition",
                format!("an offer cannot go from {} to {}{hint}", self.as_str(), next.as_str()),
            ));
        }
        Ok(())
    }
}

/// A status change asked by a source of the offer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "filled", "reason": "Poste pourvu par une candidate orientée par la mission locale"}))]
pub struct StatusChange {
    /// The new status: `open`, `suspended`, `filled` or `cancelled` (`expired` is the
    /// platform's to set: rule `status.not_settable`), as the offer's life allows (rule
    /// `status.transition`).
    pub status: OfferStatus,
    /// Why, for the history (up to 500 characters; rule `reason.length`).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

impl StatusChange {
    pub const MAX_REASON: usize = 500;

    /// Checks the change against the offer's current status.
    pub fn check(&self, current: OfferStatus) -> Result<(), FieldError> {
        current.check_requested(self.status)
    }
}

impl Validate for StatusChange {
    fn validate(&self) -> Result<(), ValidationErrors> {
        match &self.reason {
            Some(reason) if reason.chars().count() > Self::MAX_REASON => Err(FieldError::new(
                "reason",
                "reason.length",
                format!("the reason holds at most {} characters", Self::MAX_REASON),
            )
            .into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OfferStatus::*;
    use super::*;

    #[test]
    fn transitions_follow_the_life_of_an_offer() {
        assert!(Open.may_become(Suspended) && Suspended.may_become(Open));
        assert!(Open.may_become(Filled) && Suspended.may_become(Cancelled));
        assert!(Expired.may_become(Open));
        for final_status in [Filled, Cancelled] {
            for next in OfferStatus::ALL {
                assert_eq!(final_status.may_become(next), next == final_status, "{final_status:?} → {next:?}");
            }
        }
        assert!(!Expired.may_become(Filled));
    }

    #[test]
    fn requested_changes_are_checked() {
        assert_eq!(Open.check_requested(Expired).unwrap_err().rule, "status.not_settable");
        let error = Filled.check_requested(Open).unwrap_err();
        assert_eq!(error.rule, "status.transition");
        assert!(error.message.contains("filled is final"), "{}", error.message);
        assert!(Open.check_requested(Filled).is_ok());
        let long = StatusChange { status: Filled, reason: Some("x".repeat(501)) };
        assert_eq!(long.validate().unwrap_err().into_vec()[0].rule, "reason.length");
    }
}
