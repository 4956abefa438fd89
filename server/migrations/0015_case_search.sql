-- Finding a case at the window without keeping names and numbers in clear:
-- each name, ID number, credit code and phone on an application as a keyed
-- hash (the key lives in the key file), so a copy of the database searches
-- nothing. And the day a case's light turns yellow, kept beside its due date,
-- so the staff list filters and sorts by light in the database.
CREATE TABLE case_terms (
    case_number TEXT NOT NULL,
    term_hash TEXT NOT NULL,
    PRIMARY KEY (case_number, term_hash)
);
CREATE INDEX case_terms_hash ON case_terms (term_hash);
ALTER TABLE cases ADD COLUMN close_on TEXT;
CREATE INDEX cases_department_due ON cases (department, due_on);
