-- OAuth clients of partner information systems. Secrets are stored as argon2 hashes only.
CREATE TABLE oauth_clients (
    client_id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    -- Space-separated, as in OAuth.
    scopes TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    -- Demo clients have published secrets: refused under the production profile.
    demo BOOLEAN NOT NULL,
    rate_limit_per_minute INTEGER NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX oauth_clients_organization ON oauth_clients (organization_id);
