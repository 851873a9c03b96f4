//! `/v1/persons/{id}/trainings` and `/v1/trainings/positionings`: a person's path into training
//! — the counsellor's positioning on a session (`dossier:write`), the provider's answer, the
//! entry and the exit (`training:write`), read by the person's followers (`dossier:read`), the
//! session's provider and the région funding it (`training:read`).

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::Pager;
use crate::versioned::{Created, ETag, Versioned};

impl Client {
    /// Positions the person on a session (`NewPositioning`: `training_id`, `session_id`,
    /// `comment`); a session that takes no positioning is refused with 409 `invalid_transition`.
    pub async fn position_person(
        &self,
        person: Uuid,
        positioning: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/persons/{person}/trainings"), positioning, idempotency_key).await
    }

    pub async fn get_positioning(&self, person: Uuid, id: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/trainings/{id}")).await
    }

    /// Records the provider's next steps (`PositioningSteps`: `answer`, `entry`, `exit`) as a
    /// merge patch, each once and in order.
    pub async fn record_positioning_step(
        &self,
        person: Uuid,
        id: Uuid,
        steps: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/persons/{person}/trainings/{id}"), steps, if_match).await
    }

    /// The person's positionings, oldest first.
    pub fn person_positionings(&self, person: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/persons/{person}/trainings"), Vec::new())
    }

    /// The positionings on the caller's sessions (a provider) or on the sessions it funds (a
    /// région), optionally at one `status` (`positioned`: waiting for the answer).
    pub fn positionings(&self, status: Option<&str>) -> Pager<Value> {
        let query = status.map(|status| vec![("status".to_owned(), status.to_owned())]).unwrap_or_default();
        Pager::new(self.clone(), "/v1/trainings/positionings".to_owned(), query)
    }
}
