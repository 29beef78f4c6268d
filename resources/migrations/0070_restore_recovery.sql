-- After the central record is restored from an older backup
-- (desktop.restored): the revisions this laptop held when it noticed, kept
-- until the whole caseload has been read again, with the revision the
-- restored record served of each (NULL: it has none).
CREATE TABLE restore_held (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    child_id    TEXT NOT NULL,
    rev         INTEGER NOT NULL,
    deleted     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    data        TEXT NOT NULL,
    served_rev  INTEGER
);

-- Revisions the restore lost that this laptop cannot send back: another
-- worker wrote them (their own laptops send them back if they hold them).
-- Kept for `caseworker status` and the status bar; no case content is shown.
CREATE TABLE restore_unrecovered (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    child_id    TEXT NOT NULL,
    rev         INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    found_at    TEXT NOT NULL
);
