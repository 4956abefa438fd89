-- The province's number of a case (办件编号), made by the province's pattern
-- at submission (none when no pattern is set, and for a joint case's whole),
-- and the day's serial per prefix it counts with, shared by every instance.
ALTER TABLE cases ADD COLUMN province_number TEXT;
CREATE UNIQUE INDEX cases_province_number ON cases (province_number);
CREATE TABLE province_serials (
    prefix TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);
