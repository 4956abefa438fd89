-- The statutory documents issued with a move: numbered per department, year
-- and kind without gaps (the counter moves in the move's transaction), their
-- words kept as issued and sealed to the row (they name the applicant).
CREATE TABLE document_counters (
    department TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (department, year, kind)
);
CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    department TEXT NOT NULL,
    kind TEXT NOT NULL,
    number TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX documents_case ON documents (case_number);
