-- Webhooks (issue 12, item 3): subscriptions of a client to event types, one delivery row per
-- (subscription, event) with its state and next attempt, one row per attempt (the log), and the
-- position of the fan-out in the change feed. Deliveries are rows, not memory: they survive a
-- restart, and any replica may claim a due one.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    -- The OAuth client that created it: only it sees, changes or replays it.
    client_id TEXT NOT NULL,
    url TEXT NOT NULL,
    -- JSON array of event type names; JSON object of the filter, or NULL.
    event_types TEXT NOT NULL,
    filter TEXT,
    active BOOLEAN NOT NULL,
    disabled_reason TEXT,
    -- The signing secret, sealed under the key-encryption key; the previous one signs beside it
    -- until previous_secret_until after a rotation.
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_client ON webhook_subscriptions (client_id, id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    -- The CloudEvent id, sent as webhook-id (the same on a replay).
    event_id TEXT NOT NULL,
    event_xid BIGINT NOT NULL,
    event_seq BIGINT NOT NULL,
    event_time TIMESTAMP NOT NULL,
    -- The CloudEvent JSON as judged for the owner when it was fanned out.
    payload TEXT NOT NULL,
    -- pending, delivered or dead.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A replica claimed it until then (a lease: one that dies lets it go when it expires).
    claimed_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    replay BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);

CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY,
    delivery_id TEXT NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    status INTEGER,
    duration_ms BIGINT NOT NULL,
    error TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Where the fan-out stands in the change feed: one row, locked by the replica that fans out.
CREATE TABLE webhook_fanout (
    id INTEGER PRIMARY KEY,
    xid BIGINT NOT NULL,
    seq BIGINT NOT NULL
);
INSERT INTO webhook_fanout (id, xid, seq) VALUES (1, 0, 0);
