-- Job offers, published once for all. The document is JSON (`record`); the columns beside it
-- are what publication (de-duplication keys) and search (filters, sort, full text) query.
CREATE TABLE offers (
    -- A stable integer key for the full-text index (a TEXT primary key's rowid may change on VACUUM).
    search_rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    rome_code TEXT NOT NULL,
    contract_type TEXT NOT NULL,
    commune TEXT NOT NULL,
    departement TEXT NOT NULL,
    region TEXT NOT NULL,
    latitude DOUBLE,
    longitude DOUBLE,
    -- The best monthly gross pay the offer states (hourly pay × 151.67, yearly pay / 12).
    monthly_salary DOUBLE,
    disability_committed BOOLEAN NOT NULL,
    without_cv BOOLEAN NOT NULL,
    open_to_iae BOOLEAN NOT NULL,
    quality_score INTEGER NOT NULL,
    published_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    dedup_siret TEXT,
    dedup_name TEXT,
    -- Lowercase text with accents folded; stemmed by the application into offers_fts.
    search_title TEXT NOT NULL,
    search_skills TEXT NOT NULL,
    search_body TEXT NOT NULL,
    record TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX offers_open_published ON offers (published_at DESC, id) WHERE status = 'open';
CREATE INDEX offers_open_rome ON offers (rome_code, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_departement ON offers (departement, published_at DESC) WHERE status = 'open';
CREATE INDEX offers_open_position ON offers (latitude, longitude) WHERE status = 'open';
CREATE INDEX offers_live_expiry ON offers (expires_at) WHERE status IN ('open', 'suspended');
CREATE INDEX offers_dedup_siret ON offers (dedup_siret) WHERE status IN ('open', 'suspended');
CREATE INDEX offers_dedup_name ON offers (dedup_name) WHERE status IN ('open', 'suspended');

-- Full text: the French stems of title, skills and description (stemmed by the application,
-- as SQLite has no French stemmer), keyed by offers.search_rowid.
CREATE VIRTUAL TABLE offers_fts USING fts5(
    title, skills, body,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE offer_sources (
    organization_id TEXT NOT NULL,
    system TEXT NOT NULL,
    reference TEXT NOT NULL,
    offer_id TEXT NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    first_published_at TIMESTAMP NOT NULL,
    last_changed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organization_id, system, reference)
);
CREATE INDEX offer_sources_offer ON offer_sources (offer_id);
