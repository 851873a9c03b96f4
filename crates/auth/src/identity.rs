//! Who a verified token says the caller is.

use crate::policy::Principal;
use crate::tokens::Claims;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub client_id: String,
    pub principal: Principal,
    pub scopes: Vec<String>,
}

impl Identity {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|granted| granted == scope)
    }
}

impl From<Claims> for Identity {
    fn from(claims: Claims) -> Self {
        Identity {
            client_id: claims.client_id,
            principal: Principal {
                organization_id: claims.organization_id,
                kind: claims.organization_kind,
                territory: claims.territory,
            },
            scopes: crate::scopes::parse_list(&claims.scope),
        }
    }
}
