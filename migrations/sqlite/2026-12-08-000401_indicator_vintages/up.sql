-- The published figures of the indicators (issue 16, item 3): a vintage is one computation as of
-- a date, identified by the date and its revision; its cells are never changed afterwards. A
-- recomputation that finds other figures for the same date is a new revision beside the old one.
CREATE TABLE indicator_vintages (
    id TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    cell_count BIGINT NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    UNIQUE (as_of, revision)
);

-- The cells of a vintage, unprotected: statistical secrecy is applied when they are read, with
-- the threshold of the reader (the public's for open data).
CREATE TABLE indicator_cells (
    vintage_id TEXT NOT NULL REFERENCES indicator_vintages (id),
    indicator TEXT NOT NULL,
    level TEXT NOT NULL,
    territory TEXT NOT NULL,
    period TEXT NOT NULL,
    category TEXT NOT NULL,
    units BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (vintage_id, indicator, level, territory, period, category)
);
