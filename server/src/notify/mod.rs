//! Telling people what happened: the transactional outbox, its delivery
//! worker, the reminders planned from the calendar, and one module per channel.

pub mod caps;
pub mod email;
pub mod outbox;
pub mod reminders;
pub mod sms;
pub mod webhook;
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

/// How a notification goes out: the applicant's email or SMS, or the
/// department's webhook. The outbox writes and reads only these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
    Webhook,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Self::Email, Self::Sms, Self::Webhook];

    /// As the outbox's `channel` column and the receipt name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}
