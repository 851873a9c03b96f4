CREATE TABLE indicator_cells (
    vintage_id TEXT NOT NULL REFERENCES indicator_vintages (id),
    indicator TEXT NOT NULL,
    level TEXT NOT NULL,
    territory TEXT NOT NULL,
    period TEXT NOT NULL,
    category TEXT NOT NULL,
    units BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (vintage_id, indicator, level, territory, period, category)
);

INSERT INTO indicator_cells (vintage_id, indicator, level, territory, period, category, units, value)
SELECT vintage_id, indicator, split_part(line, E'\t', 1), split_part(line, E'\t', 2), split_part(line, E'\t', 3),
       split_part(line, E'\t', 4), CAST(split_part(line, E'\t', 5) AS BIGINT),
       CAST(split_part(line, E'\t', 6) AS DOUBLE PRECISION)
FROM indicator_vintage_cells, regexp_split_to_table(cells, E'\n') AS line;

DROP TABLE indicator_vintage_cells;
