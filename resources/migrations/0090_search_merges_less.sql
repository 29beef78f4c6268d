-- FTS5 merges its index segments four at a time by default (automerge 4),
-- so a first pull rewrites each note's terms once more every time the
-- index grows fourfold: filling it with 400,000 notes in 10,000-note
-- commits cost 13 us a note in the first fifth and 20 us in the last.
-- Merging sixteen at a time keeps that flat (13 us to the end), for a few
-- more segments to read per search: a word over 400,000 notes in 0.9 ms
-- instead of 0.6-0.9 ms (bench/bench_search_index.py).
INSERT INTO search_index (search_index, rank) VALUES ('automerge', 16);
