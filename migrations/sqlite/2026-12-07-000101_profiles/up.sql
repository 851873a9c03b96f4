-- The profile bank (banque de profils): one profile per person, kept only while the person's
-- `profile_bank` consent stands (withdrawing it deletes the profile in the same transaction).
-- The fields are one JSON document; it holds no identity, contact nor address by construction.
CREATE TABLE profiles (
    person_id TEXT PRIMARY KEY REFERENCES persons (id),
    fields TEXT NOT NULL,
    -- Who set each field last: {"skills": {...}, ...}.
    provenance TEXT NOT NULL,
    -- A paused profile is kept but found by no recruiter.
    paused BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
