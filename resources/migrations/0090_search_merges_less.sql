-- FTS5 merges its index segments four at a time by default (automerge 4),
-- so a first pull rewrites each note's terms once more every time the
-- index grows fourfold. Filling it in 10,000-note commits
-- (bench/bench_search_index.py, 200,000 notes): the last fifth cost 13 us
-- a note with the default and 7-9 us with sixteen at a time, as flat as
-- the first fifth; at 400,000 notes 20 us against 13. The price is a few
-- more segments to read per search: one word over 400,000 notes in 0.9 ms
-- instead of 0.6-0.9 ms.
INSERT INTO search_index (search_index, rank) VALUES ('automerge', 16);
