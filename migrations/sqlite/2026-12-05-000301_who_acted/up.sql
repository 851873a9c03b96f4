-- Who acted, within the organization and for whom: the counsellor (an opaque identifier the
-- partner's information system gives in Counsellor-Id) on each journal entry and each version
-- of the history, and the organization a delegated operator acts for (its mandating one) on the
-- journal entry. Null for what was recorded before, or without them.
ALTER TABLE access_journal ADD COLUMN counsellor TEXT;
ALTER TABLE access_journal ADD COLUMN acting_for TEXT;
ALTER TABLE history ADD COLUMN counsellor TEXT;
