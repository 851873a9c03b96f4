-- Whether the live figures of the indicators count the decision yet: a decision holds no person,
-- so no event of the change feed names it; the follower counts those not counted yet, once.
ALTER TABLE orientation_decisions ADD COLUMN counted_live BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX orientation_decisions_not_counted_live ON orientation_decisions (id) WHERE NOT counted_live;
