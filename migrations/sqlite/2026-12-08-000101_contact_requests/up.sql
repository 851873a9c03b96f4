-- Contact requests of the profile bank: a recruiter organization asks to meet the person behind
-- a profile it found; the person accepts (choosing the contact details to share) or declines.
-- The recruiter reads the contact details only once accepted, from the dossier at that moment:
-- this table holds the choice, never the details themselves.
CREATE TABLE contact_requests (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES persons (id),
    -- The recruiter's organization and client that sent it.
    organization_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    offer_id TEXT,
    message TEXT,
    -- pending, accepted, declined or cancelled.
    status TEXT NOT NULL,
    share_email BOOLEAN NOT NULL,
    share_phone BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP
);
-- One pending request per recruiter organization and profile.
CREATE UNIQUE INDEX contact_requests_one_pending ON contact_requests (organization_id, person_id)
    WHERE status = 'pending';
-- The daily bound counts an organization's requests of the last 24 hours.
CREATE INDEX contact_requests_by_organization ON contact_requests (organization_id, created_at);
CREATE INDEX contact_requests_by_person ON contact_requests (person_id, created_at);
