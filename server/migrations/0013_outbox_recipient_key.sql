-- The keyed hash of the person a notice goes to (phone or email), so the
-- daily caps per recipient can count across instances without the address in
-- clear. Departments' webhook rows have none.
ALTER TABLE outbox ADD COLUMN recipient_key TEXT;
CREATE INDEX outbox_recipient ON outbox (recipient_key, created_at);
