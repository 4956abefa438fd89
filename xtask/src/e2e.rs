//! Playwright against the release build: a real server over a temporary data
//! directory, Debian's Chromium, a phone viewport and WeChat's user agent, and
//! a real SMTP server (aiosmtpd, writing a maildir) for the applicants' email,
//! an SMS provider's stand-in for their SMS, and a certified OpenID Connect
//! provider to sign in with.

use std::process::{Child, Command, Stdio};

use crate::oidc_provider::OidcProvider;
use crate::serve::Server;
use crate::sh::{root, run};
use crate::tools;

pub fn run_tests() -> anyhow::Result<()> {
    let chromium = tools::ensure_chromium()?;
    let e2e = root().join("e2e");
    let node_bin = tools::ensure_npm_packages(&e2e)?;
    let mail = Smtpd::start()?;
    let sms = crate::sms_stand_in::SmsStandIn::start()?;
    // One template per notice event and the one-time code's, as a centre registers them (`bianmin sms templates`).
    let templates = "submitted=SMS_E2E_SUBMITTED,accepted=SMS_E2E_ACCEPTED,supplement_requested=SMS_E2E_SUPPLEMENT,\
                     suspended=SMS_E2E_SUSPENDED,resumed=SMS_E2E_RESUMED,completed=SMS_E2E_COMPLETED,\
                     not_accepted=SMS_E2E_NOT_ACCEPTED,terminated=SMS_E2E_TERMINATED,\
                     later_due_soon=SMS_E2E_LATER_SOON,later_due_today=SMS_E2E_LATER_TODAY,code=SMS_E2E_CODE";
    // The browser signs in through a certified OpenID Connect provider; it must know the server's address first.
    let port = Server::free_port()?;
    let public = format!("http://127.0.0.1:{port}");
    let oidc = OidcProvider::start(&format!("{public}/api/auth/oidc/callback"))?;
    let server = Server::start_at(
        "e2e",
        port,
        &[
            ("BIANMIN_OIDC_ISSUER", oidc.issuer.clone()),
            ("BIANMIN_OIDC_CLIENT_ID", "bianmin".to_owned()),
            ("BIANMIN_OIDC_CLIENT_SECRET", crate::oidc_provider::SECRET.to_owned()),
            ("BIANMIN_OIDC_PUBLIC_URL", public),
            ("BIANMIN_OIDC_SCOPES", "profile phone idcard".to_owned()),
            ("BIANMIN_OIDC_LEVEL", "3".to_owned()),
            ("BIANMIN_SMTP_HOST", "127.0.0.1".to_owned()),
            ("BIANMIN_SMTP_PORT", mail.port.to_string()),
            ("BIANMIN_SMTP_TLS", "none".to_owned()),
            ("BIANMIN_PUBLIC_URL", "http://bianmin.test".to_owned()),
            ("BIANMIN_CENTRE_NAME", "示范县政务服务中心".to_owned()),
            ("BIANMIN_OUTBOX_POLL_MS", "200".to_owned()),
            ("BIANMIN_SMS_PROVIDER", "aliyun".to_owned()),
            ("BIANMIN_SMS_ENDPOINT", format!("http://127.0.0.1:{}", sms.port)),
            ("BIANMIN_SMS_KEY_ID", "e2e-key-id".to_owned()),
            ("BIANMIN_SMS_KEY_SECRET", "e2e-key-secret".to_owned()),
            ("BIANMIN_SMS_SIGN_NAME", "示范县政务服务中心".to_owned()),
            ("BIANMIN_SMS_TEMPLATES", templates.to_owned()),
        ],
    )?;
    // The staff of the department the journeys apply to (JT-001, JT-003).
    let token = server.staff_token("县交通运输局")?;
    // The three departments of 开餐馆 (KB-001), for the joint case's journey.
    let mut joint = serde_json::Map::new();
    for department in ["县市场监督管理局", "县城市管理局", "县消防救援大队"] {
        joint.insert(department.to_owned(), server.staff_token(department)?.into());
    }
    run(Command::new(node_bin.join("playwright"))
        .arg("test")
        .env("BASE_URL", server.url())
        .env("STAFF_TOKEN", token)
        .env("JOINT_TOKENS", serde_json::Value::Object(joint).to_string())
        .env("MAILDIR", &mail.maildir)
        .env("SMS_DIR", &sms.dir)
        .env("CHROMIUM_PATH", chromium)
        // The crash drill starts, kills and restarts servers of its own.
        .env("BIANMIN_BIN", root().join("target/release/bianmin"))
        .env("REPO_ROOT", root())
        .current_dir(&e2e))
}

/// aiosmtpd on a free loopback port, delivering into a maildir; stopped when dropped.
struct Smtpd {
    child: Child,
    port: u16,
    maildir: std::path::PathBuf,
}

impl Smtpd {
    fn start() -> anyhow::Result<Self> {
        let python = tools::ensure_aiosmtpd()?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let maildir = std::env::temp_dir().join(format!("bianmin-e2e-mail-{}", std::process::id()));
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let server = Self { child, port, maildir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(server);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        anyhow::bail!("aiosmtpd did not start on port {port}")
    }
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.maildir);
    }
}
