-- Contracts of reciprocal commitments (contrats d'engagement réciproque): the record is JSON
-- (objectives, actions, hours, dates, signatures); the columns beside it are what the lists
-- and the rule of one contract in force per person query.
CREATE TABLE contracts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    -- The organization that drafted the contract.
    organization_id TEXT NOT NULL,
    -- 'draft', 'signed', 'suspended' or 'closed'.
    status TEXT NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contracts_person ON contracts (person_id, id);
-- One contract in force per person: a new one is drafted once the previous one is closed.
CREATE UNIQUE INDEX contracts_in_force ON contracts (person_id) WHERE status <> 'closed';
