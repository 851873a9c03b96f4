-- The training catalogue (crates/training, docs/training.md): one row per LHEO formation, keyed
-- by the organization that publishes it and the formation's LHEO `@numero`. The formation's
-- actions and sessions, its data-quality warnings and its `extras` are in `record` (JSON); the
-- columns beside it are derived from it on every write (export filter, snapshot closure).
CREATE TABLE trainings (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    numero TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    region TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX trainings_source ON trainings (organization_id, numero);
CREATE INDEX trainings_region ON trainings (region, status, id);
