-- 0002: the token of the claim an in-flight delivery is under. Each claim
-- writes a new one; a failure reported under another token is refused
-- (sav.ErrLeaseLost), so a dispatcher whose lease was taken over cannot
-- reset a delivery another one has in flight. '' when not in flight.
ALTER TABLE deliveries ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
