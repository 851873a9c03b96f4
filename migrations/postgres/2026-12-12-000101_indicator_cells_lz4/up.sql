-- The cells of a vintage (a text of up to 40 MB per indicator at national scale, 170 MB per
-- vintage) are compressed with LZ4, as the other large values (2026-11-24-000016): pglz took
-- most of the 3.7 s a recomputation spent writing a new vintage at 1,000,000 dossiers. A server
-- built without LZ4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE indicator_vintage_cells ALTER COLUMN cells SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'LZ4 is not available: values stay compressed with pglz';
END
$$;
