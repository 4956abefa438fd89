//! The 公众号 and the template WeChat notices go out with, from the settings,
//! and the request body one notice becomes.

use anyhow::{Context, bail};
use domain::case::wechat::Fact;
use serde::Deserialize;

use crate::settings::{Notify, Secret, SignInSettings};

/// The 公众号 and the template progress notices go out with.
pub struct WechatNotices {
    pub appid: String,
    pub(super) secret: Secret,
    pub template_id: String,
    /// Which keyword field of the template holds which fact.
    pub fields: Vec<(Fact, String)>,
    /// WeChat's API (another address only for a stand-in in tests).
    pub(super) api_url: String,
}

impl WechatNotices {
    /// The notices the settings ask for, checked at start-up; `None` without a template.
    pub fn from_settings(sign_in: &SignInSettings, notify: &Notify) -> anyhow::Result<Option<Self>> {
        let Some(template_id) = notify.wechat_template_id.clone().filter(|t| !t.trim().is_empty()) else {
            return Ok(None);
        };
        let (Some(appid), Some(secret)) = (&sign_in.wechat_appid, &sign_in.wechat_secret) else {
            bail!("BIANMIN_WECHAT_TEMPLATE_ID needs the 公众号's BIANMIN_WECHAT_APPID and BIANMIN_WECHAT_SECRET");
        };
        Ok(Some(Self {
            appid: appid.clone(),
            secret: secret.clone(),
            template_id: template_id.trim().to_owned(),
            fields: parse_fields(&notify.wechat_template_fields)?,
            api_url: sign_in.wechat_api_url.trim_end_matches('/').to_owned(),
        }))
    }

    /// The request body WeChat is sent for one notice: kept (sealed) in the outbox.
    pub fn body(&self, openid: &str, status_url: &str, facts: &[(Fact, String)]) -> String {
        let data: serde_json::Map<String, serde_json::Value> = self
            .fields
            .iter()
            .filter_map(|(fact, keyword)| {
                let value = facts.iter().find(|(f, _)| f == fact)?.1.clone();
                Some((keyword.clone(), serde_json::json!({ "value": value })))
            })
            .collect();
        serde_json::json!({
            "touser": openid,
            "template_id": self.template_id,
            "url": status_url,
            "data": data,
        })
        .to_string()
    }
}

/// What WeChat answers a send (and a token request's refusal).
#[derive(Deserialize)]
pub(super) struct Answer {
    #[serde(default)]
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
    #[serde(default)]
    pub msgid: Option<serde_json::Number>,
}

/// `item=thing1,case=character_string2,…`: each fact once, each keyword
/// WeChat's form of a field name; the case number at least.
pub fn parse_fields(text: &str) -> anyhow::Result<Vec<(Fact, String)>> {
    let mut out: Vec<(Fact, String)> = Vec::new();
    for pair in text.split([',', '，']).map(str::trim).filter(|p| !p.is_empty()) {
        let (fact, keyword) = pair.split_once('=').with_context(|| format!("{pair:?}: write fact=field"))?;
        let names = Fact::ALL.map(Fact::name).join(", ");
        let fact = Fact::parse(fact.trim()).with_context(|| format!("{fact:?} is not one of {names}"))?;
        let keyword = keyword.trim();
        if keyword.is_empty() || !keyword.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("{keyword:?}: a template field is named like thing1 or character_string2");
        }
        if out.iter().any(|(f, _)| *f == fact) {
            bail!("{} is given twice", fact.name());
        }
        out.push((fact, keyword.to_owned()));
    }
    if !out.iter().any(|(f, _)| *f == Fact::Case) {
        bail!("BIANMIN_WECHAT_TEMPLATE_FIELDS must name the field of the case number (case=…)");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use domain::case::wechat::Fact;

    #[test]
    fn a_template_without_the_accounts_appid_and_secret_does_not_start() {
        let mut notify = crate::settings::Notify::default();
        let mut sign_in: crate::settings::SignInSettings = crate::settings::defaults::defaults();
        assert!(super::WechatNotices::from_settings(&sign_in, &notify).unwrap().is_none(), "none asked for");
        notify.wechat_template_id = Some("Wq3yV2fJd0kM8sXh5RbT1nLc7GaP4eUo9iZ6vBmN0Ek".into());
        let refused = super::WechatNotices::from_settings(&sign_in, &notify).err().unwrap().to_string();
        assert!(refused.contains("BIANMIN_WECHAT_APPID"), "{refused}");
        sign_in.wechat_appid = Some("wx5f0e3b2a9c1d4e67".into());
        sign_in.wechat_secret = Some("secret".into());
        let notices = super::WechatNotices::from_settings(&sign_in, &notify).unwrap().unwrap();
        assert_eq!(notices.fields.len(), 4, "the default fields");
    }

    #[test]
    fn fields_are_read_as_fact_and_keyword_pairs() {
        let got = super::parse_fields("item=thing1, case=character_string2，progress=phrase3").unwrap();
        assert_eq!(got[1], (Fact::Case, "character_string2".to_owned()));
        assert_eq!(got.len(), 3);
        assert!(super::parse_fields("item=thing1").unwrap_err().to_string().contains("case"));
        assert!(super::parse_fields("case=a,case=b").is_err());
        assert!(super::parse_fields("first=thing1,case=c2").unwrap_err().to_string().contains("progress"));
        assert!(super::parse_fields("case=thing 1").is_err());
    }
}
