-- Job offers, published once for all. The document is JSON (`record`); the columns beside it
-- are what publication (de-duplication keys) and search (filters, sort, full text) query.
CREATE TABLE offers (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    rome_code TEXT NOT NULL,
    contract_type TEXT NOT NULL,
    commune TEXT NOT NULL,
    departement TEXT NOT NULL,
    region TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    -- The best monthly gross pay the offer states (hourly pay × 151.67, yearly pay / 12).
    monthly_salary DOUBLE PRECISION,
    disability_committed BOOLEAN NOT NULL,
    without_cv BOOLEAN NOT NULL,
    open_to_iae BOOLEAN NOT NULL,
    quality_score INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    -- De-duplication keys: employer (SIRET or normalized name) + normalized title, ROME code,
    -- commune and contract type, hashed.
    dedup_siret TEXT,
    dedup_name TEXT,
    -- Lowercase text with accents folded (by the application, so both backends agree), which
    -- the French configuration stems: title, skills, description.
    search_title TEXT NOT NULL,
    search_skills TEXT NOT NULL,
    search_body TEXT NOT NULL,
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('french', search_title), 'A')
        || setweight(to_tsvector('french', search_skills), 'B')
        || setweight(to_tsvector('french', search_body), 'C')
    ) STORED,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Searches read open offers only: their indexes leave the others out.
CREATE INDEX offers_search_vector ON offers USING GIN (search_vector) WHERE status = 'open';
CREATE INDEX offers_open_published ON offers (published_at DESC, id) WHERE status = 'open';
CREATE INDEX offers_open_rome ON offers (rome_code, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_departement ON offers (departement, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_position ON offers (latitude, longitude) WHERE status = 'open';
-- The expiry sweep finds open and suspended offers past their expiry.
CREATE INDEX offers_live_expiry ON offers (expires_at) WHERE status IN ('open', 'suspended');
CREATE INDEX offers_dedup_siret ON offers (dedup_siret) WHERE status IN ('open', 'suspended');
CREATE INDEX offers_dedup_name ON offers (dedup_name) WHERE status IN ('open', 'suspended');

-- The sources of each offer: one row per (publishing organization, system, reference).
CREATE TABLE offer_sources (
    organization_id TEXT NOT NULL,
    system TEXT NOT NULL,
    reference TEXT NOT NULL,
    offer_id TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    -- Digest of the source's last document: publishing it again changes nothing.
    content_hash TEXT NOT NULL,
    first_published_at TIMESTAMP NOT NULL,
    last_changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, system, reference)
);
CREATE INDEX offer_sources_offer ON offer_sources (offer_id);
