-- The last day to supply what a 补正告知 asked for: after it, an application
-- still waiting for the supplement counts as withdrawn and is terminated.
ALTER TABLE cases ADD COLUMN supply_by TEXT;
