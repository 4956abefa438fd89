-- Cases bound to a signed-in person (我的办件): made while signed in, or
-- claimed with the case number and query code (认领). The person is kept as
-- the keyed hash of the provider's subject.
CREATE TABLE case_owners (
    subject_hash TEXT NOT NULL,
    case_number TEXT NOT NULL,
    bound_at BIGINT NOT NULL,
    PRIMARY KEY (subject_hash, case_number)
);
CREATE INDEX case_owners_case ON case_owners (case_number);
