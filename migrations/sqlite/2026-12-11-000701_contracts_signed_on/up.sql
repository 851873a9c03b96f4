-- The day a contract of engagement counts as signed (issue 16, item 3): the later of the two
-- signatures once both are given, NULL before; derived from the record on every write, like
-- the status. The indicators count contracts by it: read from the JSON record, it was parsed
-- several times per contract, most of the time of that measure at national scale.
ALTER TABLE contracts ADD COLUMN signed_on TEXT;

-- max() of several values is NULL when one is.
UPDATE contracts SET signed_on = max(json_extract(record, '$.person_signed_on'),
                                     json_extract(record, '$.organization_signed_on'));
