-- The law's clocks: the day the materials were (last) received, from which
-- the department has five working days to answer before the application
-- counts as accepted (视为受理); and the day the applicant was told of the
-- acceptance, from which 容缺 materials are due (an acceptance by law dates
-- back to the receipt, the applicant's deadline does not).
ALTER TABLE cases ADD COLUMN received_on TEXT;
ALTER TABLE cases ADD COLUMN later_from TEXT;
-- What 办结 decided (准予/不予许可, document number, certificate), as JSON.
ALTER TABLE cases ADD COLUMN decision TEXT;
