-- Every catalog version this installation has served. Drafts and cases made later
-- refer to the version they were made against, so the answers that still apply
-- can be kept when the catalog changes.
CREATE TABLE catalog_versions (
    version TEXT PRIMARY KEY,
    items INTEGER NOT NULL,
    first_loaded_at TEXT NOT NULL
);
