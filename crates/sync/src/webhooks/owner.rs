//! The owner of a subscription as a caller, as its client stands now (scopes, organization,
//! territory): the fan-out judges each event for it with the feed's own rules, so a webhook
//! never carries what `GET /v1/changes` would not serve that client. A client disabled or gone
//! receives nothing.

use plateforme_auth::Caller;
use plateforme_auth::identity::Identity;
use plateforme_auth::policy::Principal;
use plateforme_store::access::clients;
use plateforme_store::{DbConnection, StoreError, organizations};

/// The scope without which a client receives no event (as it may not read the feed).
const CHANGES_READ: &str = "changes:read";

pub fn caller_of(conn: &mut DbConnection, client_id: &str) -> Result<Option<Caller>, StoreError> {
    let Some(client) = clients::find(conn, client_id)? else { return Ok(None) };
    if !client.enabled || !client.scopes.iter().any(|scope| scope == CHANGES_READ) {
        return Ok(None);
    }
    let Some(organization) = organizations::find(conn, client.organization_id)? else { return Ok(None) };
    let identity = Identity {
        client_id: client.client_id,
        principal: Principal {
            organization_id: organization.id,
            kind: organization.kind,
            territory: organization.territory,
        },
        scopes: client.scopes,
    };
    Ok(Some(Caller { identity, request_id: None, stated_purpose: None, counsellor: None }))
}
