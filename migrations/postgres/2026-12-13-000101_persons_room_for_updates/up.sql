-- A dossier is updated in place many times (contact, statuses, orientation), and none of these
-- updates changes an indexed column: with room left on each page for the new version of its
-- rows, PostgreSQL writes it on the same page and touches no index (a HOT update), where a full
-- page sends it elsewhere and adds an entry to each of the table's eight indexes. 70 % leaves
-- room for about one new version per page of rows of about 1.3 kB (the record compressed). It
-- applies to pages written from now on; `VACUUM FULL persons` applies it to the existing ones.
ALTER TABLE persons SET (fillfactor = 70);
