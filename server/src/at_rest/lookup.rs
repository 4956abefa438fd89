//! Bearer codes (query codes, resume codes, application keys) are kept only
//! as keyed hashes.
//!
//! A query code has about 39 bits: a plain SHA-256 of it falls to one GPU pass
//! over a copy of the database, and with it every case's look-up, withdrawal,
//! supplements and ratings. Keyed with a secret that lives in the key file and
//! never in the database, the stored hash is useless to whoever holds only the
//! database. The value is `h1:` and the hex of HMAC-SHA-256, under a key
//! derived for each purpose, over the SHA-256 of the code: so rows kept under
//! the older plain SHA-256 can be moved over without their codes
//! ([`migrate`]).
//!
//! The lookup key is not rotated with the data keys (a new one would orphan
//! every code in use): it is the key file's `lookup hmac-sha256 …` line, or,
//! in a key file without one, derived from its last (oldest) key.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sqlx::Row;

const PREFIX: &str = "h1:";

/// What a code opens; each purpose hashes under its own key, so a value from
/// one column never matches in another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    QueryCode,
    ResumeCode,
    /// A person notices go to (phone or email), counted for the daily caps.
    Recipient,
    /// A one-time code sent to prove a phone number (with its row's id).
    PhoneCode,
    /// An application's key (the `Application-Key` header).
    ApplicationKey,
    /// A name or number a clerk searches cases by (`domain::case::search::term`).
    SearchTerm,
    /// A session cookie's value.
    Session,
    /// A session's CSRF token.
    SessionCsrf,
    /// A provider-scoped subject (`domain::account::identity::Identity::key`).
    Subject,
    /// A sign-in's `state`, and the cookie binding it to the browser that began it.
    SignIn,
    /// The resident ID number of someone an agent applied for (代办的委托人).
    Principal,
}

impl Purpose {
    fn label(self) -> &'static [u8] {
        match self {
            Self::QueryCode => b"query code",
            Self::ResumeCode => b"resume code",
            Self::Recipient => b"recipient",
            Self::PhoneCode => b"phone code",
            Self::ApplicationKey => b"application key",
            Self::SearchTerm => b"search term",
            Self::Session => b"session",
            Self::SessionCsrf => b"session csrf",
            Self::Subject => b"subject",
            Self::SignIn => b"sign in",
            Self::Principal => b"principal",
        }
    }
}

/// The secret the bearer-code hashes are keyed with.
#[derive(Clone)]
pub struct LookupKey([u8; 32]);

impl LookupKey {
    pub fn new(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// The stored form of `code` for `purpose`.
    pub fn hash(&self, purpose: Purpose, code: &str) -> String {
        self.of_digest(purpose, &Sha256::digest(code.as_bytes()))
    }

    fn of_digest(&self, purpose: Purpose, digest: &[u8]) -> String {
        let mut derive = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        derive.update(b"bianmin lookup\0");
        derive.update(purpose.label());
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&derive.finalize().into_bytes()).expect("any key length");
        mac.update(digest);
        format!("{PREFIX}{}", crate::secret::hex(&mac.finalize().into_bytes()))
    }

    /// The keyed hash for a value kept before keyed hashing: a plain SHA-256
    /// as hex (query codes, application keys), or the code itself (resume
    /// codes were kept clear).
    fn of_old(&self, purpose: Purpose, old: &str) -> Option<String> {
        match purpose {
            Purpose::QueryCode | Purpose::ApplicationKey => {
                let digest: Vec<u8> = (0..old.len())
                    .step_by(2)
                    .map(|i| old.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
                    .collect::<Option<_>>()?;
                (digest.len() == 32).then(|| self.of_digest(purpose, &digest))
            }
            Purpose::ResumeCode
            | Purpose::Recipient
            | Purpose::PhoneCode
            | Purpose::SearchTerm
            | Purpose::Session
            | Purpose::SessionCsrf
            | Purpose::Subject
            | Purpose::SignIn
            | Purpose::Principal => Some(self.hash(purpose, old)),
        }
    }
}

/// Move every row still kept the old way over to the keyed hash (a joint
/// case's parts have no code of their own: empty, left as it is). Runs at
/// start; each row is changed only while it still holds the old value, so two
/// instances starting together do each row once.
pub async fn migrate(db: &sqlx::AnyPool, key: &LookupKey) -> anyhow::Result<u64> {
    let mut moved = 0;
    // An application key's hash is in every table that names the application:
    // each moves the same way, so they keep matching.
    for (table, column, purpose) in [
        ("cases", "query_code_hash", Purpose::QueryCode),
        ("drafts", "resume_code", Purpose::ResumeCode),
        ("application_keys", "key_hash", Purpose::ApplicationKey),
        ("upload_owners", "application_hash", Purpose::ApplicationKey),
        ("drafts", "application_hash", Purpose::ApplicationKey),
        ("phone_codes", "application_hash", Purpose::ApplicationKey),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT {column} AS old FROM {table} WHERE {column} NOT LIKE 'h1:%' AND {column} <> ''"
        ))
        .fetch_all(db)
        .await?;
        for row in rows {
            let old: String = row.try_get("old")?;
            let Some(new) = key.of_old(purpose, &old) else {
                anyhow::bail!("{table}.{column} holds a value that is neither a hash nor a code");
            };
            let done = sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE {column} = $2"))
                .bind(new)
                .bind(&old)
                .execute(db)
                .await?;
            moved += done.rows_affected();
        }
    }
    if moved > 0 {
        tracing::info!(rows = moved, "bearer codes moved to keyed hashes");
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_keyed_separated_by_purpose_and_migratable() {
        let key = LookupKey::new([7; 32]);
        let code = "ABCD-EFGH";
        let stored = key.hash(Purpose::QueryCode, code);
        assert!(stored.starts_with("h1:") && stored.len() == 3 + 64);
        assert_ne!(stored, LookupKey::new([8; 32]).hash(Purpose::QueryCode, code), "keyed");
        assert_ne!(stored, key.hash(Purpose::ResumeCode, code), "one key per purpose");
        let old = crate::secret::sha256_hex(code.as_bytes());
        assert_eq!(key.of_old(Purpose::QueryCode, &old).unwrap(), stored);
        assert_eq!(key.of_old(Purpose::ResumeCode, code).unwrap(), key.hash(Purpose::ResumeCode, code));
        assert_eq!(key.of_old(Purpose::QueryCode, "not hex"), None);
        let application = "ABCDEFGHJKLMNPQRSTUVWXY23456789A";
        let old = crate::secret::sha256_hex(application.as_bytes());
        assert_eq!(key.of_old(Purpose::ApplicationKey, &old).unwrap(), key.hash(Purpose::ApplicationKey, application));
        assert_ne!(key.hash(Purpose::ApplicationKey, application), key.hash(Purpose::QueryCode, application));
    }
}
