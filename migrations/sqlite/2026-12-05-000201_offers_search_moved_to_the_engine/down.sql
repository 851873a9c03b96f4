ALTER TABLE offers ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN search_skills TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN search_body TEXT NOT NULL DEFAULT '';
CREATE INDEX offers_open_published ON offers (published_at DESC, id) WHERE status = 'open';
CREATE INDEX offers_open_rome ON offers (rome_code, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_departement ON offers (departement, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_position ON offers (latitude, longitude) WHERE status = 'open';
CREATE VIRTUAL TABLE offers_fts USING fts5(
    title, skills, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
