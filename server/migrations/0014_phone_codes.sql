-- One-time codes that prove the phone progress SMS goes to, per application.
-- The number and the code are kept only as keyed hashes; rows go after a day.
CREATE TABLE phone_codes (
    id TEXT PRIMARY KEY,
    application_hash TEXT NOT NULL,
    phone_key TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    tries INTEGER NOT NULL DEFAULT 0,
    proven_at TEXT
);
CREATE INDEX phone_codes_phone ON phone_codes (phone_key, sent_at);
CREATE INDEX phone_codes_application ON phone_codes (application_hash, phone_key);
