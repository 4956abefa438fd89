-- Sign-ins under way with a provider, for at most ten minutes: the `state`
-- sent to it and the cookie binding the sign-in to the browser that began it
-- are kept as keyed hashes; the PKCE verifier, nonce and the page to return to are sealed.
CREATE TABLE sign_ins (
    state_hash TEXT PRIMARY KEY,
    binding_hash TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
