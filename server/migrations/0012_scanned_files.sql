-- Whether a case's file was scanned for viruses (clamd) and found clean before
-- it was attached; files from before a scanner was configured were not.
ALTER TABLE case_files ADD COLUMN scanned INTEGER NOT NULL DEFAULT 0;
