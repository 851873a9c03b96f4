-- Why each access was made: the purpose the operation declares, and the caller's own words
-- (its Access-Purpose header). Null for the accesses journaled before purposes were kept.
ALTER TABLE access_journal ADD COLUMN purpose TEXT;
ALTER TABLE access_journal ADD COLUMN stated_purpose TEXT;
