//! Notifications: webhooks, email, SMS, WeChat, and the outbox's delivery.

use std::path::PathBuf;

use clap::Args;

use super::defaults::defaults;
use super::secret::Secret;

/// Notifications: the departments' webhooks, email and SMS to applicants, and
/// how the outbox delivers them. (Passwords and keys are [`Secret`]s.)
#[derive(Clone, Debug, Args)]
pub struct Notify {
    /// A TOML file of webhooks, one `[[webhook]]` per department: `department`, `url`, `secret`.
    #[arg(long, env = "BIANMIN_WEBHOOKS")]
    pub webhooks: Option<PathBuf>,
    /// How often the outbox worker looks for due notifications, in milliseconds.
    #[arg(long, env = "BIANMIN_OUTBOX_POLL_MS", default_value_t = 1000)]
    pub outbox_poll_ms: u64,
    /// The first retry's delay in seconds; each further retry waits twice as long (at most an hour).
    #[arg(long, env = "BIANMIN_OUTBOX_RETRY_SECS", default_value_t = 30)]
    pub outbox_retry_secs: u64,
    /// Attempts before a notification is marked dead (`bianmin outbox retry` sends it again).
    #[arg(long, env = "BIANMIN_OUTBOX_ATTEMPTS", default_value_t = 8)]
    pub outbox_attempts: u32,
    /// The centre's name, as every notice to applicants names it.
    #[arg(long, env = "BIANMIN_CENTRE_NAME", default_value = "县政务服务中心")]
    pub centre_name: String,
    /// The address applicants open the app at, for the status links in notices.
    #[arg(long, env = "BIANMIN_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: String,
    /// The SMTP server for email to applicants; without it no email is sent.
    #[arg(long, env = "BIANMIN_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "BIANMIN_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// `starttls` (default, port 587), `tls` (port 465) or `none` (only for a relay on this machine).
    #[arg(long, env = "BIANMIN_SMTP_TLS", default_value = "starttls")]
    pub smtp_tls: String,
    #[arg(long, env = "BIANMIN_SMTP_USER")]
    pub smtp_user: Option<String>,
    #[arg(long, env = "BIANMIN_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<Secret>,
    /// The sender, e.g. `示范县政务服务中心 <noreply@example.gov.cn>`.
    #[arg(long, env = "BIANMIN_MAIL_FROM", default_value = "便民 <noreply@localhost>")]
    pub mail_from: String,
    /// SMS to applicants: `none` (default), `aliyun` (Alibaba Cloud SMS) or `tencent` (Tencent Cloud SMS).
    #[arg(long, env = "BIANMIN_SMS_PROVIDER", default_value = "none")]
    pub sms_provider: String,
    /// Alibaba Cloud's AccessKey ID, or Tencent Cloud's SecretId.
    #[arg(long, env = "BIANMIN_SMS_KEY_ID")]
    pub sms_key_id: Option<String>,
    /// Alibaba Cloud's AccessKey secret, or Tencent Cloud's SecretKey.
    #[arg(long, env = "BIANMIN_SMS_KEY_SECRET", hide_env_values = true)]
    pub sms_key_secret: Option<Secret>,
    /// The SMS signature (签名) the provider approved, e.g. `示范县政务服务中心`.
    #[arg(long, env = "BIANMIN_SMS_SIGN_NAME")]
    pub sms_sign_name: Option<String>,
    /// Tencent Cloud's SmsSdkAppId (the SMS application's id).
    #[arg(long, env = "BIANMIN_SMS_APP_ID")]
    pub sms_app_id: Option<String>,
    /// The provider's region (default `cn-hangzhou` for Alibaba Cloud, `ap-guangzhou` for Tencent Cloud).
    #[arg(long, env = "BIANMIN_SMS_REGION")]
    pub sms_region: Option<String>,
    /// The provider's API address, when not its public one (a private cloud's, or a test's).
    #[arg(long, env = "BIANMIN_SMS_ENDPOINT")]
    pub sms_endpoint: Option<String>,
    /// The registered template of each notice event: `submitted=SMS_1,accepted=SMS_2,…`
    /// (`bianmin sms templates` prints the texts to register).
    #[arg(long, env = "BIANMIN_SMS_TEMPLATES", default_value = "")]
    pub sms_templates: String,
    /// SMS one phone number is sent a day at most, whoever submits (a stranger's
    /// number typed into many applications gets no more).
    #[arg(long, env = "BIANMIN_SMS_PER_RECIPIENT_PER_DAY", default_value_t = 10)]
    pub sms_per_recipient_per_day: u32,
    /// Emails one address is sent a day at most.
    #[arg(long, env = "BIANMIN_EMAIL_PER_RECIPIENT_PER_DAY", default_value_t = 30)]
    pub email_per_recipient_per_day: u32,
    /// The 公众号's 模板消息 template (template_id) that tells applicants signed
    /// in with WeChat of their case's progress; unset, none is sent. The
    /// 公众号 is the one of `BIANMIN_WECHAT_APPID` and `BIANMIN_WECHAT_SECRET`.
    #[arg(long, env = "BIANMIN_WECHAT_TEMPLATE_ID")]
    pub wechat_template_id: Option<String>,
    /// Which keyword field of that template holds which fact (`item`, `case`,
    /// `progress`, `time`), as the template's details in the 公众号 admin show them.
    #[arg(
        long,
        env = "BIANMIN_WECHAT_TEMPLATE_FIELDS",
        default_value = "item=thing1,case=character_string2,progress=thing3,time=time4"
    )]
    pub wechat_template_fields: String,
    /// WeChat messages one WeChat account is sent a day at most.
    #[arg(long, env = "BIANMIN_WECHAT_PER_RECIPIENT_PER_DAY", default_value_t = 20)]
    pub wechat_per_recipient_per_day: u32,
}

impl Default for Notify {
    fn default() -> Self {
        defaults()
    }
}
