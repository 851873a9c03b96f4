//! Typed configuration: defaults, then an optional TOML file, then `PLATEFORME_*` environment
//! variables (and `DATABASE_URL`). A bad or unknown key fails the start, naming the key.

use std::path::Path;

use plateforme_auth::Profile;
use plateforme_auth::client_address::{Cidr, ForwardedHeader, TrustedProxies};
use plateforme_auth::external::ExternalIssuerConfig;
use plateforme_auth::key_encryption::{self, KeyEncryption, KeyEncryptionError};
use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: String,
    /// `sqlite://PATH` (the embedded default) or `postgres://…`.
    pub database_url: String,
    /// Connections in the database pool.
    pub database_pool_size: u32,
    /// A PostgreSQL standby of `database_url` for the reads that tolerate staleness (the
    /// organization list); none by default: every read goes to `database_url`.
    pub read_database_url: Option<String>,
    pub log_format: LogFormat,
    /// Largest request body accepted, in bytes (and largest line of an NDJSON batch).
    pub max_body_bytes: usize,
    /// Largest NDJSON batch body accepted, in bytes.
    pub max_batch_bytes: usize,
    /// How often offers past their expiry are marked expired, in seconds.
    pub offer_expiry_sweep_secs: u64,
    /// The folder of this replica's search indexes (one per searchable kind), rebuilt from the
    /// database when missing: each replica needs its own.
    pub search_index_dir: std::path::PathBuf,
    /// How long a dossier is kept after the last change to any of its parts, and an access in
    /// the journal after it was made, in days; the daily retention jobs erase them then
    /// (docs/retention.md).
    pub dossier_retention_days: u32,
    /// How far back a follower of the change feed may resume, in days: a cursor handed out
    /// longer ago answers 410 `cursor_expired` (docs/sync.md, Retention).
    pub change_feed_retention_days: u32,
    /// HTTP worker threads (the number of cores when absent).
    pub workers: Option<usize>,
    /// How long in-flight requests may run on shutdown, in seconds.
    pub shutdown_timeout_secs: u64,
    /// `development` or `production`; demo credentials are refused in production.
    pub profile: Profile,
    /// The `iss` of the access tokens: the public base URL of the platform.
    pub issuer: Option<String>,
    /// The `aud` of the access tokens.
    pub audience: String,
    /// How long an access token lives, in seconds.
    pub token_lifetime_secs: u64,
    /// Requests a minute for a client without a limit of its own.
    pub default_rate_limit_per_minute: u32,
    /// Requests a minute per address for calls without a token, but the public offer reads and
    /// the token endpoint (each their own bucket) and the probes and discovery documents
    /// (never limited).
    pub anonymous_rate_limit_per_minute: u32,
    /// Requests a minute per address for the public offer search and reads without a token.
    pub public_read_rate_limit_per_minute: u32,
    /// Requests a minute per address at `/oauth/token` (person-code exchanges included).
    pub token_rate_limit_per_minute: u32,
    /// The load balancers (addresses or CIDR blocks) whose forwarding header names the caller's
    /// address for the anonymous rate limits and the request log; none by default.
    pub trusted_proxies: Vec<String>,
    /// The header those proxies write: `x-forwarded-for` or `forwarded`.
    pub forwarded_header: ForwardedHeader,
    /// How often each server re-reads the revoked clients, in seconds: the bound within which a
    /// client disabled (or whose secret is rotated) on one server sees its tokens refused on all.
    pub token_revocation_refresh_secs: u64,
    /// An external identity provider whose tokens are accepted too.
    pub external_issuer: Option<ExternalIssuerConfig>,
    /// The secret key of the NIR's keyed hash (HMAC-SHA256), at least 32 bytes. Changing it
    /// makes every stored NIR hash unmatchable: keep it with the database's secrets.
    pub nir_hash_key: Option<Secret>,
    /// The key-encryption key (KEK) that seals the private signing keys in the database, at
    /// least 32 bytes. Without it the database cannot sign a token: keep it apart from the
    /// database's backups. Required under the production profile.
    pub key_encryption_key: Option<Secret>,
    /// Former KEKs, still accepted to open the keys they sealed until `plateforme keys rewrap`
    /// has sealed every key under the current one.
    pub previous_key_encryption_keys: Vec<Secret>,
    // Webhooks (issue 12, item 3).
    /// Whether this replica fans out the change feed to the webhook subscriptions and delivers
    /// (every replica may: each delivery is claimed by one).
    pub webhook_worker: bool,
    /// Hosts a webhook may target over `http` and at any address (loopback, private…): for
    /// development and tests only, refused under the production profile. Empty by default.
    pub webhook_allowed_hosts: Vec<String>,
    /// How long a webhook receiver has to answer, in seconds.
    pub webhook_timeout_secs: u64,
    /// The waits between a webhook delivery's attempts, in seconds; after the last, the delivery
    /// is dead. Standard Webhooks' schedule by default (about three days).
    pub webhook_retry_schedule_secs: Vec<u64>,
    /// How often the webhook worker looks for due deliveries and other replicas' events, in
    /// milliseconds.
    pub webhook_poll_interval_ms: u64,
    // Indicators (issue 16).
    /// The least number of persons a published indicator cell counts for the public and open
    /// data (secret statistique), 11 by default.
    pub indicators_public_threshold: i64,
    /// The same for the organizations of the employment committees, from 3 up to
    /// `indicators_public_threshold`; 5 by default.
    pub indicators_committee_threshold: i64,
    /// Whether this replica keeps the indicators' live figures current from the change feed
    /// (every replica may: one follows at a time).
    pub indicators_live_follower: bool,
}

