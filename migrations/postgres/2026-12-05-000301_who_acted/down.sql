ALTER TABLE history DROP COLUMN counsellor;
ALTER TABLE access_journal DROP COLUMN acting_for;
ALTER TABLE access_journal DROP COLUMN counsellor;
