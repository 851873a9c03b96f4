-- The requests of each rate-limit bucket (a client, or an address and purpose) reserved by all
-- replicas in one fixed window, so that a limit holds across replicas. Each replica reserves a
-- share of the limit at a time and counts it down in memory (crates/auth/src/rate_limit.rs).
-- UNLOGGED: counters need no durability, and writing them to the WAL (and to the standbys)
-- would cost more than they are worth; a crash or a failover empties the table, which at worst
-- grants every bucket its limit afresh for the current window.
CREATE UNLOGGED TABLE rate_limit_windows (
    bucket TEXT NOT NULL,
    -- The window's first second, since the Unix epoch (a multiple of 60).
    window_start BIGINT NOT NULL,
    reserved BIGINT NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
