ALTER TABLE indicator_vintage_cells ALTER COLUMN cells SET COMPRESSION pglz;
