-- Drafts the applicant can continue on another device with the resume code.
-- answers and form are JSON text; times are RFC 3339 UTC text (sorts on both databases).
CREATE TABLE drafts (
    resume_code TEXT PRIMARY KEY,
    item_code TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    answers TEXT NOT NULL,
    form TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
