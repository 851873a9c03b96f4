-- Every read or write of a person's data: who, which person, what, when, in which request.
CREATE TABLE access_journal (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMP NOT NULL,
    client_id TEXT NOT NULL,
    organization_id TEXT,
    person_id TEXT NOT NULL,
    section TEXT NOT NULL,
    action TEXT NOT NULL,
    request_id TEXT
);
CREATE INDEX access_journal_person ON access_journal (person_id, id);
CREATE INDEX access_journal_client ON access_journal (client_id, id);
