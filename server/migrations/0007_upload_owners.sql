-- Every upload belongs to one application: the application key (a secret the
-- browser keeps) is issued by the server and kept here only as a SHA-256 hash.
CREATE TABLE application_keys (
    key_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

-- Who owns each upload, and the case that holds it once submitted. A file
-- attached to a case (case_number set) is never deleted through the upload
-- routes or by a re-check; claiming a file for a case and for deletion are
-- both single-row updates of this row, so they cannot both win.
CREATE TABLE upload_owners (
    upload TEXT PRIMARY KEY,
    application_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    case_number TEXT
);
CREATE INDEX upload_owners_application ON upload_owners (application_hash);

-- A file is part of one case only.
CREATE UNIQUE INDEX case_files_upload ON case_files (upload);

-- A draft keeps its application's key (so uploads go on working on another
-- device) and the key's hash (so submitting the application deletes its draft).
ALTER TABLE drafts ADD COLUMN application_key TEXT;
ALTER TABLE drafts ADD COLUMN application_hash TEXT;
CREATE INDEX drafts_application ON drafts (application_hash);

-- The declared size of each upload, for the byte budget per application.
ALTER TABLE upload_owners ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
