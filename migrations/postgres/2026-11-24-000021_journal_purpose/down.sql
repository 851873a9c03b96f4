ALTER TABLE access_journal DROP COLUMN stated_purpose;
ALTER TABLE access_journal DROP COLUMN purpose;
