-- The cells of a vintage, one row per indicator (issue 16, item 3): the cells of one indicator
-- in one text, a line per cell (`level`, `territory`, `period`, `category`, `units`, `value`
-- separated by tabs, in the order of that key), as `plateforme_store::indicators::vintages`
-- writes and reads them. A reader always reads every cell of one indicator, and a row per cell
-- (4.3 million at national scale, under a six-column key) made the recomputation spend most of
-- its time writing them. Unprotected, as before: secrecy is applied when they are read.
CREATE TABLE indicator_vintage_cells (
    vintage_id TEXT NOT NULL REFERENCES indicator_vintages (id),
    indicator TEXT NOT NULL,
    cell_count BIGINT NOT NULL,
    cells TEXT NOT NULL,
    PRIMARY KEY (vintage_id, indicator)
);

-- The vintages already published keep their figures: each value as SQLite writes a real (15
-- significant digits, which reads back the same number for the tenths the cells hold).
INSERT INTO indicator_vintage_cells (vintage_id, indicator, cell_count, cells)
SELECT vintage_id, indicator, COUNT(*),
       group_concat(level || char(9) || territory || char(9) || period || char(9) || category || char(9)
                    || CAST(units AS TEXT) || char(9) || CAST(value AS TEXT), char(10)
                    ORDER BY level, territory, period, category)
FROM indicator_cells
GROUP BY vintage_id, indicator;

DROP TABLE indicator_cells;
