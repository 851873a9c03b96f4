-- The person (or other subject) a change concerns, so that a person's timeline gathers the
-- events of its dossier's parts (contracts, reviews, diagnostic…).
ALTER TABLE changes ADD COLUMN subject_id TEXT;
CREATE INDEX changes_subject ON changes (subject_id, seq);
