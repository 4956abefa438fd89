-- A joint case's co-department answers the lead before acceptance (征求意见):
-- `answered`, or `defaulted` (缺席默认: silent past the bundle's deadline,
-- taken to agree); empty while it has not answered.
ALTER TABLE cases ADD COLUMN consult TEXT;
