ALTER TABLE persons RESET (fillfactor);
