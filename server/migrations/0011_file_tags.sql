-- The authenticator of every stored file: one tag for each piece of at most
-- 1 MiB, counted from the start of the PATCH that wrote it (see
-- server/src/at_rest/file_mac.rs). `file` is the storage key of the upload.
CREATE TABLE file_tags (
    file TEXT NOT NULL,
    start BIGINT NOT NULL,
    len BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (file, start)
);
