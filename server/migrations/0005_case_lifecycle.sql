-- The case after submission: its clock, its current supplement request and
-- result, an optimistic version so two staff moves never interleave, and the
-- ledger's other tables. Dates are YYYY-MM-DD text (Beijing dates).
ALTER TABLE cases ADD COLUMN department TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN promised_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN accepted_on TEXT;
ALTER TABLE cases ADD COLUMN due_on TEXT;
ALTER TABLE cases ADD COLUMN suspended_on TEXT;
ALTER TABLE cases ADD COLUMN completed_on TEXT;
ALTER TABLE cases ADD COLUMN result TEXT;
ALTER TABLE cases ADD COLUMN supplement TEXT;
CREATE INDEX cases_department_status ON cases (department, status);

-- Every move of a case: seq is the case's version after the move (0: submission).
CREATE TABLE case_events (
    case_number TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    label TEXT NOT NULL,
    note TEXT,
    status TEXT NOT NULL,
    PRIMARY KEY (case_number, seq)
);

-- The files of a case, as submitted and as supplied later (补正, 容缺).
CREATE TABLE case_files (
    case_number TEXT NOT NULL,
    upload TEXT NOT NULL,
    material TEXT NOT NULL,
    name TEXT NOT NULL,
    size BIGINT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (case_number, upload)
);

-- Staff API tokens, one department each; only the SHA-256 of a token is kept.
CREATE TABLE staff_tokens (
    token_hash TEXT PRIMARY KEY,
    department TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- 好差评: one per case.
CREATE TABLE ratings (
    case_number TEXT PRIMARY KEY,
    department TEXT NOT NULL,
    overall INTEGER NOT NULL,
    rating TEXT NOT NULL,
    rated_at TEXT NOT NULL
);

CREATE TABLE complaints (
    id TEXT PRIMARY KEY,
    case_number TEXT,
    department TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
