DROP INDEX orientation_decisions_not_counted_live;
CREATE INDEX orientation_decisions_not_counted_live ON orientation_decisions (id) WHERE NOT counted_live;
