-- At most one active consent of a kind per person and partner, also when two requests give
-- it at the same time. The partner is NULL for profile_bank, and NULLs never collide in a
-- unique index: the index reads it as ''.
CREATE UNIQUE INDEX consents_active ON consents (person_id, kind, COALESCE(partner_organization_id, ''))
    WHERE withdrawn_at IS NULL;
