ALTER TABLE offers ADD COLUMN search_title TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN search_skills TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN search_body TEXT NOT NULL DEFAULT '';
ALTER TABLE offers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('french', search_title), 'A')
    || setweight(to_tsvector('french', search_skills), 'B')
    || setweight(to_tsvector('french', search_body), 'C')
) STORED;
CREATE INDEX offers_search_vector ON offers USING GIN (search_vector) WHERE status = 'open';
CREATE INDEX offers_open_published ON offers (published_at DESC, id) WHERE status = 'open';
CREATE INDEX offers_open_rome ON offers (rome_code, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_departement ON offers (departement, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_position ON offers (latitude, longitude) WHERE status = 'open';
