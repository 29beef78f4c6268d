-- Key/value facts about this device that belong inside the encryption:
-- device id and token, server address, policy, last sync, cursor.
CREATE TABLE device_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
