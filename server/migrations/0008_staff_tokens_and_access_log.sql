-- Staff tokens name a person or a system (label), expire, record their last
-- use and can be revoked; each has a short public id to list and revoke it by.
ALTER TABLE staff_tokens ADD COLUMN id TEXT;
ALTER TABLE staff_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE staff_tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE staff_tokens ADD COLUMN revoked_at TEXT;
UPDATE staff_tokens SET id = substr(token_hash, 1, 12) WHERE id IS NULL;
CREATE UNIQUE INDEX staff_tokens_id ON staff_tokens (id);

-- Who saw what: every staff list, case read, file download and move, with the
-- token's label and the client's address. The application only ever inserts
-- into this table; `bianmin audit` prints and exports it.
CREATE TABLE access_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    token_id TEXT NOT NULL,
    token_label TEXT NOT NULL,
    department TEXT NOT NULL,
    what TEXT NOT NULL,
    case_number TEXT,
    detail TEXT,
    client TEXT NOT NULL
);
CREATE INDEX access_log_at ON access_log (at);
CREATE INDEX access_log_case ON access_log (case_number);
