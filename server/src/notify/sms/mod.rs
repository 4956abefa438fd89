//! SMS to applicants through the provider a centre has: Alibaba Cloud SMS
//! ([`aliyun`]) or Tencent Cloud SMS ([`tencent`]), each by its documented
//! HTTP API and request signing. Providers send only registered templates:
//! `--sms-templates` names the template id of each notice event
//! (`domain::case::sms::templates`); an event without one is not sent by SMS.

pub mod aliyun;
pub mod provider;
pub mod tencent;

pub use provider::{Kind, Message, SmsProvider, parse_templates, templates_to_register, unreachable};

use crate::notify::Failure;

impl SmsProvider {
    /// Send one templated message to a mainland mobile number; the provider's
    /// id of the message when it was taken.
    pub async fn send(
        &self,
        client: &reqwest::Client,
        phone: &str,
        template_id: &str,
        params: &[(String, String)],
    ) -> Result<String, Failure> {
        let message = Message { phone, template_id, params };
        match self.kind {
            Kind::Aliyun => aliyun::send(self, client, &message).await,
            Kind::Tencent => tencent::send(self, client, &message).await,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn templates_are_read_as_event_and_id_pairs_and_unknown_events_refused() {
        let got = super::parse_templates("submitted=SMS_1, accepted = SMS_2，completed=449739").unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got["completed"], "449739");
        assert!(super::parse_templates("submited=SMS_1").unwrap_err().to_string().contains("submitted"));
        assert!(super::parse_templates("accepted").is_err());
    }

    #[test]
    fn sms_is_not_started_without_the_code_that_proves_a_number() {
        let mut notify = crate::settings::Notify {
            sms_provider: "aliyun".into(),
            sms_key_id: Some("id".into()),
            sms_key_secret: Some("secret".into()),
            sms_sign_name: Some("示范县政务服务中心".into()),
            sms_templates: "submitted=SMS_1".into(),
            ..Default::default()
        };
        let refused = super::SmsProvider::from_settings(&notify).unwrap_err().to_string();
        assert!(refused.contains("`code` template"), "{refused}");
        notify.sms_templates = "submitted=SMS_1,code=SMS_9".into();
        let provider = super::SmsProvider::from_settings(&notify).unwrap().unwrap();
        assert_eq!(provider.code_template_id(), "SMS_9");
    }

    #[test]
    fn the_templates_to_register_carry_the_status_link_in_the_providers_form() {
        let aliyun = super::templates_to_register("aliyun", "https://zwfw.example.gov.cn/");
        assert!(aliyun.starts_with(
            "submitted\t您申请的${item}已提交，办件编号${case}。查看进度：https://zwfw.example.gov.cn/cases/${case}\n"
        ));
        let tencent = super::templates_to_register("tencent", "https://zwfw.example.gov.cn");
        assert!(
            tencent.starts_with(
                "submitted\t您申请的{1}已提交，办件编号{2}。查看进度：https://zwfw.example.gov.cn/cases/{2}\n"
            ),
            "{tencent}"
        );
        assert_eq!(tencent.lines().count(), domain::case::sms::templates().len());
    }
}
