-- FTS5 sizes its index leaves for 4 KiB database pages (pgsz 4050). Ours
-- are 8 KiB, so each leaf left about half a page empty: with leaves sized
-- to the page the index of 20,000 synthetic notes is 28% smaller (12.8 MB
-- to 9.2 MB), and a sync writes, encrypts and fsyncs that much less.
-- Only new segments take the new size; old ones change as they merge.
INSERT INTO search_index (search_index, rank) VALUES ('pgsz', 8000);
