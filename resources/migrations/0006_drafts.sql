-- Typing a form could not save yet (a note over the length limit, a missing
-- episode that breaks a rule): kept inside the encryption until it is saved
-- or the worker discards it, so a lock, a quit or opening another child never
-- loses it. One draft per form, child and record ('' for a new record).
CREATE TABLE drafts (
    form       TEXT NOT NULL,   -- visit | missing_episode | concern | plan | plan_action | addendum
    child_id   TEXT NOT NULL,
    record_key TEXT NOT NULL,   -- the record being edited; '' for a new one
    data       TEXT NOT NULL,   -- JSON: what the form held, valid or not
    problem    TEXT NOT NULL,   -- why it could not be saved (names the field, no content)
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (form, child_id, record_key)
);
CREATE INDEX drafts_child ON drafts (child_id);
