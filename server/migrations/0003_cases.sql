-- Submitted applications (办件). The query code is kept only as a hash.
CREATE TABLE cases (
    case_number TEXT PRIMARY KEY,
    query_code_hash TEXT NOT NULL,
    item_code TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    application TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_at TEXT NOT NULL
);

-- One answer per Idempotency-Key: a retry, a double tap or a second tab gets the
-- first answer instead of a second case. Kept for a day.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    response_body TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
