//! What the access layer needs at run time, shared by all workers.

use std::sync::Arc;

use plateforme_store::Store;

use crate::client_address::TrustedProxies;
use crate::external::ExternalIssuer;
use crate::keys::KeyRing;
use crate::rate_limit::{AnonymousPurpose, RateLimiter};
use crate::revocations::Revocations;
use crate::route_scopes::RouteScopes;
use crate::tokens::TokenSettings;

/// Where the server runs: demo credentials work only outside production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub tokens: TokenSettings,
    pub profile: Profile,
    /// Requests a minute for clients without a limit of their own.
    pub default_rate_limit_per_minute: u32,
    /// Requests a minute per address for calls without a token but those below.
    pub anonymous_rate_limit_per_minute: u32,
    /// Requests a minute per address for the public offer search and reads without a token.
    pub public_read_rate_limit_per_minute: u32,
    /// Requests a minute per address at the token endpoint (person-code exchanges included).
    pub token_rate_limit_per_minute: u32,
    /// The load balancers whose forwarding header names the caller's address.
    pub trusted_proxies: TrustedProxies,
}

impl AuthSettings {
    /// The limit of an anonymous call's bucket.
    pub fn anonymous_limit(&self, purpose: AnonymousPurpose) -> u32 {
        match purpose {
            AnonymousPurpose::PublicRead => self.public_read_rate_limit_per_minute,
            AnonymousPurpose::Token => self.token_rate_limit_per_minute,
            AnonymousPurpose::Other => self.anonymous_rate_limit_per_minute,
        }
    }
}

pub struct AuthState {
    pub settings: AuthSettings,
    pub keys: KeyRing,
    pub store: Store,
    pub limiter: RateLimiter,
    pub routes: RouteScopes,
    pub external: Option<ExternalIssuer>,
    /// Tokens of ours already verified (see `token_cache`).
    pub verified: crate::token_cache::TokenCache,
    /// Clients whose tokens were revoked (see `revocations`).
    pub revocations: Revocations,
}

pub type SharedAuth = Arc<AuthState>;
