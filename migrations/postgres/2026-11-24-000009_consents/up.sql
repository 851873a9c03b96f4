-- A person's consents: to appear in the profile bank, and to share the dossier with a named
-- partner. Withdrawal is dated and takes effect at once.
CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    -- 'profile_bank' or 'dossier_sharing'.
    kind TEXT NOT NULL,
    -- The partner the dossier is shared with ('dossier_sharing' only).
    partner_organization_id TEXT,
    given_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    recorded_by TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX consents_person ON consents (person_id, kind);
CREATE INDEX consents_partner ON consents (partner_organization_id, person_id);
