-- Joint cases (联办件) of a bundle: the whole is a case row whose bundle_code
-- is set (item_code holds the bundle code too; department is the lead's); each
-- item is a part, a case row whose joint_number names the whole. A part has no
-- query code of its own: the applicant opens the whole.
ALTER TABLE cases ADD COLUMN joint_number TEXT;
ALTER TABLE cases ADD COLUMN bundle_code TEXT;
-- The whole: the lead's stage (status holds the whole as derived from its parts)
-- and the combined supplement notice.
ALTER TABLE cases ADD COLUMN stage TEXT;
ALTER TABLE cases ADD COLUMN notice TEXT;
-- A part: the supplements its department asked for, waiting for the lead's notice.
ALTER TABLE cases ADD COLUMN pending TEXT;
CREATE INDEX cases_joint ON cases (joint_number);

-- A document shared by several items is one upload in every part that uses it:
-- it still belongs to one application and one case (upload_owners.case_number,
-- the whole), and appears once per part.
DROP INDEX case_files_upload;
