//! Email to applicants over SMTP with lettre: plain text, UTF-8, from the
//! centre's address; STARTTLS or TLS (rustls) unless the relay is on this
//! machine (`--smtp-tls none`).

use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::settings::Notify;

/// Whether email can be sent at all (an SMTP server is configured).
pub fn configured(notify: &Notify) -> bool {
    notify.smtp_host.as_deref().is_some_and(|h| !h.is_empty())
}

/// Send one message; the reason in words when it did not go.
pub async fn send(notify: &Notify, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let host = notify.smtp_host.as_deref().ok_or("没有配置邮件服务器")?;
    let message = Message::builder()
        .from(notify.mail_from.parse().map_err(|_| "发件人地址不正确".to_owned())?)
        .to(to.parse().map_err(|_| "收件人地址不正确".to_owned())?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .map_err(|_| "邮件内容不正确".to_owned())?;
    let builder = match notify.smtp_tls.as_str() {
        "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(host).map_err(|_| "邮件服务器地址不正确".to_owned())?,
        _ => {
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host).map_err(|_| "邮件服务器地址不正确".to_owned())?
        }
    };
    let mut builder = builder.port(notify.smtp_port).timeout(Some(std::time::Duration::from_secs(10)));
    if let (Some(user), Some(password)) = (&notify.smtp_user, &notify.smtp_password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    builder.build().send(message).await.map(|_| ()).map_err(|e| {
        if e.is_permanent() {
            "邮件服务器拒收".to_owned()
        } else {
            "邮件服务器暂时无法连接".to_owned()
        }
    })
}
