//! Email to applicants, received by a real SMTP server on loopback (Python's
//! aiosmtpd, writing a maildir) and read back with Python's own email parser:
//! the receipt, then a supplement request listing every material and reason,
//! each with a status link that holds no secret.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{TestApp, complete_application, spawn_app_with, staff_token};

/// aiosmtpd's Python: `BIANMIN_TEST_PYTHON` (cargo xtask test installs it in a
/// virtual environment under target/), else the machine's python3.
fn python() -> String {
    std::env::var("BIANMIN_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

struct Smtpd {
    child: Child,
    port: u16,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn smtpd() -> Smtpd {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("mail");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(python())
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd: pip install aiosmtpd, or run cargo xtask test, which installs it");
    // Held from here on, so it is stopped (and waited for) however the test ends.
    let server = Smtpd { child, port, maildir, _dir: dir };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("aiosmtpd did not start (is it installed for {}?)", python());
}

/// The messages delivered so far, parsed by Python's email package: to, subject, text.
fn mails(maildir: &Path) -> Vec<Value> {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .map(|file| {
            let script = "import email, email.policy, json, sys\n\
                m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=email.policy.default)\n\
                print(json.dumps({'to': str(m['to']), 'from': str(m['from']), 'subject': str(m['subject']), 'body': m.get_content()}))";
            let out = Command::new(python()).args(["-c", script]).arg(file).output().unwrap();
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect()
}

async fn wait_for(maildir: &Path, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let got = mails(maildir);
        if got.len() >= count {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    mails(maildir)
}

async fn app_with_mail(smtp: &Smtpd) -> TestApp {
    let port = smtp.port;
    spawn_app_with(move |s| {
        s.notify.smtp_host = Some("127.0.0.1".into());
        s.notify.smtp_port = port;
        s.notify.smtp_tls = "none".into();
        s.notify.mail_from = "示范县政务服务中心 <noreply@example.gov.cn>".into();
        s.notify.centre_name = "示范县政务服务中心".into();
        s.notify.public_url = "https://bianmin.example.gov.cn/".into();
        s.notify.outbox_poll_ms = 50;
    })
    .await
}

#[tokio::test]
async fn the_applicant_gets_the_receipt_and_the_supplement_notice_by_email() {
    let smtp = smtpd().await;
    let app = app_with_mail(&smtp).await;
    let mut body = complete_application(&app).await;
    body["email"] = json!("not-an-address");
    let refused = app.submit("mail-0", &body).await;
    assert_eq!(refused.status(), 422);
    let problems: Value = refused.json().await.unwrap();
    assert_eq!(problems["problems"]["fields"][0]["field"], "email", "{problems}");

    body["email"] = json!("zhangsan@example.com");
    let response = app.submit("mail-1", &body).await;
    assert_eq!(response.status(), 201);
    let receipt: Value = response.json().await.unwrap();
    let (case, query_code) = (receipt["case_number"].as_str().unwrap(), receipt["query_code"].as_str().unwrap());

    let got = wait_for(&smtp.maildir, 1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["to"], "zhangsan@example.com");
    assert_eq!(got[0]["from"], "示范县政务服务中心 <noreply@example.gov.cn>");
    assert_eq!(got[0]["subject"], format!("已提交：道路货物运输驾驶员从业资格证核发（{case}）"));
    let text = got[0]["body"].as_str().unwrap();
    assert!(text.contains("【示范县政务服务中心】"));
    assert!(text.contains(&format!("https://bianmin.example.gov.cn/cases/{case}")));
    assert!(!text.contains(query_code), "the query code is never sent");

    // The department asks for two materials: one email lists both, with the reasons.
    let token = staff_token(&app, "县交通运输局").await;
    let asked = app
        .client
        .post(format!("{}/api/staff/cases/{case}/actions", app.address))
        .bearer_auth(&token)
        .json(&json!({"action": "request_supplement", "items": [
            {"material": "photo", "reason": "照片背景不是白色，请重新拍摄"},
            {"material": "id_card", "reason": "背面不清晰"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 200);
    let got = wait_for(&smtp.maildir, 2).await;
    assert_eq!(got.len(), 2);
    let text = got[1]["body"].as_str().unwrap();
    assert!(got[1]["subject"].as_str().unwrap().starts_with("需要补正材料"));
    assert!(text.contains("· 近期一寸免冠白底彩色照片：照片背景不是白色，请重新拍摄"), "{text}");
    assert!(text.contains("背面不清晰"));
    assert!(!text.contains("11010519491231002X") && !text.contains("13812345678"), "no personal data");

    // The staff console shows what was sent, to whom (masked), and that it arrived
    // (the worker records it just after the mail server took it).
    let expected = [
        ("zh***@example.com", "notice.submitted", "done"),
        ("zh***@example.com", "notice.supplement_requested", "done"),
    ];
    let mut sent = Vec::new();
    for _ in 0..50 {
        let staff: domain::case::view::StaffCase =
            app.staff_get(&token, &format!("/api/staff/cases/{case}")).await.json().await.unwrap();
        sent = staff
            .notifications
            .iter()
            .filter(|n| n.channel == "email")
            .map(|n| (n.recipient.clone(), n.event.clone(), n.state.clone()))
            .collect::<Vec<_>>();
        if sent.iter().all(|(_, _, state)| state == "done") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sent: Vec<(&str, &str, &str)> = sent.iter().map(|(r, e, s)| (r.as_str(), e.as_str(), s.as_str())).collect();
    assert_eq!(sent, expected);
}
