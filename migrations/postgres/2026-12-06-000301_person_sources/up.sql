-- The references partner systems keep for the persons they push (POST /v1/persons/batch): a
-- system's own reference names one person of the platform for the organization that pushes it.
CREATE TABLE person_sources (
    organization_id TEXT NOT NULL,
    system TEXT NOT NULL,
    reference TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    first_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, system, reference)
);
CREATE INDEX person_sources_person ON person_sources (person_id);
-- The lines applied for a reference, by their fingerprint (SHA-256 of the line's version and
-- person, the NIR replaced by its keyed hash): a line applied once is answered `unchanged` when
-- sent again, and never applied twice.
CREATE TABLE person_source_lines (
    organization_id TEXT NOT NULL,
    system TEXT NOT NULL,
    reference TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES persons (id),
    version BIGINT NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, system, reference, content_hash)
);
CREATE INDEX person_source_lines_person ON person_source_lines (person_id);
