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

-- Each text cut into its lines, each line into its six fields.
WITH RECURSIVE
    lines (vintage_id, indicator, line, rest) AS (
        SELECT vintage_id, indicator, NULL, cells || char(10) FROM indicator_vintage_cells
        UNION ALL
        SELECT vintage_id, indicator, substr(rest, 1, instr(rest, char(10)) - 1),
               substr(rest, instr(rest, char(10)) + 1)
        FROM lines WHERE rest <> ''
    ),
    fields (vintage_id, indicator, position, field, rest, line) AS (
        SELECT vintage_id, indicator, 0, NULL, line || char(9), line FROM lines WHERE line IS NOT NULL
        UNION ALL
        SELECT vintage_id, indicator, position + 1, substr(rest, 1, instr(rest, char(9)) - 1),
               substr(rest, instr(rest, char(9)) + 1), line
        FROM fields WHERE rest <> ''
    )
INSERT INTO indicator_cells (vintage_id, indicator, level, territory, period, category, units, value)
SELECT vintage_id, indicator,
       MAX(CASE position WHEN 1 THEN field END), MAX(CASE position WHEN 2 THEN field END),
       MAX(CASE position WHEN 3 THEN field END), MAX(CASE position WHEN 4 THEN field END),
       CAST(MAX(CASE position WHEN 5 THEN field END) AS INTEGER),
       CAST(MAX(CASE position WHEN 6 THEN field END) AS REAL)
FROM fields WHERE position > 0
GROUP BY vintage_id, indicator, line;

DROP TABLE indicator_vintage_cells;
