-- Case records as the worker sees them, with the few columns queries need.
-- `seq` is a stable rowid so the search index can point at a record.
CREATE TABLE records (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL,
    child_id   TEXT NOT NULL,
    rev        INTEGER NOT NULL DEFAULT 0,   -- server revision this version is based on
    deleted    INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    data       TEXT NOT NULL,                -- JSON, validated by sync.kinds
    pending    INTEGER NOT NULL DEFAULT 0,   -- 1 while a local edit is not yet accepted
    sort_at    TEXT,                         -- when it happened, for the chronology
    title      TEXT,
    summary    TEXT
);
CREATE INDEX records_child_time ON records (child_id, sort_at);
CREATE INDEX records_kind ON records (kind, child_id);

-- The server's copy of each record as last pulled: the base for merges and
-- for showing "theirs" beside a pending local edit.
CREATE TABLE server_records (
    id       TEXT PRIMARY KEY,
    child_id TEXT NOT NULL,
    rev      INTEGER NOT NULL,
    record   TEXT NOT NULL
);
CREATE INDEX server_records_child ON server_records (child_id);

-- Every local write is a mutation stored in the same transaction as the
-- change it records. Unsent rows are coalesced; sent rows are never edited.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id TEXT NOT NULL UNIQUE,
    record_id   TEXT NOT NULL,
    child_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    base_rev    INTEGER NOT NULL,
    record      TEXT NOT NULL,               -- the full wire Record, JSON
    created_at  TEXT NOT NULL,
    sent_at     TEXT,                        -- set when a push attempt started
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected')),
    reason      TEXT
);
CREATE INDEX outbox_record ON outbox (record_id, state);
CREATE INDEX outbox_child ON outbox (child_id);

-- A conflict keeps all three versions until the worker resolves it.
CREATE TABLE conflicts (
    record_id  TEXT PRIMARY KEY,
    child_id   TEXT NOT NULL,
    base       TEXT,
    theirs     TEXT NOT NULL,
    mine       TEXT NOT NULL,
    fields     TEXT NOT NULL,                -- JSON list of colliding field names
    created_at TEXT NOT NULL
);

CREATE VIRTUAL TABLE search_index USING fts5 (
    title, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
-- A match in a title (a child's name) outranks one in note text.
INSERT INTO search_index (search_index, rank) VALUES ('rank', 'bm25(5.0, 1.0)');

-- Derived per-child facts, refreshed whenever a child's records change, so
-- the caseload table is one indexed query however large the history.
CREATE TABLE child_summary (
    child_id          TEXT PRIMARY KEY,
    name              TEXT NOT NULL,
    date_of_birth     TEXT,
    legal_status      TEXT,
    risk_level        TEXT,
    flags             TEXT NOT NULL DEFAULT '[]',
    missing_now       INTEGER NOT NULL DEFAULT 0,
    missing_education INTEGER NOT NULL DEFAULT 0,
    exploitation_risk INTEGER NOT NULL DEFAULT 0,
    last_visit        TEXT,
    next_visit_due    TEXT,
    rhi_due           TEXT,
    plan_review_due   TEXT,
    recording_due     TEXT
);

-- Outstanding due items; overdue is computed at query time against today.
CREATE TABLE due_items (
    record_id TEXT NOT NULL,
    child_id  TEXT NOT NULL,
    what      TEXT NOT NULL,  -- visit | rhi | recording | plan_review | assessment_review | action
    due       TEXT NOT NULL,
    PRIMARY KEY (record_id, what)
);
CREATE INDEX due_items_child ON due_items (child_id, what, due);

-- Places named by concerns and missing episodes, for hotspots.
CREATE TABLE places (
    record_id TEXT NOT NULL,
    child_id  TEXT NOT NULL,
    place_key TEXT NOT NULL,  -- postcode when known, else the lower-cased name
    name      TEXT,
    postcode  TEXT,
    type      TEXT
);
CREATE INDEX places_key ON places (place_key, child_id);
CREATE INDEX places_record ON places (record_id);

-- Access audit: who viewed, edited, exported or printed which child's record.
CREATE TABLE audit_events (
    id        TEXT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('view', 'edit', 'export', 'print')),
    child_id  TEXT,
    record_id TEXT,
    detail    TEXT,
    pushed    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX audit_unpushed ON audit_events (pushed, at);
