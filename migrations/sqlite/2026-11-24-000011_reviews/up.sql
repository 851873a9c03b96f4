-- Reviews (points d'étape) of a contract: recorded once, never changed. The record is JSON
-- (participants, outcome, next steps).
CREATE TABLE reviews (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    -- ISO 8601 date, which sorts as text.
    held_on TEXT NOT NULL,
    -- The organization that recorded the review.
    organization_id TEXT NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reviews_contract ON reviews (contract_id, held_on, id);
