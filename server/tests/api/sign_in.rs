//! Signing in with a real, certified OpenID Connect provider (node-oidc-provider
//! on loopback, its dev interactions standing in for the person typing): the
//! code flow with PKCE ends in a session whose identity is the provider's
//! verified one; a callback replayed, or finished in another browser, or with
//! the person cancelling at the provider, signs no one in.

use std::path::PathBuf;
use std::process::Stdio;

use serde_json::Value;

use crate::support::{TestApp, spawn_app_with};

const SECRET: &str = "bianmin-test-client-secret";

/// The provider process, stopped when dropped.
struct OidcProvider {
    child: std::process::Child,
    issuer: String,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_provider(redirect: &str) -> OidcProvider {
    let dir = std::env::var("BIANMIN_TEST_OIDC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../xtask/oidc"));
    assert!(
        dir.join("node_modules/oidc-provider").is_dir(),
        "the OpenID Connect provider is not installed: run `npm ci` in {} (cargo xtask test does)",
        dir.display()
    );
    let port = free_port();
    let mut child = std::process::Command::new("node")
        .arg("provider.mjs")
        .arg(port.to_string())
        .arg(redirect)
        .arg(SECRET)
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs");
    // Its output is read to the end, so it never writes into a closed pipe.
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)).map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let ready = rx.recv_timeout(std::time::Duration::from_secs(30));
    let provider = OidcProvider { child, issuer: format!("http://127.0.0.1:{port}") };
    assert_eq!(ready.as_deref(), Ok("ready"), "the provider starts");
    provider
}

/// The app on a port known beforehand (the provider must know its address), signing in with `provider`.
async fn app_with_provider() -> (TestApp, OidcProvider) {
    let port = free_port();
    let public = format!("http://127.0.0.1:{port}");
    let provider = start_provider(&format!("{public}/api/auth/oidc/callback")).await;
    let issuer = provider.issuer.clone();
    let app = spawn_app_with(|s| {
        s.listen = format!("127.0.0.1:{port}").parse().unwrap();
        s.sign_in.oidc_issuer = Some(issuer);
        s.sign_in.oidc_client_id = "bianmin".into();
        s.sign_in.oidc_client_secret = Some(SECRET.into());
        s.sign_in.oidc_public_url = public;
        s.sign_in.oidc_scopes = "profile phone idcard".into();
        s.sign_in.oidc_level = 3;
    })
    .await;
    (app, provider)
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// A cookie's value among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().find_map(|v| {
        let text = v.to_str().ok()?;
        text.strip_prefix(&format!("{name}="))?.split(';').next().map(str::to_owned)
    })
}

