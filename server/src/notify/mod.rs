//! Telling people what happened: the transactional outbox, its delivery
//! worker, the reminders planned from the calendar, and one module per channel.

pub mod caps;
pub mod email;
pub mod outbox;
pub mod reminders;
pub mod sms;
pub mod webhook;
pub mod wechat;
pub mod worker;

/// Why one message did not go: in words, and whether trying again can help
/// (throttled or unreachable: yes; a template or signature refused: no).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub why: String,
    pub retry: bool,
}

impl Failure {
    pub fn retry(why: impl Into<String>) -> Self {
        Self { why: why.into(), retry: true }
    }

    pub fn permanent(why: impl Into<String>) -> Self {
        Self { why: why.into(), retry: false }
    }

    /// The provider is limiting how fast we send: later.
    pub fn throttled(code: &str) -> Self {
        Self::retry(format!("短信服务限流，稍后重试（{code}）"))
    }

    /// A code we do not know, or none: assume it passes, and try again.
    pub fn unexplained(code: &str, status: u16) -> Self {
        if code.is_empty() {
            Self::retry(format!("短信服务没有给出结果（HTTP {status}）"))
        } else {
            Self::retry(format!("短信服务暂时失败（{code}）"))
        }
    }
}

/// How a notification goes out: the applicant's email, SMS or WeChat, the
/// department's webhook, or the province's records (`crate::exchange`). The
/// outbox writes and reads only these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
    Wechat,
    Webhook,
    Province,
}

impl Channel {
    pub const ALL: [Channel; 5] = [Self::Email, Self::Sms, Self::Wechat, Self::Webhook, Self::Province];

    /// As the outbox's `channel` column and the receipt name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Wechat => "wechat",
            Self::Webhook => "webhook",
            Self::Province => "province",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}
