-- The references partner systems keep for the persons they push (POST /v1/persons/batch): a
-- system's own reference names one person of the platform for the organization that pushes it.
-- `content_hash` and `version` are those of the last line applied for it, so that the same line
-- sent again is answered `unchanged` and writes nothing.
CREATE TABLE person_sources (
    organization_id TEXT NOT NULL,
    system TEXT NOT NULL,
    reference TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    content_hash TEXT NOT NULL,
    version BIGINT NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    last_changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, system, reference)
);
-- The erasure of a person forgets their references.
CREATE INDEX person_sources_person ON person_sources (person_id);
