-- Large JSON and text values are compressed with LZ4 rather than PostgreSQL's default pglz:
-- several times faster to compress (pglz took a noticeable share of the CPU of bulk offer
-- imports), for about the same size. A server built without LZ4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE offers ALTER COLUMN record SET COMPRESSION lz4;
    ALTER TABLE offers ALTER COLUMN search_body SET COMPRESSION lz4;
    ALTER TABLE history ALTER COLUMN changes SET COMPRESSION lz4;
    ALTER TABLE persons ALTER COLUMN record SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'LZ4 is not available: values stay compressed with pglz';
END
$$;
