-- The day a contract of engagement counts as signed (issue 16, item 3): the later of the two
-- signatures once both are given, NULL before; derived from the record on every write, like
-- the status. The indicators count contracts by it: read from the JSON record, it was parsed
-- several times per contract, most of the time of that measure at national scale.
ALTER TABLE contracts ADD COLUMN signed_on TEXT;

UPDATE contracts SET signed_on = GREATEST(signatures.person, signatures.organization)
FROM (SELECT id, CAST(record AS jsonb) ->> 'person_signed_on' AS person,
             CAST(record AS jsonb) ->> 'organization_signed_on' AS organization
      FROM contracts) AS signatures
WHERE signatures.id = contracts.id
  AND signatures.person IS NOT NULL AND signatures.organization IS NOT NULL;
