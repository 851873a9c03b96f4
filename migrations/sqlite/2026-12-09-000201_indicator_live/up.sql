-- The live figures of the indicators (issue 16, item 3), kept current from the change feed
-- between the full computations (crates/store/src/indicators/live.rs). Derived data: emptied
-- and made anew from the records whenever the follower's state says so.

-- What each record counts for now, per measure and group, under its subject: the person (whose
-- registration, situation, contracts and reviews count) or the offer. Re-derived from the
-- records when an event names the subject; the difference is added to the groups. Unknown
-- territories are stored as ''.
CREATE TABLE indicator_live_contributions (
    subject TEXT NOT NULL,
    measure TEXT NOT NULL,
    commune TEXT NOT NULL,
    departement TEXT NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    units BIGINT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (subject, measure, commune, departement, month, category)
);

-- The live groups: per measure, commune, département, month and category, the records counted
-- and the sum of their quantity, as a full computation's GROUP BY would give them now.
CREATE TABLE indicator_live_groups (
    measure TEXT NOT NULL,
    commune TEXT NOT NULL,
    departement TEXT NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    units BIGINT NOT NULL,
    quantity DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (measure, commune, departement, month, category)
);

-- Where the follower stands: its feed position, the date the figures are as of (NULL: to be
-- built from the records), the fingerprint of the computation they were built by, and when.
-- One row, locked by the replica that follows.
CREATE TABLE indicator_live_follower (
    id INTEGER PRIMARY KEY,
    xid BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    as_of TEXT,
    fingerprint TEXT NOT NULL,
    built_at TIMESTAMP
);
INSERT INTO indicator_live_follower (id, xid, seq, as_of, fingerprint, built_at) VALUES (1, 0, 0, NULL, '', NULL);
