//! `/v1/organizations/{id}/sites`: where people meet an organization, and the search for the
//! nearest organizations around a commune.

use serde_json::Value;
use uuid::Uuid;

use crate::client::Client;
use crate::error::ClientError;
use crate::model::organization::OrganizationKind;
use crate::page::{Page, Pager};
use crate::request::query_of;
use crate::versioned::{Created, ETag, Versioned};

impl Client {
    /// Records a reception site (`SiteFields`) of an organization: one's own, or any with `admin`.
    pub async fn create_site(
        &self,
        organization: Uuid,
        site: &Value,
        idempotency_key: Option<&str>,
    ) -> Result<Created<Value>, ClientError> {
        self.create(format!("/v1/organizations/{organization}/sites"), site, idempotency_key).await
    }

    pub async fn get_site(&self, organization: Uuid, site: Uuid) -> Result<Versioned<Value>, ClientError> {
        self.read(format!("/v1/organizations/{organization}/sites/{site}")).await
    }

    pub async fn update_site(
        &self,
        organization: Uuid,
        site: Uuid,
        patch: &Value,
        if_match: &ETag,
    ) -> Result<Versioned<Value>, ClientError> {
        self.merge_patch(format!("/v1/organizations/{organization}/sites/{site}"), patch, if_match).await
    }

    pub fn sites(&self, organization: Uuid) -> Pager<Value> {
        Pager::new(self.clone(), format!("/v1/organizations/{organization}/sites"), Vec::new())
    }

    /// One page of the organizations (of `kind`, when given) with a reception site within
    /// `radius_km` (the server's 5 by default) of the commune, nearest first: each with
    /// `nearest_site` and `distance_km`.
    pub async fn nearest_organizations(
        &self,
        commune: &str,
        radius_km: Option<f64>,
        kind: Option<OrganizationKind>,
        cursor: Option<&str>,
    ) -> Result<Page<Value>, ClientError> {
        let query = query_of([
            ("near_commune", Some(commune.to_owned())),
            ("radius_km", radius_km.map(|radius| radius.to_string())),
            ("kind", kind.map(|kind| kind.as_str().to_owned())),
            ("cursor", cursor.map(str::to_owned)),
        ]);
        self.get("/v1/organizations").query_pairs(&query).send().await?.expect_status(&[200])?.json()
    }
}
