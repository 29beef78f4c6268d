-- When the text a mutation carries was first typed (the laptop's clock).
-- Sent as `made_at`: the central record accepts an edit for a child that
-- has since left the caseload if the worker held the child at that moment
-- (within the policy's grace period). A fresh edit's is its created_at; a
-- conflict resolution or a resent refusal keeps the time of the original.
ALTER TABLE outbox ADD COLUMN made_at TEXT;
UPDATE outbox SET made_at = created_at;

-- A refused edit (state 'rejected') keeps the data of the revision it was
-- made on, so the "Not accepted" list can show what the worker changed
-- beside the central record's version, and a resend carries only that.
ALTER TABLE outbox ADD COLUMN base TEXT;
ALTER TABLE outbox ADD COLUMN refused_at TEXT;

-- When the worker's conflicting text was first typed: the resolution
-- carries it as its made_at.
ALTER TABLE conflicts ADD COLUMN made_at TEXT;
