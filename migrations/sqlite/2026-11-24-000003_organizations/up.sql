CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    siret TEXT NOT NULL,
    -- JSON: {"regions": [...], "departements": [...], "communes": [...]}
    territory TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
-- The business key: two concurrent creations of the same establishment give one record.
CREATE UNIQUE INDEX organizations_siret_key ON organizations (siret);
CREATE INDEX organizations_kind ON organizations (kind, id);
