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
    /// Plain `http://` to a host that is not this machine: only when the
    /// centre says so (a department's system on the government intranet
    /// without TLS); the signature still protects the body, not its secrecy.
    #[serde(default)]
    pub allow_http: bool,
}

/// Whether `url` may carry the signed body: HTTPS, or HTTP to this machine,
/// or HTTP where the centre allowed it.
fn acceptable(url: &str, allow_http: bool) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else { return false };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, port)| if port.parse::<u16>().is_ok() { h } else { host });
    let loopback =
        host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    allow_http || loopback || host == "localhost"
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
            if !acceptable(&hook.url, hook.allow_http) {
                anyhow::bail!(
                    "{}: the webhook of {} needs an https:// URL (http:// only to this machine, or with allow_http = true)",
                    path.display(),
                    hook.department
                );
            }
            if hook.allow_http && !hook.url.starts_with("https://") {
                tracing::warn!(department = %hook.department, "a webhook over plain HTTP: its bodies travel unencrypted");
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
    fn webhooks_go_over_https_unless_to_this_machine_or_allowed() {
        assert!(acceptable("https://approval.example.gov.cn/hooks", false));
        assert!(acceptable("http://127.0.0.1:9000/hooks", false));
        assert!(acceptable("http://localhost/hooks", false));
        assert!(!acceptable("http://approval.example.gov.cn/hooks", false));
        assert!(acceptable("http://[::1]:9000/hooks", false));
        assert!(!acceptable("http://127.0.0.1.evil.example/hooks", false), "a name that looks like loopback");
        assert!(acceptable("http://10.1.2.3:8080/hooks", true));
        assert!(!acceptable("ftp://example.org/", true));
    }

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
