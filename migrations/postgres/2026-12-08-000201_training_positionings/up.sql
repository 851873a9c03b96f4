-- A person's positionings on training sessions (Ouiform, proposition #63): the counsellor's
-- positioning, the provider's answer, the entry and the exit, as one JSON record; the columns
-- beside it are what the policy and the lists query (the person, the session, the provider that
-- published it, the région funding it) and what a new positioning is checked against (the
-- places a session has accepted).
CREATE TABLE training_positionings (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    training_id TEXT NOT NULL REFERENCES trainings (id),
    session_id TEXT NOT NULL,
    provider_id TEXT NOT NULL,
    funding_region TEXT,
    status TEXT NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX training_positionings_person ON training_positionings (person_id, id);
CREATE INDEX training_positionings_session ON training_positionings (session_id, status);
CREATE INDEX training_positionings_provider ON training_positionings (provider_id, id);
CREATE INDEX training_positionings_funding_region ON training_positionings (funding_region, id);
