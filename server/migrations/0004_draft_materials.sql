-- Finished uploads and the 容缺 choice kept with a draft (JSON text), so the
-- applicant continues on another device without uploading again.
ALTER TABLE drafts ADD COLUMN materials TEXT;
