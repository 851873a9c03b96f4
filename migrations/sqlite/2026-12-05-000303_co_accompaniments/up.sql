-- Co-accompaniments: the organizations that accompany a person alongside the référent, each in a
-- role, from a day to a day. The record is JSON; the columns beside it are what the policy's
-- list filter (the persons an organization co-accompanies today) and the overlap check query.
CREATE TABLE co_accompaniments (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    organization_id TEXT NOT NULL,
    since TEXT NOT NULL,
    until TEXT,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX co_accompaniments_person ON co_accompaniments (person_id, id);
CREATE INDEX co_accompaniments_organization ON co_accompaniments (organization_id, since);
