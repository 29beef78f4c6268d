-- Records a partner agency reported through the central record's console
-- that the worker has opened (desktop.partner_news): until then the laptop
-- shows each as "New from <agency>". Kept on this laptop only, never sent.
-- A later report on the same record (police found the child) is new again:
-- the report's id is part of the key.
CREATE TABLE partner_seen (
    record_id          TEXT NOT NULL,
    partner_report_id  TEXT NOT NULL,
    seen_at            TEXT NOT NULL,
    PRIMARY KEY (record_id, partner_report_id)
);