/// A secret setting: read from the configuration, never shown by `Debug` (nor so in logs).
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://data/plateforme.db".into(),
            database_pool_size: 16,
            read_database_url: None,
            log_format: LogFormat::Text,
            max_body_bytes: 1024 * 1024,
            max_batch_bytes: 256 * 1024 * 1024,
            offer_expiry_sweep_secs: 60,
            search_index_dir: "data/search".into(),
            dossier_retention_days: DEFAULT_DOSSIER_RETENTION_DAYS,
            change_feed_retention_days: DEFAULT_CHANGE_FEED_RETENTION_DAYS,
            workers: None,
            shutdown_timeout_secs: 30,
            profile: Profile::Development,
            issuer: None,
            audience: "plateforme".into(),
            token_lifetime_secs: 600,
            default_rate_limit_per_minute: 1200,
            anonymous_rate_limit_per_minute: 120,
            public_read_rate_limit_per_minute: 120,
            token_rate_limit_per_minute: 120,
            token_revocation_refresh_secs: 5,
            trusted_proxies: Vec::new(),
            forwarded_header: ForwardedHeader::XForwardedFor,
            external_issuer: None,
            nir_hash_key: None,
            key_encryption_key: None,
            previous_key_encryption_keys: Vec::new(),
            webhook_worker: true,
            webhook_allowed_hosts: Vec::new(),
            webhook_timeout_secs: 10,
            webhook_retry_schedule_secs: plateforme_sync::webhooks::DEFAULT_RETRY_SCHEDULE_SECS.to_vec(),
            webhook_poll_interval_ms: 1000,
            indicators_public_threshold: 11,
            indicators_committee_threshold: 5,
            indicators_live_follower: true,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration {key}: {message}")]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

fn error(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { key: key.to_owned(), message: message.into() }
}

const ENV_PREFIX: &str = "PLATEFORME_";
pub use plateforme_auth::key_encryption::DEVELOPMENT_KEY_ENCRYPTION_KEY;
/// The file named by `--config` or this variable.
/// Two years after the last change: see docs/retention.md for why.
pub const DEFAULT_DOSSIER_RETENTION_DAYS: u32 = 730;

/// A month: a partner system down for a few weeks resumes from its cursor (docs/sync.md).
pub const DEFAULT_CHANGE_FEED_RETENTION_DAYS: u32 = 30;

const CHANGE_FEED_RETENTION_DAYS: std::ops::RangeInclusive<u32> = 1..=3650;

/// At least a month, so that a mistyped value cannot erase the dossiers in use; at most twenty
/// years, the longest docs/retention.md knows a text of the network to allow.
const DOSSIER_RETENTION_DAYS: std::ops::RangeInclusive<u32> = 30..=7300;

pub const CONFIG_FILE_ENV: &str = "PLATEFORME_CONFIG";

