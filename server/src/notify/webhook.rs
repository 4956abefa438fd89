//! Webhooks to departments' approval systems: one URL and secret per
//! department, from a TOML file (`--webhooks`), and the signature each
//! delivery carries.
//!
//! `Bianmin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`
//! with the department's secret, as Stripe signs its webhooks: the receiver
//! recomputes it over the raw body, compares in constant time and refuses a
//! timestamp older than five minutes. `Bianmin-Event-Id` is the same for every
//! retry of one event, for de-duplication.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use hmac::{Hmac, Mac};
use serde::Deserialize;

/// One department's endpoint.
#[derive(Clone, Deserialize)]
pub struct Webhook {
    pub department: String,
    pub url: String,
    pub secret: String,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook").field("department", &self.department).field("url", &self.url).finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    webhook: Vec<Webhook>,
}

/// The configured webhooks, by department.
#[derive(Clone, Debug, Default)]
pub struct Webhooks(BTreeMap<String, Webhook>);

impl Webhooks {
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let Some(path) = path else { return Ok(Self::default()) };
        let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let file: File = toml::from_str(&text).with_context(|| format!("{} is not a webhook file", path.display()))?;
        let mut out = BTreeMap::new();
        for hook in file.webhook {
            if !(hook.url.starts_with("https://") || hook.url.starts_with("http://")) {
                anyhow::bail!("{}: the webhook of {} needs an http(s) URL", path.display(), hook.department);
            }
            if hook.secret.len() < 16 {
                anyhow::bail!(
                    "{}: the secret of {}'s webhook is shorter than 16 characters",
                    path.display(),
                    hook.department
                );
            }
            out.insert(hook.department.clone(), hook);
        }
        Ok(Self(out))
    }

    pub fn of(&self, department: &str) -> Option<&Webhook> {
        self.0.get(department)
    }
}

/// The `Bianmin-Signature` header for `body` sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("t={timestamp},v1={}", crate::secret::hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_over_timestamp_and_body() {
        // RFC 4231 style check against an independent computation of the same input.
        let header = signature("whsec_0123456789abcdef", 1_764_547_200, br#"{"id":"e1"}"#);
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(b"whsec_0123456789abcdef").unwrap();
        mac.update(br#"1764547200.{"id":"e1"}"#);
        let expected: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(header, format!("t=1764547200,v1={expected}"));
    }
}
