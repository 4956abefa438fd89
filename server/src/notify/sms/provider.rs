//! The SMS provider a centre configured, its templates and the message it sends.

use crate::notify::Failure;
use std::collections::BTreeMap;

use anyhow::{Context, bail};

use crate::settings::Notify;

/// Which provider, with what the server needs to call it.
#[derive(Clone)]
pub struct SmsProvider {
    pub kind: Kind,
    /// The API's address (the provider's own unless `--sms-endpoint` says otherwise).
    pub endpoint: String,
    pub region: String,
    /// Alibaba Cloud's AccessKey ID, or Tencent Cloud's SecretId.
    pub key_id: String,
    pub key_secret: String,
    /// The signature (签名) the provider approved, put in front of every message.
    pub sign_name: String,
    /// Tencent Cloud's SmsSdkAppId.
    pub app_id: String,
    /// Template id by notice event (`submitted` → `SMS_123456789`).
    pub templates: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Aliyun,
    Tencent,
}

impl std::fmt::Debug for SmsProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsProvider")
            .field("kind", &self.kind)
            .field("endpoint", &self.endpoint)
            .field("sign_name", &self.sign_name)
            .field("templates", &self.templates)
            .finish_non_exhaustive()
    }
}

impl SmsProvider {
    /// The provider the settings name, checked at start-up; `None` for `none`.
    pub fn from_settings(notify: &Notify) -> anyhow::Result<Option<Self>> {
        let kind = match notify.sms_provider.as_str() {
            "" | "none" => return Ok(None),
            "aliyun" => Kind::Aliyun,
            "tencent" => Kind::Tencent,
            other => bail!("--sms-provider {other:?}: use none, aliyun or tencent"),
        };
        let need = |value: &Option<String>, name: &str| -> anyhow::Result<String> {
            value.clone().filter(|v| !v.trim().is_empty()).with_context(|| format!("SMS by {kind:?} needs --{name}"))
        };
        let templates = parse_templates(&notify.sms_templates)?;
        if templates.is_empty() {
            bail!("SMS by {kind:?} needs --sms-templates (event=template id, …)");
        }
        if !templates.contains_key(domain::case::sms::CODE) {
            bail!(
                "SMS by {kind:?} needs a `code` template in --sms-templates: the one-time code that proves \
                 an applicant's number before progress SMS goes to it (`bianmin sms templates` prints its text)"
            );
        }
        let (endpoint, region) = match kind {
            Kind::Aliyun => ("https://dysmsapi.aliyuncs.com", "cn-hangzhou"),
            Kind::Tencent => ("https://sms.tencentcloudapi.com", "ap-guangzhou"),
        };
        Ok(Some(Self {
            kind,
            endpoint: notify.sms_endpoint.clone().unwrap_or_else(|| endpoint.to_owned()),
            region: notify.sms_region.clone().unwrap_or_else(|| region.to_owned()),
            key_id: need(&notify.sms_key_id, "sms-key-id")?,
            key_secret: need(&notify.sms_key_secret.as_ref().map(|s| s.expose().to_owned()), "sms-key-secret")?,
            sign_name: need(&notify.sms_sign_name, "sms-sign-name")?,
            app_id: if kind == Kind::Tencent { need(&notify.sms_app_id, "sms-app-id")? } else { String::new() },
            templates,
        }))
    }

    /// The template id of the one-time code (present: checked at start-up).
    pub fn code_template_id(&self) -> &str {
        self.template_id(domain::case::sms::CODE).unwrap_or_default()
    }

    /// The template id registered for a notice event, if SMS carries it.
    pub fn template_id(&self, event: &str) -> Option<&str> {
        self.templates.get(event).map(String::as_str)
    }
}

/// One message as the adapters send it.
pub struct Message<'a> {
    /// 11 digits, no country code.
    pub phone: &'a str,
    pub template_id: &'a str,
    /// The template's variables in its order.
    pub params: &'a [(String, String)],
}

/// `submitted=SMS_1,accepted=SMS_2`: every event must be one the domain knows.
pub fn parse_templates(text: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for pair in text.split([',', '，', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let Some((event, id)) = pair.split_once('=') else {
            bail!("--sms-templates: {pair:?} is not event=template id")
        };
        let (event, id) = (event.trim(), id.trim());
        if domain::case::sms::template(event).is_none() {
            let known: Vec<&str> = domain::case::sms::templates().into_iter().map(|(n, _)| n).collect();
            bail!("--sms-templates: no notice event {event:?} (known: {})", known.join(", "));
        }
        if id.is_empty() {
            bail!("--sms-templates: {event} has no template id");
        }
        out.insert(event.to_owned(), id.to_owned());
    }
    Ok(out)
}

/// The template texts to register, one event a line (`event<TAB>text`), with
/// the status link written in and the variables in the provider's form.
pub fn templates_to_register(provider: &str, public_url: &str) -> String {
    let status = format!("{}/cases/${{case}}", public_url.trim_end_matches('/'));
    domain::case::sms::templates()
        .iter()
        .map(|(event, text)| {
            let text = text.replace("{status}", &status);
            let text = if provider == "tencent" { domain::case::sms::numbered(&text) } else { text };
            format!("{event}\t{text}\n")
        })
        .collect()
}

/// How a send that never got an answer went.
pub fn unreachable(error: &reqwest::Error) -> Failure {
    Failure::retry(if error.is_timeout() { "短信服务超时" } else { "短信服务连接失败" })
}
