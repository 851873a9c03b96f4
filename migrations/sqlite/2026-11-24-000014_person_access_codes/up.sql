-- One-time codes a counsellor gives a person so that they can read their own dossier (until
-- FranceConnect is plugged in). Only a hash of the code is kept; a code works once.
CREATE TABLE person_access_codes (
    code_hash TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    issued_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX person_access_codes_person ON person_access_codes (person_id);