impl Config {
    /// Defaults ← file ← environment.
    pub fn load(file: Option<&Path>, env: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Self::from_file(path)?,
            None => Config::default(),
        };
        for (name, value) in env {
            config.apply_env(&name, &value)?;
        }
        config.check()?;
        Ok(config)
    }

    fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let key = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| error(&key, format!("cannot read: {e}")))?;
        toml::from_str(&text).map_err(|e| error(&key, e.message().to_owned()))
    }

    fn apply_env(&mut self, name: &str, value: &str) -> Result<(), ConfigError> {
        match name {
            "DATABASE_URL" => self.database_url = value.to_owned(),
            "PLATEFORME_LISTEN" => self.listen = value.to_owned(),
            "PLATEFORME_DATABASE_POOL_SIZE" => self.database_pool_size = parse(name, value)?,
            "PLATEFORME_READ_DATABASE_URL" => self.read_database_url = Some(value.to_owned()),
            "PLATEFORME_LOG_FORMAT" => {
                self.log_format = one_of(name, value, &[("text", LogFormat::Text), ("json", LogFormat::Json)])?;
            }
            "PLATEFORME_MAX_BODY_BYTES" => self.max_body_bytes = parse(name, value)?,
            "PLATEFORME_MAX_BATCH_BYTES" => self.max_batch_bytes = parse(name, value)?,
            "PLATEFORME_OFFER_EXPIRY_SWEEP_SECS" => self.offer_expiry_sweep_secs = parse(name, value)?,
            "PLATEFORME_SEARCH_INDEX_DIR" => self.search_index_dir = value.into(),
            "PLATEFORME_DOSSIER_RETENTION_DAYS" => self.dossier_retention_days = parse(name, value)?,
            "PLATEFORME_CHANGE_FEED_RETENTION_DAYS" => self.change_feed_retention_days = parse(name, value)?,
            "PLATEFORME_WORKERS" => self.workers = Some(parse(name, value)?),
            "PLATEFORME_SHUTDOWN_TIMEOUT_SECS" => self.shutdown_timeout_secs = parse(name, value)?,
            "PLATEFORME_PROFILE" => {
                self.profile =
                    one_of(name, value, &[("development", Profile::Development), ("production", Profile::Production)])?;
            }
            "PLATEFORME_ISSUER" => self.issuer = Some(value.to_owned()),
            "PLATEFORME_AUDIENCE" => self.audience = value.to_owned(),
            "PLATEFORME_NIR_HASH_KEY" => self.nir_hash_key = Some(Secret(value.to_owned())),
            "PLATEFORME_KEY_ENCRYPTION_KEY" => self.key_encryption_key = Some(Secret(value.to_owned())),
            "PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS" => {
                self.previous_key_encryption_keys = comma_separated(value).into_iter().map(Secret).collect();
            }
            "PLATEFORME_TOKEN_LIFETIME_SECS" => self.token_lifetime_secs = parse(name, value)?,
            "PLATEFORME_DEFAULT_RATE_LIMIT_PER_MINUTE" => self.default_rate_limit_per_minute = parse(name, value)?,
            "PLATEFORME_ANONYMOUS_RATE_LIMIT_PER_MINUTE" => self.anonymous_rate_limit_per_minute = parse(name, value)?,
            "PLATEFORME_PUBLIC_READ_RATE_LIMIT_PER_MINUTE" => {
                self.public_read_rate_limit_per_minute = parse(name, value)?;
            }
            "PLATEFORME_TOKEN_RATE_LIMIT_PER_MINUTE" => self.token_rate_limit_per_minute = parse(name, value)?,
            "PLATEFORME_TRUSTED_PROXIES" => self.trusted_proxies = comma_separated(value),
            "PLATEFORME_FORWARDED_HEADER" => {
                self.forwarded_header = one_of(
                    name,
                    value,
                    &[("x-forwarded-for", ForwardedHeader::XForwardedFor), ("forwarded", ForwardedHeader::Forwarded)],
                )?;
            }
            "PLATEFORME_TOKEN_REVOCATION_REFRESH_SECS" => self.token_revocation_refresh_secs = parse(name, value)?,
            // Each variable fills in the `[external_issuer]` table (starting it when the file has
            // none); `check` then names any of the three required ones left unset.
            "PLATEFORME_EXTERNAL_ISSUER" => self.external_issuer.get_or_insert_default().issuer = value.to_owned(),
            "PLATEFORME_EXTERNAL_AUDIENCE" => self.external_issuer.get_or_insert_default().audience = value.to_owned(),
            "PLATEFORME_EXTERNAL_JWKS_URL" => self.external_issuer.get_or_insert_default().jwks_url = value.to_owned(),
            "PLATEFORME_EXTERNAL_ORGANIZATION_CLAIM" => {
                self.external_issuer.get_or_insert_default().organization_claim = value.to_owned();
            }
            "PLATEFORME_WEBHOOK_WORKER" => self.webhook_worker = parse(name, value)?,
            "PLATEFORME_WEBHOOK_ALLOWED_HOSTS" => self.webhook_allowed_hosts = comma_separated(value),
            "PLATEFORME_WEBHOOK_TIMEOUT_SECS" => self.webhook_timeout_secs = parse(name, value)?,
            "PLATEFORME_WEBHOOK_RETRY_SCHEDULE_SECS" => {
                self.webhook_retry_schedule_secs =
                    comma_separated(value).iter().map(|secs| parse(name, secs)).collect::<Result<_, _>>()?;
            }
            "PLATEFORME_WEBHOOK_POLL_INTERVAL_MS" => self.webhook_poll_interval_ms = parse(name, value)?,
            "PLATEFORME_INDICATORS_PUBLIC_THRESHOLD" => self.indicators_public_threshold = parse(name, value)?,
            "PLATEFORME_INDICATORS_COMMITTEE_THRESHOLD" => self.indicators_committee_threshold = parse(name, value)?,
            "PLATEFORME_INDICATORS_LIVE_FOLLOWER" => self.indicators_live_follower = parse(name, value)?,
            CONFIG_FILE_ENV => {}
            other if other.starts_with(ENV_PREFIX) => {
                return Err(error(other, "is not a setting of Plateforme (see docs/operations.md)"));
            }
            _ => {}
        }
        Ok(())
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(error("listen", format!("must be an address such as 127.0.0.1:8080; got {:?}", self.listen)));
        }
        plateforme_store::Backend::of_url(&self.database_url).map_err(|e| error("database_url", e.to_string()))?;
        if self.database_pool_size == 0 {
            return Err(error("database_pool_size", "must be at least 1"));
        }
        if let Some(url) = &self.read_database_url {
            let postgres =
                |url: &str| plateforme_store::Backend::of_url(url).ok() == Some(plateforme_store::Backend::Postgres);
            if !postgres(url) || !postgres(&self.database_url) {
                return Err(error(
                    "read_database_url",
                    "must be a postgres:// URL of a standby of database_url, itself PostgreSQL",
                ));
            }
        }
        if self.max_body_bytes < 1024 {
            return Err(error("max_body_bytes", "must be at least 1024"));
        }
        if self.max_batch_bytes < self.max_body_bytes {
            return Err(error("max_batch_bytes", "must be at least max_body_bytes"));
        }
        if self.search_index_dir.as_os_str().is_empty() {
            return Err(error("search_index_dir", "must name a folder"));
        }
        if !(1..=86_400).contains(&self.offer_expiry_sweep_secs) {
            return Err(error("offer_expiry_sweep_secs", "must be between 1 and 86400"));
        }
        if !DOSSIER_RETENTION_DAYS.contains(&self.dossier_retention_days) {
            return Err(error("dossier_retention_days", "must be between 30 and 7300 (20 years)"));
        }
        if !CHANGE_FEED_RETENTION_DAYS.contains(&self.change_feed_retention_days) {
            return Err(error("change_feed_retention_days", "must be between 1 and 3650 (10 years)"));
        }
        match &self.nir_hash_key {
            Some(key) if key.0.len() < 32 => return Err(error("nir_hash_key", "must be at least 32 bytes")),
            None if self.profile == Profile::Production => {
                return Err(error(
                    "nir_hash_key",
                    "is required under the production profile (PLATEFORME_NIR_HASH_KEY)",
                ));
            }
            _ => {}
        }
        self.check_key_encryption_keys()?;
        if self.workers == Some(0) {
            return Err(error("workers", "must be at least 1"));
        }
        if !(60..=86_400).contains(&self.token_lifetime_secs) {
            return Err(error("token_lifetime_secs", "must be between 60 and 86400"));
        }
        let limits = [
            self.default_rate_limit_per_minute,
            self.anonymous_rate_limit_per_minute,
            self.public_read_rate_limit_per_minute,
            self.token_rate_limit_per_minute,
        ];
        if limits.contains(&0) {
            return Err(error("rate limits", "must be at least 1 request a minute"));
        }
        self.trusted_proxies().map_err(|message| error("trusted_proxies", message))?;
        self.check_webhooks()?;
        if !(1..=60).contains(&self.token_revocation_refresh_secs) {
            return Err(error("token_revocation_refresh_secs", "must be between 1 and 60"));
        }
        if let Some(issuer) = &self.issuer
            && !(issuer.starts_with("https://") || issuer.starts_with("http://"))
        {
            return Err(error("issuer", format!("must be the platform's base URL; got {issuer:?}")));
        }
        if let Some(external) = &self.external_issuer {
            if let Some(problem) = external.problem() {
                // Named by the variable that sets it, since a missing one can only come from
                // the environment (the file's table requires all three).
                let key = match problem.field {
                    "issuer" => "PLATEFORME_EXTERNAL_ISSUER".to_owned(),
                    "audience" => "PLATEFORME_EXTERNAL_AUDIENCE".to_owned(),
                    "jwks_url" => "PLATEFORME_EXTERNAL_JWKS_URL".to_owned(),
                    "organization_claim" => "PLATEFORME_EXTERNAL_ORGANIZATION_CLAIM".to_owned(),
                    field => format!("external_issuer.{field}"),
                };
                return Err(error(&key, format!("{} (`{}` of [external_issuer])", problem.message, problem.field)));
            }
            // Tokens are routed by their `iss`: the same issuer would send all of ours to the
            // external verifier, which cannot check them.
            if external.issuer == self.issuer() {
                return Err(error("PLATEFORME_EXTERNAL_ISSUER", "must differ from the platform's own issuer"));
            }
        }
        Ok(())
    }

    fn check_key_encryption_keys(&self) -> Result<(), ConfigError> {
        let too_short = |key: &Secret| key.0.len() < key_encryption::MIN_SECRET_BYTES;
        match &self.key_encryption_key {
            Some(key) if too_short(key) => return Err(error("key_encryption_key", "must be at least 32 bytes")),
            None if self.profile == Profile::Production => {
                return Err(error(
                    "key_encryption_key",
                    "is required under the production profile (PLATEFORME_KEY_ENCRYPTION_KEY)",
                ));
            }
            _ => {}
        }
        if self.previous_key_encryption_keys.iter().any(too_short) {
            return Err(error("previous_key_encryption_keys", "each must be at least 32 bytes"));
        }
        Ok(())
    }

    /// The KEKs that seal and open the signing keys; outside production, without one set, a
    /// fixed development KEK (not secret: the keys of a development database are not either).
    pub fn key_encryption(&self) -> Result<KeyEncryption, KeyEncryptionError> {
        let current = self.key_encryption_key.as_ref().map_or(DEVELOPMENT_KEY_ENCRYPTION_KEY, |key| key.0.as_str());
        let previous: Vec<&[u8]> = self.previous_key_encryption_keys.iter().map(|key| key.0.as_bytes()).collect();
        KeyEncryption::new(current.as_bytes(), &previous)
    }

    /// The key that signs the lists' cursors: derived from the current key-encryption key
    /// (domain-separated, see `plateforme_store::cursor`), so every replica shares it with no
    /// setting of its own. Rotating the KEK invalidates the cursors handed out before.
    pub fn cursor_key(&self) -> [u8; 32] {
        let kek = self.key_encryption_key.as_ref().map_or(DEVELOPMENT_KEY_ENCRYPTION_KEY, |key| key.0.as_str());
        plateforme_store::cursor::derive_key(kek.as_bytes())
    }

    /// The trusted proxies, parsed (checked when the configuration was loaded).
    pub fn trusted_proxies(&self) -> Result<TrustedProxies, String> {
        let blocks = self.trusted_proxies.iter().map(|block| Cidr::parse(block)).collect::<Result<_, _>>()?;
        Ok(TrustedProxies { blocks, header: self.forwarded_header })
    }

    /// The token issuer: the configured one, or this server's own address.
    pub fn issuer(&self) -> String {
        self.issuer.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// The NIR hash key; outside production a fixed development key, so demo data matches.
    pub fn nir_key(&self) -> Vec<u8> {
        let key =
            self.nir_hash_key.as_ref().map(|key| key.0.as_str()).unwrap_or("plateforme-development-nir-key-not-secret");
        key.as_bytes().to_vec()
    }

    /// The database URL without its password, for logs.
    pub fn redacted_database_url(&self) -> String {
        redacted(&self.database_url)
    }

    /// The read database's URL without its password, for logs.
    pub fn redacted_read_database_url(&self) -> Option<String> {
        self.read_database_url.as_deref().map(redacted)
    }
}

