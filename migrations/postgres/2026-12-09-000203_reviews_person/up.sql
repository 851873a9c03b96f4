-- The live figures of the indicators re-derive a person's reviews by the person (indicators/live.rs).
CREATE INDEX reviews_person ON reviews (person_id);
