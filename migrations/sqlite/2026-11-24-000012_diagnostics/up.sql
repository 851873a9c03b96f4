-- The diagnostic of a person (diagnostic socio-professionnel), one per person. Each part is a
-- JSON document of its own column: the social part (freins périphériques) is sensitive, and
-- kept apart so that it can be left out, withheld or removed on its own.
CREATE TABLE diagnostics (
    person_id TEXT PRIMARY KEY REFERENCES persons (id),
    professional TEXT NOT NULL,
    social TEXT,
    -- Who set each part last: {"professional": {...}, "social": {...}}.
    provenance TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