/// `url` without its password.
fn redacted(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme && url[scheme + 3..at].contains(':') => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// The non-empty items of a comma-separated list, trimmed.
// Webhooks (issue 12, item 3).
impl Config {
    fn check_webhooks(&self) -> Result<(), ConfigError> {
        if !self.webhook_allowed_hosts.is_empty() && self.profile == Profile::Production {
            return Err(error(
                "webhook_allowed_hosts",
                "lets webhooks reach private addresses: for development only, refused under the production profile",
            ));
        }
        if !(1..=60).contains(&self.webhook_timeout_secs) {
            return Err(error("webhook_timeout_secs", "must be between 1 and 60"));
        }
        if self.webhook_retry_schedule_secs.len() > 20
            || self.webhook_retry_schedule_secs.iter().any(|secs| !(1..=86_400).contains(secs))
        {
            return Err(error("webhook_retry_schedule_secs", "must be at most 20 waits of 1 to 86400 seconds"));
        }
        if !(10..=60_000).contains(&self.webhook_poll_interval_ms) {
            return Err(error("webhook_poll_interval_ms", "must be between 10 and 60000"));
        }
        self.check_indicators()
    }

    // Indicators (issue 16).
    fn check_indicators(&self) -> Result<(), ConfigError> {
        if !(3..=1000).contains(&self.indicators_public_threshold) {
            return Err(error("indicators_public_threshold", "must be between 3 and 1000"));
        }
        if !(3..=self.indicators_public_threshold).contains(&self.indicators_committee_threshold) {
            return Err(error("indicators_committee_threshold", "must be from 3 to indicators_public_threshold"));
        }
        Ok(())
    }

    /// The secrecy thresholds of the indicators.
    pub fn secrecy(&self) -> plateforme_indicators::Secrecy {
        plateforme_indicators::Secrecy {
            public_threshold: self.indicators_public_threshold,
            committee_threshold: self.indicators_committee_threshold,
        }
    }

    /// How the webhooks run.
    pub fn webhook_settings(&self) -> plateforme_sync::WebhookSettings {
        plateforme_sync::WebhookSettings {
            worker: self.webhook_worker,
            timeout: std::time::Duration::from_secs(self.webhook_timeout_secs),
            retry_schedule: self
                .webhook_retry_schedule_secs
                .iter()
                .map(|secs| std::time::Duration::from_secs(*secs))
                .collect(),
            poll_interval: std::time::Duration::from_millis(self.webhook_poll_interval_ms),
            ..plateforme_sync::WebhookSettings::default()
        }
        .with_allowed_hosts(self.webhook_allowed_hosts.clone())
    }
}

fn comma_separated(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|item| !item.is_empty()).map(str::to_owned).collect()
}

