-- The requests of each rate-limit bucket (a client, or an address and purpose) reserved in one
-- fixed window (see the PostgreSQL migration: the same table, so that one code path counts).
CREATE TABLE rate_limit_windows (
    bucket TEXT NOT NULL,
    -- The window's first second, since the Unix epoch (a multiple of 60).
    window_start BIGINT NOT NULL,
    reserved BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
