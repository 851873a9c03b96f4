//! The profile bank: the person's own profile (`/v1/me/profile`, with the person's token), the
//! counsellor's read and write of a followed person's profile (`/v1/persons/{id}/profile`), the
//! recruiters' search (`/v1/profiles`), and the rankings with their reasons
//! (`/v1/offers/{id}/candidates`, `/v1/me/offers`), and contact through the platform (a
//! recruiter's `/v1/contact-requests`, the person's `/v1/me/contact-requests`).

use plateforme_model::contact_request::{
    ContactAcceptance, ContactRequestStatus, MyContactRequest, NewContactRequest, RecruiterContactRequest,
};
use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::page::{Page, Pager};
use crate::request::{RequestBuilder, query_of};
use crate::versioned::{Created, ETag, Versioned};

impl Client {
    /// A followed person's profile (scope `dossier:read`), journaled.
    pub async fn get_person_profile(&self, person: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/persons/{person}/profile")).await
    }

    /// Builds or replaces a followed person's profile (`ProfileInput`, scope `dossier:write`):
    /// the first without `if_match` (201), a replacement with the current ETag (200). Needs the
    /// person's `profile_bank` consent (409 otherwise).
    pub async fn set_person_profile(
        &self,
        person: Uuid,
        profile: &Value,
        if_match: Option<&ETag>,
    ) -> Result<Versioned<Value>, ClientError> {
        self.replace(format!("/v1/persons/{person}/profile"), profile, if_match).await
    }

    /// The profile of the person holding `person_token` (`GET /v1/me/profile`).
    pub async fn my_profile(&self, person_token: &str) -> Result<Versioned<Value>, ClientError> {
        self.get("/v1/me/profile").bearer(person_token).send().await?.expect_status(&[200])?.versioned()
    }

    /// Writes the person's own profile (`PUT /v1/me/profile`).
    pub async fn set_my_profile(
        &self,
        person_token: &str,
        profile: &Value,
        if_match: Option<&ETag>,
    ) -> Result<Versioned<Value>, ClientError> {
        let request = self
            .put("/v1/me/profile")
            .bearer(person_token)
            .json(profile)
            .with_optional(if_match, RequestBuilder::if_match);
        request.send().await?.expect_status(&[200, 201])?.versioned()
    }

    /// Pauses (`true`) or resumes (`false`) the person's own profile.
    pub async fn pause_my_profile(&self, person_token: &str, paused: bool) -> Result<Versioned<Value>, ClientError> {
        let path = if paused { "/v1/me/profile/pause" } else { "/v1/me/profile/resume" };
        self.post(path).bearer(person_token).send().await?.expect_status(&[200])?.versioned()
    }

    /// Deletes the person's own profile.
    pub async fn delete_my_profile(&self, person_token: &str) -> Result<(), ClientError> {
        self.request(reqwest::Method::DELETE, "/v1/me/profile")
            .bearer(person_token)
            .send()
            .await?
            .expect_status(&[204])?;
        Ok(())
    }

    /// Searches the profile bank (scope `profiles:read`): `pairs` are the query's parameters
    /// (`rome`, `skills`, `near_commune`, `radius_km`, `contract_type`, `available_by`,
    /// `disability_recognition`, `limit`, `cursor`). Protected criteria are refused (400).
    pub async fn search_profiles(&self, pairs: &[(String, String)]) -> Result<Value, ClientError> {
        self.get("/v1/profiles").query_pairs(pairs).send().await?.expect_status(&[200])?.json()
    }

    /// The best candidates for an offer the caller publishes (scope `profiles:read`).
    pub async fn offer_candidates(&self, offer: Uuid, pairs: &[(String, String)]) -> Result<Value, ClientError> {
        let request = self.get(format!("/v1/offers/{offer}/candidates")).query_pairs(pairs);
        request.send().await?.expect_status(&[200])?.json()
    }

    /// The open offers ranked for the person holding `person_token` (`GET /v1/me/offers`).
    pub async fn my_offers(&self, person_token: &str) -> Result<Value, ClientError> {
        self.get("/v1/me/offers").bearer(person_token).send().await?.expect_status(&[200])?.json()
    }

    /// Sends a contact request to a profile found under `request.pseudonym` (scope
    /// `profiles:read`): 201, or 404 for a profile paused or gone, 409 with `existing_id` while
    /// the organization's previous request is pending, 429 past its daily bound.
    pub async fn send_contact_request(
        &self,
        request: &NewContactRequest,
        idempotency_key: Option<&str>,
    ) -> Result<Created<RecruiterContactRequest>, ClientError> {
        self.create("/v1/contact-requests".to_owned(), request, idempotency_key).await
    }

    /// A contact request the caller's organization sent, with the contact details shared once
    /// accepted (journaled for the person).
    pub async fn get_contact_request(&self, request: Uuid) -> Result<Versioned<RecruiterContactRequest>, ClientError> {
        self.read(format!("/v1/contact-requests/{request}")).await
    }

    /// The contact requests the caller's organization sent, newest first, in `status` or all,
    /// page after page (scope `profiles:read`); the contact details only in the accepted ones.
    pub fn contact_requests(&self, status: Option<ContactRequestStatus>) -> Pager<RecruiterContactRequest> {
        let query = query_of([("status", status.map(|status| status.as_str().to_owned()))]);
        Pager::new(self.clone(), "/v1/contact-requests", query)
    }

    /// One page of the contact requests the person holding `person_token` received, newest
    /// first, from `cursor` (the first page without).
    pub async fn my_contact_requests(
        &self,
        person_token: &str,
        cursor: Option<&str>,
    ) -> Result<Page<MyContactRequest>, ClientError> {
        let query = query_of([("cursor", cursor.map(str::to_owned))]);
        let request = self.get("/v1/me/contact-requests").query_pairs(&query).bearer(person_token);
        request.send().await?.expect_status(&[200])?.json()
    }

    /// The person accepts a pending request, sharing the details chosen (`Some`), or declines it
    /// (`None`).
    pub async fn answer_contact_request(
        &self,
        person_token: &str,
        request: Uuid,
        acceptance: Option<&ContactAcceptance>,
    ) -> Result<Versioned<MyContactRequest>, ClientError> {
        let call = match acceptance {
            Some(acceptance) => self.post(format!("/v1/me/contact-requests/{request}/accept")).json(acceptance),
            None => self.post(format!("/v1/me/contact-requests/{request}/decline")),
        };
        call.bearer(person_token).send().await?.expect_status(&[200])?.versioned()
    }
}
