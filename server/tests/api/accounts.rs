//! What the sign-in tests share: a verified person, a client that takes a
//! redirect as the answer it is, and reading an answer's headers.

use domain::account::identity::{Assurance, Identity, SubjectKind};

/// A person an OpenID Connect provider verified at `level`.
pub fn person(subject: &str, name: &str, id_number: &str, level: u8) -> Identity {
    Identity {
        provider: "oidc".into(),
        subject: subject.into(),
        kind: SubjectKind::Person,
        real_name: Some(name.into()),
        id_number: Some(id_number.into()),
        phone: None,
        assurance: Assurance { level, raw: level.to_string() },
        credit_code: None,
        organisation: None,
        authenticated_at: "2026-12-05T10:00:00Z".into(),
    }
}

/// A browser that stops at every redirect (the tests follow them by hand).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// A cookie's value among a response's `Set-Cookie` headers.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .find_map(|v| v.to_str().ok()?.strip_prefix(&format!("{name}="))?.split(';').next().map(str::to_owned))
}
