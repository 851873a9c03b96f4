-- Bulk exports (issue 12, item 4): a first load of the records a client may see, cut at an exact
-- position of the change feed. The export and its NDJSON files live in the database, so that
-- any replica serves them and a restart loses nothing already written.
CREATE TABLE exports (
    id TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    -- The resource types asked for, comma-separated, in the order asked.
    types TEXT NOT NULL,
    since TIMESTAMP,
    -- queued, running, done or failed.
    status TEXT NOT NULL,
    -- The sealed feed cursor at the export's cut, once done.
    feed_cursor TEXT,
    transaction_time TIMESTAMP,
    -- JSON object: lines per file, once done.
    counts TEXT,
    error TEXT,
    -- Until when the replica running the export holds it; past it, the run was interrupted.
    lease_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX exports_client ON exports (client_id, created_at);
CREATE INDEX exports_expiry ON exports (expires_at);
-- A file of an export, in chunks of at most 1,000 NDJSON lines, served one after the other.
CREATE TABLE export_chunks (
    export_id TEXT NOT NULL,
    file TEXT NOT NULL,
    chunk BIGINT NOT NULL,
    lines TEXT NOT NULL,
    PRIMARY KEY (export_id, file, chunk)
);
