-- A child whose legal status needs statutory visits but who has neither a
-- visit nor a status start date to count from is due a visit now; the
-- caseload query shows today's date for it rather than nothing.
ALTER TABLE child_summary ADD COLUMN visit_due_now INTEGER NOT NULL DEFAULT 0;
UPDATE child_summary SET visit_due_now = 1
 WHERE next_visit_due IS NULL AND legal_status IN ('cp', 'cin', 'cla');

-- Purging a child must leave no trace of its words. By default FTS5 deletes
-- by adding tombstones, keeping the old terms in index segments until they
-- are merged; 'secure-delete' removes them at once (measured: a purge of a
-- 100-record child stays well under a second). 'optimize' merges what
-- older deletes left behind.
INSERT INTO search_index (search_index, rank) VALUES ('secure-delete', 1);
INSERT INTO search_index (search_index) VALUES ('optimize');
