-- Delegations between organizations: a département lets France Travail orient its RSA
-- beneficiaries (rsa_orientation); France Travail or a département mandates an operator to
-- register and accompany persons for it (accompaniment). Days are ISO 8601 text (they sort as
-- text); the scope (départements and communes of residence covered) is JSON.
CREATE TABLE delegations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    from_organization_id TEXT NOT NULL REFERENCES organizations (id),
    to_organization_id TEXT NOT NULL REFERENCES organizations (id),
    since TEXT NOT NULL,
    until TEXT,
    scope TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- What a delegate holds (the orientation's and the registration's checks), and what an
-- organization granted (the overlap check).
CREATE INDEX delegations_to ON delegations (to_organization_id, kind);
CREATE INDEX delegations_from ON delegations (from_organization_id, kind);
