-- Search every script a worker may type, and emoji (see desktop.search):
-- the tokenizer keeps marks (Devanagari's vowel signs, Arabic's vowels) and
-- symbols (emoji) inside words instead of splitting words on them. FTS5
-- cannot change a table's tokenizer, so the index is built again from its
-- own text with the same settings as before. Text indexed before this
-- keeps Chinese and Japanese runs as single words until the record next
-- changes or is pulled again.
CREATE VIRTUAL TABLE search_index_next USING fts5 (
    title, body,
    tokenize = "porter unicode61 remove_diacritics 2 categories 'L* N* Co M* So'"
);
INSERT INTO search_index_next (search_index_next, rank) VALUES ('rank', 'bm25(5.0, 1.0)');
INSERT INTO search_index_next (search_index_next, rank) VALUES ('secure-delete', 1);
INSERT INTO search_index_next (search_index_next, rank) VALUES ('pgsz', 8000);
INSERT INTO search_index_next (rowid, title, body) SELECT rowid, title, body FROM search_index;
DROP TABLE search_index;
ALTER TABLE search_index_next RENAME TO search_index;
INSERT INTO search_index (search_index) VALUES ('optimize');
