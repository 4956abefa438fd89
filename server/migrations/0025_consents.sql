-- Consent per purpose (sign-in, prefill, material reuse) of a signed-in
-- person, kept by the keyed hash of the provider's subject: given or
-- withdrawn, and when. Deleting the account's data deletes these rows.
CREATE TABLE consents (
    subject_hash TEXT NOT NULL,
    purpose TEXT NOT NULL,
    -- 1 given, 0 withdrawn (an integer: the same on SQLite and PostgreSQL).
    given BIGINT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (subject_hash, purpose)
);
