-- The decisions the live figures have not counted yet, oldest first: the follower counts them in
-- that order, and the lag (read by every `/health/ready` probe) is the age of the first. Keyed
-- by id alone, reading the oldest sorted the whole backlog on every probe: 900,000 rows after a
-- bulk derivation at national scale, three probes at a time.
DROP INDEX orientation_decisions_not_counted_live;
CREATE INDEX orientation_decisions_not_counted_live ON orientation_decisions (recorded_at, id) WHERE NOT counted_live;