fn parse<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e| error(key, format!("{e}; got {value:?}")))
}

/// The choice `value` names among `choices`; otherwise an error that lists them all.
fn one_of<T: Copy>(key: &str, value: &str, choices: &[(&str, T)]) -> Result<T, ConfigError> {
    match choices.iter().find(|(name, _)| *name == value) {
        Some((_, choice)) => Ok(*choice),
        None => {
            let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
            Err(error(key, format!("must be {}; got {value:?}", names.join(" or "))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn environment_overrides_defaults() -> Result<(), ConfigError> {
        let config =
            Config::load(None, env(&[("PLATEFORME_LISTEN", "0.0.0.0:9000"), ("PLATEFORME_LOG_FORMAT", "json")]))?;
        assert_eq!(config.listen, "0.0.0.0:9000");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.database_url, "sqlite://data/plateforme.db");
        Ok(())
    }

    #[test]
    fn a_bad_or_unknown_key_is_named() {
        let bad = Config::load(None, env(&[("PLATEFORME_DATABASE_POOL_SIZE", "many")])).err().map(|e| e.key);
        assert_eq!(bad.as_deref(), Some("PLATEFORME_DATABASE_POOL_SIZE"));
        let unknown = Config::load(None, env(&[("PLATEFORME_LISTNE", "x")])).err().map(|e| e.key);
        assert_eq!(unknown.as_deref(), Some("PLATEFORME_LISTNE"));
        let url = Config::load(None, env(&[("DATABASE_URL", "mysql://x")])).err().map(|e| e.key);
        assert_eq!(url.as_deref(), Some("database_url"));
    }

    // Webhooks (issue 12, item 3).
    #[test]
    fn the_webhook_settings_are_read_and_bounded() -> Result<(), ConfigError> {
        let config = Config::load(
            None,
            env(&[
                ("PLATEFORME_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1, localhost"),
                ("PLATEFORME_WEBHOOK_RETRY_SCHEDULE_SECS", "1,2,3"),
                ("PLATEFORME_WEBHOOK_WORKER", "false"),
            ]),
        )?;
        assert_eq!(config.webhook_allowed_hosts, ["127.0.0.1", "localhost"]);
        let settings = config.webhook_settings();
        assert_eq!(settings.retry_schedule.len(), 3);
        assert!(!settings.worker && settings.allowed_hosts.allows("localhost"));
        assert_eq!(Config::default().webhook_retry_schedule_secs.iter().sum::<u64>(), 272_105, "about three days");
        let key = |pairs: &[(&str, &str)]| Config::load(None, env(pairs)).err().map(|e| e.key);
        let production = [
            ("PLATEFORME_PROFILE", "production"),
            ("PLATEFORME_NIR_HASH_KEY", "a production NIR hash key of 32+ bytes"),
            ("PLATEFORME_KEY_ENCRYPTION_KEY", "a production key-encryption key, 32+ bytes"),
            ("PLATEFORME_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"),
        ];
        assert_eq!(key(&production).as_deref(), Some("webhook_allowed_hosts"));
        assert_eq!(key(&[("PLATEFORME_WEBHOOK_TIMEOUT_SECS", "0")]).as_deref(), Some("webhook_timeout_secs"));
        let schedule = [("PLATEFORME_WEBHOOK_RETRY_SCHEDULE_SECS", "5,0")];
        assert_eq!(key(&schedule).as_deref(), Some("webhook_retry_schedule_secs"));
        assert_eq!(key(&[("PLATEFORME_WEBHOOK_WORKER", "maybe")]).as_deref(), Some("PLATEFORME_WEBHOOK_WORKER"));
        Ok(())
    }

    #[test]
    fn a_value_outside_its_choices_lists_them() {
        let message = |name, value| Config::load(None, env(&[(name, value)])).err().map(|e| e.message);
        assert_eq!(message("PLATEFORME_LOG_FORMAT", "yaml").as_deref(), Some("must be text or json; got \"yaml\""));
        assert_eq!(
            message("PLATEFORME_PROFILE", "prod").as_deref(),
            Some("must be development or production; got \"prod\"")
        );
        assert!(message("PLATEFORME_PROFILE", "development").is_none(), "a listed choice is taken");
    }

    #[test]
    fn the_dossier_retention_is_a_setting_within_its_bounds() -> Result<(), ConfigError> {
        assert_eq!(Config::default().dossier_retention_days, 730, "the default the docs state");
        let config = Config::load(None, env(&[("PLATEFORME_DOSSIER_RETENTION_DAYS", "365")]))?;
        assert_eq!(config.dossier_retention_days, 365);
        for (days, accepted) in [("29", false), ("30", true), ("7300", true), ("7301", false)] {
            let loaded = Config::load(None, env(&[("PLATEFORME_DOSSIER_RETENTION_DAYS", days)]));
            assert_eq!(loaded.as_ref().err().map(|e| e.key.as_str()), (!accepted).then_some("dossier_retention_days"));
        }
        Ok(())
    }

    #[test]
    fn the_change_feed_retention_is_a_setting_within_its_bounds() -> Result<(), ConfigError> {
        assert_eq!(Config::default().change_feed_retention_days, 30, "the default docs/sync.md states");
        for (days, accepted) in [("0", false), ("1", true), ("3650", true), ("3651", false)] {
            let loaded = Config::load(None, env(&[("PLATEFORME_CHANGE_FEED_RETENTION_DAYS", days)]));
            assert_eq!(
                loaded.as_ref().err().map(|e| e.key.as_str()),
                (!accepted).then_some("change_feed_retention_days")
            );
        }
        Ok(())
    }

    #[test]
    fn the_anonymous_buckets_and_the_revocation_bound_are_settings() -> Result<(), ConfigError> {
        let config = Config::load(
            None,
            env(&[
                ("PLATEFORME_PUBLIC_READ_RATE_LIMIT_PER_MINUTE", "600"),
                ("PLATEFORME_TOKEN_RATE_LIMIT_PER_MINUTE", "300"),
                ("PLATEFORME_TOKEN_REVOCATION_REFRESH_SECS", "2"),
            ]),
        )?;
        assert_eq!((config.public_read_rate_limit_per_minute, config.token_rate_limit_per_minute), (600, 300));
        assert_eq!(config.token_revocation_refresh_secs, 2);
        assert_eq!(Config::default().token_revocation_refresh_secs, 5, "the bound the docs state");
        let zero = Config::load(None, env(&[("PLATEFORME_TOKEN_RATE_LIMIT_PER_MINUTE", "0")])).err().map(|e| e.key);
        assert_eq!(zero.as_deref(), Some("rate limits"));
        let slow = Config::load(None, env(&[("PLATEFORME_TOKEN_REVOCATION_REFRESH_SECS", "61")])).err().map(|e| e.key);
        assert_eq!(slow.as_deref(), Some("token_revocation_refresh_secs"));
        Ok(())
    }

    #[test]
    fn an_unknown_file_key_is_named() -> Result<(), Box<dyn std::error::Error>> {
        let file = std::env::temp_dir().join(format!("plateforme-config-{}.toml", std::process::id()));
        std::fs::write(&file, "listen = \"127.0.0.1:1\"\ncolour = 3\n")?;
        let message = Config::load(Some(&file), Vec::new()).err().map(|e| e.to_string()).unwrap_or_default();
        std::fs::remove_file(&file)?;
        assert!(message.contains("colour"), "{message}");
        Ok(())
    }

    const EXTERNAL: [(&str, &str); 3] = [
        ("PLATEFORME_EXTERNAL_ISSUER", "https://idp.example"),
        ("PLATEFORME_EXTERNAL_AUDIENCE", "plateforme"),
        ("PLATEFORME_EXTERNAL_JWKS_URL", "https://idp.example/jwks.json"),
    ];

    #[test]
    fn the_external_issuer_comes_from_three_variables() -> Result<(), ConfigError> {
        assert!(Config::load(None, Vec::new())?.external_issuer.is_none());
        let config = Config::load(None, env(&EXTERNAL))?;
        let external = config.external_issuer.expect("an external issuer");
        assert_eq!(
            (external.issuer.as_str(), external.audience.as_str(), external.jwks_url.as_str()),
            ("https://idp.example", "plateforme", "https://idp.example/jwks.json")
        );
        assert_eq!(external.organization_claim, "organization_siret", "the default mapping");

        let mut renamed = EXTERNAL.to_vec();
        renamed.push(("PLATEFORME_EXTERNAL_ORGANIZATION_CLAIM", "siret"));
        let config = Config::load(None, env(&renamed))?;
        assert_eq!(config.external_issuer.map(|external| external.organization_claim).as_deref(), Some("siret"));
        Ok(())
    }

    #[test]
    fn a_missing_external_variable_is_named() {
        for missing in 0..EXTERNAL.len() {
            let mut partial = EXTERNAL.to_vec();
            let (name, _) = partial.remove(missing);
            let key = Config::load(None, env(&partial)).err().map(|e| e.key);
            assert_eq!(key.as_deref(), Some(name));
        }
        let claim_alone = env(&[("PLATEFORME_EXTERNAL_ORGANIZATION_CLAIM", "siret")]);
        let key = Config::load(None, claim_alone).err().map(|e| e.key);
        assert_eq!(key.as_deref(), Some("PLATEFORME_EXTERNAL_ISSUER"));
        let mut bad_url = EXTERNAL.to_vec();
        bad_url[2].1 = "idp.example/jwks.json";
        let key = Config::load(None, env(&bad_url)).err().map(|e| e.key);
        assert_eq!(key.as_deref(), Some("PLATEFORME_EXTERNAL_JWKS_URL"));
    }

    #[test]
    fn the_external_issuer_cannot_be_ours() {
        let mut same = EXTERNAL.to_vec();
        same.push(("PLATEFORME_ISSUER", "https://idp.example"));
        let key = Config::load(None, env(&same)).err().map(|e| e.key);
        assert_eq!(key.as_deref(), Some("PLATEFORME_EXTERNAL_ISSUER"));
    }

    #[test]
    fn the_external_issuer_table_is_read_and_checked() -> Result<(), Box<dyn std::error::Error>> {
        let file = std::env::temp_dir().join(format!("plateforme-external-{}.toml", std::process::id()));
        let table = "[external_issuer]\nissuer = \"https://idp.example\"\naudience = \"plateforme\"\n\
                     jwks_url = \"https://idp.example/jwks.json\"\nscope_claim = \"scp\"\n";
        std::fs::write(&file, table)?;
        let overridden = Config::load(Some(&file), env(&[("PLATEFORME_EXTERNAL_AUDIENCE", "other")]));
        std::fs::write(&file, format!("{table}algorithms = [\"HS256\"]\n"))?;
        let symmetric = Config::load(Some(&file), Vec::new()).err().map(|e| e.key);
        std::fs::write(&file, format!("{table}jwks_ttl = 3\n"))?;
        let unknown = Config::load(Some(&file), Vec::new()).err().map(|e| e.to_string()).unwrap_or_default();
        std::fs::remove_file(&file)?;

        let external = overridden?.external_issuer.expect("an external issuer");
        assert_eq!((external.audience.as_str(), external.scope_claim.as_str()), ("other", "scp"));
        assert_eq!(symmetric.as_deref(), Some("external_issuer.algorithms"));
        assert!(unknown.contains("jwks_ttl"), "{unknown}");
        Ok(())
    }

    #[test]
    fn a_read_database_is_a_postgresql_standby_of_a_postgresql_primary() -> Result<(), ConfigError> {
        let primary = ("DATABASE_URL", "postgres://app:secret@primary/plateforme");
        let standby = ("PLATEFORME_READ_DATABASE_URL", "postgres://app:secret@standby/plateforme");
        let config = Config::load(None, env(&[primary, standby]))?;
        assert_eq!(config.redacted_read_database_url().as_deref(), Some("postgres://app:***@standby/plateforme"));
        let on_sqlite = Config::load(None, env(&[standby])).err().map(|e| e.key);
        assert_eq!(on_sqlite.as_deref(), Some("read_database_url"), "the default database is SQLite");
        let sqlite_reads = Config::load(None, env(&[primary, ("PLATEFORME_READ_DATABASE_URL", "sqlite://copy.db")]));
        assert_eq!(sqlite_reads.err().map(|e| e.key).as_deref(), Some("read_database_url"));
        Ok(())
    }

    const NIR: (&str, &str) = ("PLATEFORME_NIR_HASH_KEY", "a NIR hash key of at least 32 bytes");

    #[test]
    fn production_requires_a_key_encryption_key() -> Result<(), ConfigError> {
        let production = ("PLATEFORME_PROFILE", "production");
        let without = Config::load(None, env(&[production, NIR])).err().map(|e| e.key);
        assert_eq!(without.as_deref(), Some("key_encryption_key"));
        let with = env(&[production, NIR, ("PLATEFORME_KEY_ENCRYPTION_KEY", "a key-encryption key of 32+ bytes")]);
        assert_eq!(Config::load(None, with)?.profile, Profile::Production);
        let short = Config::load(None, env(&[("PLATEFORME_KEY_ENCRYPTION_KEY", "short")])).err().map(|e| e.key);
        assert_eq!(short.as_deref(), Some("key_encryption_key"));
        Ok(())
    }

    #[test]
    fn previous_key_encryption_keys_are_a_list() -> Result<(), ConfigError> {
        let previous = "a first former KEK of at least 32 bytes, a second former KEK of at least 32 bytes";
        let config = Config::load(None, env(&[("PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS", previous)]))?;
        assert_eq!(config.previous_key_encryption_keys.len(), 2);
        assert!(config.key_encryption().is_ok(), "the development KEK seals");
        let short = env(&[("PLATEFORME_PREVIOUS_KEY_ENCRYPTION_KEYS", "a former KEK of at least 32 bytes,short")]);
        let key = Config::load(None, short).err().map(|e| e.key);
        assert_eq!(key.as_deref(), Some("previous_key_encryption_keys"));
        Ok(())
    }

    #[test]
    fn passwords_stay_out_of_logs() {
        let config = Config { database_url: "postgres://app:s3cret@db:5432/plateforme".into(), ..Config::default() };
        assert_eq!(config.redacted_database_url(), "postgres://app:***@db:5432/plateforme");
    }

    #[test]
    fn trusted_proxies_are_a_list_of_blocks() -> Result<(), ConfigError> {
        assert!(Config::load(None, env(&[]))?.trusted_proxies.is_empty(), "none by default");
        let config = Config::load(
            None,
            env(&[
                ("PLATEFORME_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7"),
                ("PLATEFORME_FORWARDED_HEADER", "forwarded"),
            ]),
        )?;
        assert_eq!(config.trusted_proxies, ["10.0.0.0/8", "192.0.2.7"]);
        assert_eq!(config.forwarded_header, ForwardedHeader::Forwarded);
        let bad = Config::load(None, env(&[("PLATEFORME_TRUSTED_PROXIES", "10.0.0.0/40")])).err();
        assert_eq!(bad.as_ref().map(|e| e.key.as_str()), Some("trusted_proxies"));
        assert_eq!(bad.map(|e| e.message).as_deref(), Some("\"10.0.0.0/40\": the prefix length must be 0 to 32"));
        let header = Config::load(None, env(&[("PLATEFORME_FORWARDED_HEADER", "x-real-ip")])).err().map(|e| e.key);
        assert_eq!(header.as_deref(), Some("PLATEFORME_FORWARDED_HEADER"));
        Ok(())
    }
}