/// The value of `name="…"` in the first form of a page, and its action.
fn form(html: &str) -> (String, String) {
    let action = html.split("action=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    let prompt = html.split("name=\"prompt\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap().to_owned();
    (action, prompt)
}

/// At the provider as `login`: follow its redirects, sign in and consent
/// through its dev interactions, until it sends the browser back to us.
/// `cancel` aborts at the login page instead.
async fn at_provider(provider: &OidcProvider, authorize: &str, login: &str, cancel: bool) -> String {
    let browser = no_redirects();
    let mut next = browser.get(authorize).send().await.unwrap();
    for _ in 0..12 {
        if next.status().is_redirection() {
            let to = location(&next);
            if !to.starts_with(&provider.issuer) && !to.starts_with('/') {
                return to;
            }
            let url = if to.starts_with('/') { format!("{}{to}", provider.issuer) } else { to };
            next = browser.get(url).send().await.unwrap();
            continue;
        }
        let page = next.text().await.unwrap();
        let (action, prompt) = form(&page);
        if cancel {
            let abort = page.split("href=\"").find(|r| r.contains("/abort")).and_then(|r| r.split('"').next()).unwrap();
            let url = if abort.starts_with("http") { abort.to_owned() } else { format!("{}{abort}", provider.issuer) };
            next = browser.get(url).send().await.unwrap();
            continue;
        }
        let fields: Vec<(&str, &str)> = match prompt.as_str() {
            "login" => vec![("prompt", "login"), ("login", login), ("password", "any")],
            _ => vec![("prompt", "consent")],
        };
        let url = if action.starts_with("http") { action } else { format!("{}{action}", provider.issuer) };
        next = browser.post(url).form(&fields).send().await.unwrap();
    }
    panic!("the provider never sent the browser back");
}

async fn start(app: &TestApp) -> (String, String) {
    let begun = no_redirects().get(format!("{}/api/auth/oidc/start?return=/cases", app.address)).send().await.unwrap();
    assert_eq!(begun.status(), 303);
    let binding = set_cookie(&begun, "__Host-bianmin-sign-in").expect("the sign-in is bound to this browser");
    let authorize = location(&begun);
    assert!(authorize.contains("code_challenge_method=S256") && authorize.contains("nonce="), "{authorize}");
    (authorize, binding)
}

async fn callback(app: &TestApp, back: &str, binding: Option<&str>) -> reqwest::Response {
    let mut request = no_redirects().get(back);
    if let Some(b) = binding {
        request = request.header("Cookie", format!("__Host-bianmin-sign-in={b}"));
    }
    let _ = app;
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_person_signs_in_with_the_provider_and_is_who_it_says() {
    let (app, provider) = app_with_provider().await;
    let (authorize, binding) = start(&app).await;
    let back = at_provider(&provider, &authorize, "zhang", false).await;
    assert!(back.starts_with(&format!("{}/api/auth/oidc/callback?", app.address)), "{back}");

    let signed = callback(&app, &back, Some(&binding)).await;
    assert_eq!(signed.status(), 303, "{:?}", signed.text().await);
    assert_eq!(location(&signed), "/cases", "back to where the sign-in began");
    let session = set_cookie(&signed, bianmin::account::sessions::COOKIE).expect("a session cookie");
    let current: Value = reqwest::Client::new()
        .get(format!("{}/api/session", app.address))
        .header("Cookie", format!("{}={session}", bianmin::account::sessions::COOKIE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["signed_in"], true);
    assert_eq!(current["identity"]["name"], "张*丰");
    assert_eq!(current["identity"]["id_number"], "110***********002X");
    assert_eq!(current["identity"]["level"], 3, "the level the centre set for this provider");

    // The same answer again (a replay, a double tap) signs no one in.
    let again = callback(&app, &back, Some(&binding)).await;
    assert_eq!(again.status(), 403);
}

#[tokio::test]
async fn a_sign_in_finished_elsewhere_or_cancelled_signs_no_one_in() {
    let (app, provider) = app_with_provider().await;
    // The callback address sent to someone else's browser (no binding cookie): refused.
    let (authorize, _binding) = start(&app).await;
    let back = at_provider(&provider, &authorize, "li", false).await;
    let elsewhere = callback(&app, &back, None).await;
    assert_eq!(elsewhere.status(), 403);
    let body: Value = elsewhere.json().await.unwrap();
    assert!(body["error"]["message"].as_str().unwrap().contains("请重新登录"));
    assert!(elsewhere_has_no_session(&app).await);

    // Cancelled at the provider: home again, anonymous, nothing lost.
    let (authorize, binding) = start(&app).await;
    let back = at_provider(&provider, &authorize, "li", true).await;
    let cancelled = callback(&app, &back, Some(&binding)).await;
    assert_eq!(cancelled.status(), 303);
    assert_eq!(location(&cancelled), "/?sign-in=cancelled");
    assert!(set_cookie(&cancelled, bianmin::account::sessions::COOKIE).is_none());

    // Without a provider configured, sign-in says so plainly.
    let plain = crate::support::spawn_app().await;
    let off = reqwest::Client::new().get(format!("{}/api/auth/oidc/start", plain.address)).send().await.unwrap();
    assert_eq!(off.status(), 404);
}

async fn elsewhere_has_no_session(app: &TestApp) -> bool {
    let n: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) AS n FROM sessions").fetch_one(&app.db().await).await.unwrap(),
        "n",
    );
    n == 0
}
