-- Offer ownership and one live offer per job (docs/offers.md, Ownership).
--
-- The owner controls the offer's text and status. Existing offers are owned by their first
-- source (the publication that created them); an offer without a source cannot exist (it is
-- deleted with its last one), and would be owned by nobody (the nil id).
ALTER TABLE offers ADD COLUMN owner_organization_id TEXT NOT NULL
    DEFAULT '00000000-0000-0000-0000-000000000000';
UPDATE offers SET owner_organization_id = first_source.organization_id
FROM (
    SELECT DISTINCT ON (offer_id) offer_id, organization_id
    FROM offer_sources
    ORDER BY offer_id, first_published_at, organization_id
) AS first_source
WHERE first_source.offer_id = offers.id;

-- The fingerprint (the key by SIRET, else by name) is unique among live offers, so that two
-- publications of the same job at the same instant cannot both create an offer. Live twins
-- already in the database keep their rows: the oldest holds the fingerprint, the younger
-- ones none (a write that would give one of them its twin's is refused while the twin lives).
ALTER TABLE offers ADD COLUMN fingerprint TEXT;
UPDATE offers SET fingerprint = COALESCE(dedup_siret, dedup_name)
WHERE NOT (
    status IN ('open', 'suspended')
    AND EXISTS (
        SELECT 1 FROM offers AS older
        WHERE older.status IN ('open', 'suspended')
          AND COALESCE(older.dedup_siret, older.dedup_name) = COALESCE(offers.dedup_siret, offers.dedup_name)
          AND (older.created_at, older.id) < (offers.created_at, offers.id)
    )
);
CREATE UNIQUE INDEX offers_live_fingerprint ON offers (fingerprint) WHERE status IN ('open', 'suspended');
