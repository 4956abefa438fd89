-- WeChat notices (模板消息). The WeChat account a case's progress goes to:
-- the openid of a person who signed in with WeChat and made or claimed the
-- case, sealed, one row per case and person (id: `<case_number>:<subject_hash>`).
-- Deleting the account's data or the case deletes these rows.
CREATE TABLE case_wechat (
    id TEXT PRIMARY KEY,
    case_number TEXT NOT NULL,
    subject_hash TEXT NOT NULL,
    openid TEXT NOT NULL,
    bound_at BIGINT NOT NULL
);
CREATE INDEX case_wechat_case ON case_wechat (case_number);
CREATE INDEX case_wechat_subject ON case_wechat (subject_hash);

-- The 公众号's access_token, shared by every instance: sealed, with a hash of
-- it so an instance told "invalid" forgets only the token it used.
CREATE TABLE wechat_tokens (
    appid TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
