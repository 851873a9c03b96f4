-- Persons: the record is JSON (identity, contact, statuses, registration, orientation,
-- provenance); the columns beside it are what matching and the access policy query.
CREATE TABLE persons (
    id TEXT PRIMARY KEY,
    -- Keyed hash (HMAC-SHA256) of the NIR; the NIR itself is never stored.
    nir_hash TEXT,
    -- Normalized family name | first given name | birth date.
    match_key TEXT NOT NULL,
    -- match_key | birth commune or country: one person per identity.
    identity_key TEXT NOT NULL,
    registered_by TEXT NOT NULL,
    -- ISO 8601 date, which sorts as text.
    registered_on TEXT NOT NULL,
    oriented_to TEXT,
    rsa_beneficiary BOOLEAN NOT NULL,
    residence_departement TEXT,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX persons_nir_hash ON persons (nir_hash);
CREATE UNIQUE INDEX persons_identity_key ON persons (identity_key);
CREATE INDEX persons_match_key ON persons (match_key);
CREATE INDEX persons_registered_by ON persons (registered_by, id);
CREATE INDEX persons_oriented_to ON persons (oriented_to, id);
CREATE INDEX persons_residence ON persons (residence_departement, id);
CREATE INDEX persons_unoriented ON persons (registered_on, id) WHERE oriented_to IS NULL;
