//! Who is signed in on this browser (统一身份认证), read once when a bundle
//! that needs it starts: the applying and following bundles. The home page
//! never loads this: signing in is optional, and its link is a plain address.

use domain::account::consent::{Consent, ConsentChange, Purpose};
use domain::account::session::SessionState;
use leptos::prelude::*;

use crate::api;

thread_local! {
    /// `None` until the server has answered. Reference-counted, not owned by
    /// the page that first reads it: it outlives every page.
    static STATE: ArcRwSignal<Option<SessionState>> = ArcRwSignal::new(None);
}

/// The session as last read (`None` while it is being read), as a handle
/// owned by the caller's page.
pub fn state() -> RwSignal<Option<SessionState>> {
    RwSignal::from(STATE.with(Clone::clone))
}

/// Whether someone is signed in (false while not known yet).
pub fn signed_in() -> bool {
    state().with(|s| s.as_ref().is_some_and(|s| s.signed_in))
}

fn anonymous(sign_in: bool, wechat: bool) -> SessionState {
    SessionState { signed_in: false, sign_in, wechat, identity: None, csrf: None, consents: Vec::new() }
}

/// Read the session; its CSRF token goes with every change from now on.
/// Called beside `start`, which may mount the app a frame later: the
/// request goes at once, on the browser's own task queue (Leptos's runs only
/// once the app is mounted).
pub fn load() {
    wasm_bindgen_futures::spawn_local(async {
        // A network failure reads as "not signed in": applying works anonymously.
        let read = api::get_json::<SessionState>("/api/session").await.unwrap_or_else(|_| anonymous(false, false));
        api::set_csrf(read.csrf.clone());
        state().set(Some(read));
    });
}

/// Whether the signed-in person has agreed to `purpose`.
pub fn agreed(purpose: Purpose) -> bool {
    state().with(|s| s.as_ref().is_some_and(|s| s.signed_in && s.consents.contains(&purpose)))
}

/// Give or withdraw a purpose; the session's list follows.
pub async fn set_consent(purpose: Purpose, given: bool) -> Result<Vec<Consent>, api::ApiError> {
    let all: Vec<Consent> = api::post_json("/api/my/consents", &ConsentChange { purpose, given }).await?;
    let agreed: Vec<Purpose> = all.iter().filter(|c| c.given).map(|c| c.purpose).collect();
    state().update(|s| {
        if let Some(s) = s {
            s.consents = agreed;
        }
    });
    Ok(all)
}

/// Sign out on this browser (or on every device); anonymous from then on.
pub async fn sign_out(everywhere: bool) -> Result<(), api::ApiError> {
    let url = if everywhere { "/api/session/sign-out-everywhere" } else { "/api/session/sign-out" };
    api::post_empty(url).await?;
    api::set_csrf(None);
    let (sign_in, wechat) = state().with_untracked(|s| s.as_ref().map_or((false, false), |s| (s.sign_in, s.wechat)));
    state().set(Some(anonymous(sign_in, wechat)));
    Ok(())
}

/// The address that begins signing in and comes back to `path` afterwards.
pub fn sign_in_url(path: &str) -> String {
    format!("/api/auth/start?return={}", js_sys::encode_uri_component(path))
}

/// The same with WeChat (inside WeChat only: an openid, no real name).
pub fn wechat_sign_in_url(path: &str) -> String {
    format!("/api/auth/wechat/start?return={}", js_sys::encode_uri_component(path))
}
