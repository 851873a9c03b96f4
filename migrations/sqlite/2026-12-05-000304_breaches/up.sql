-- Breaches of the duties of a contract of engagement (manquements) and the measures decided:
-- the record is JSON (the obligation agreed, the observation, the notice, the person's answer,
-- the decision, the lifting); the columns beside it are what the lists and the progressivity
-- check query.
CREATE TABLE breaches (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    status TEXT NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX breaches_person ON breaches (person_id, id);
