-- Every mutation writes, in its own transaction, one history row and one change event.

CREATE TABLE history (
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_organization TEXT,
    request_id TEXT,
    changed_at TIMESTAMP NOT NULL,
    -- JSON Merge Patch from the previous version to this one (the whole document on creation).
    changes TEXT NOT NULL,
    PRIMARY KEY (resource_type, resource_id, version)
);

-- One row whose update orders the change feed: a writer holds its lock from taking a number to
-- commit, so sequence numbers become visible in order and a reader never skips one.
CREATE TABLE change_sequence (
    id INTEGER PRIMARY KEY,
    last_seq BIGINT NOT NULL
);
INSERT INTO change_sequence (id, last_seq) VALUES (1, 0);

CREATE TABLE changes (
    seq BIGINT PRIMARY KEY,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    actor_organization TEXT,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX changes_resource ON changes (resource_type, resource_id, seq);
