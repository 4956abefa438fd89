-- Cases a signed-in agent applied for someone else (代办): the principal, kept
-- as the keyed hash of their resident ID number, sees the case in 我的办件
-- once signed in with that verified number. Retention deletes these rows
-- with the case.
CREATE TABLE case_principals (
    case_number TEXT PRIMARY KEY,
    principal_hash TEXT NOT NULL,
    bound_at BIGINT NOT NULL
);
CREATE INDEX case_principals_principal ON case_principals (principal_hash);
