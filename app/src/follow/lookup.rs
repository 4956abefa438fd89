//! 查询办理进度: the look-up form (the case number and query code typed, a
//! receipt kept on this phone, or a new code found again by SMS). The
//! look-up page is its own light bundle, `lookup`, so it opens as fast as the
//! home page; the case itself is the `follow` bundle's, which takes over once
//! the codes are right and finds them in this session's storage. A case's
//! page opened with no code at hand comes here (`/cases?number=…`).

use domain::case::view::CaseKey;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::application;
use crate::components::case_key_form::CaseKeyForm;
use crate::follow::recover::RecoverCode;
use crate::shell::draft;
use crate::shell::set_title;
use domain::time::date::beijing_time;

/// The key kept with the receipt on this device, or typed earlier in this
/// session (WeChat reloads the page when the applicant switches apps).
pub(crate) fn stored_key(case_number: &str) -> Option<CaseKey> {
    application::receipt(case_number).map(|r| CaseKey { case_number: r.case_number, query_code: r.query_code }).or_else(
        || {
            let code = session()?.get_item(&session_name(case_number)).ok().flatten()?;
            Some(CaseKey { case_number: case_number.to_owned(), query_code: code })
        },
    )
}

/// Open a case without its code once the session is read, if its owner is
/// signed in (one of 我的办件: the session proves it is theirs); else
/// `anonymous`.
pub(crate) fn open_when_signed_in(
    case_number: String,
    open: impl Fn(CaseKey) + 'static,
    anonymous: impl Fn() + 'static,
) {
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        match crate::shell::session::state().with(|s| s.as_ref().map(|s| s.signed_in)) {
            Some(true) => open(CaseKey { case_number: case_number.clone(), query_code: String::new() }),
            Some(false) => anonymous(),
            None => return false,
        }
        true
    });
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Also read, with the receipt's name, by `app/case-early.js` (the case asked
/// for before the wasm): a new name here is a new name there.
fn session_name(case_number: &str) -> String {
    format!("bianmin.case.{case_number}")
}

fn reissued_name(case_number: &str) -> String {
    format!("bianmin.case.{case_number}.reissued")
}

/// The case's own address (its number; never the query code).
pub(crate) fn case_url(case_number: &str) -> String {
    format!("/cases/{}", js_sys::encode_uri_component(case_number))
}

/// The look-up form with a case's number filled in (never its code).
pub(crate) fn lookup_url(case_number: &str) -> String {
    ["/cases?number=", &String::from(js_sys::encode_uri_component(case_number))].concat()
}

/// Remember that this case's page was opened from the receipt's QR code
/// (`?from=qr`), for its rating's channel: the look-up and the status page
/// drop the query from the address.
pub(crate) fn note_qr(case_number: &str) {
    let scanned = window().location().search().unwrap_or_default().split(['?', '&']).any(|p| p == "from=qr");
    if let Some(storage) = session().filter(|_| scanned) {
        let _ = storage.set_item(&[&session_name(case_number), ".qr"].concat(), "1");
    }
}

/// Whether this case's page was opened from the receipt's QR code in this session.
pub(crate) fn from_qr(case_number: &str) -> bool {
    session().and_then(|s| s.get_item(&[&session_name(case_number), ".qr"].concat()).ok().flatten()).is_some()
}

/// Keep a typed key for this session, so a reload (or the bundle that shows
/// the case) opens it again without asking.
pub(crate) fn keep_for_session(key: &CaseKey) {
    // A signed-in owner's case needs no code (and an empty one opens nothing later).
    if let Some(storage) = session().filter(|_| !key.query_code.is_empty()) {
        let _ = storage.set_item(&session_name(&key.case_number), &key.query_code);
    }
}

/// Whether the case's code was just found again on the look-up page (asked
/// once: the case page shows the new code a single time).
pub(crate) fn take_reissued(case_number: &str) -> bool {
    let Some(storage) = session() else { return false };
    let name = reissued_name(case_number);
    let set = storage.get_item(&name).ok().flatten().is_some();
    let _ = storage.remove_item(&name);
    set
}

/// A recovered code replaces the old one in the receipt this phone keeps.
pub(crate) fn keep_new_code(key: &CaseKey) {
    if let Some(mut receipt) = application::receipt(&key.case_number) {
        receipt.query_code = key.query_code.clone();
        draft::save(&format!("receipt.{}", key.case_number), &receipt);
    }
}

/// Say the new code, character by character: the old one no longer works.
pub(crate) fn announce_new_code(code: &str) {
    crate::shell::announce::say(&format!("新的查询码是 {}，旧的查询码已作废", crate::shell::announce::spelled(code)));
}

/// The look-up page of the `lookup` bundle: right codes hand the page to
/// the `follow` bundle (fetched while the applicant types).
#[component]
pub fn LookupPage() -> impl IntoView {
    set_title("查询办理进度");
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Follow);
    // A case's page opened with no code at hand sends its number along.
    let given = crate::shell::router::use_location().with_untracked(|l| l.param("number")).unwrap_or_default();
    let number = RwSignal::new(given);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let open = move |key: &CaseKey| {
        keep_for_session(key);
        // A receipt on this phone with an old code (found again elsewhere) takes the one that worked.
        keep_new_code(key);
        crate::shell::router::replace(&case_url(&key.case_number));
    };
    let look_up = Callback::new(move |key: CaseKey| {
        busy.set(true);
        spawn_local(async move {
            match api::case_check(&key).await {
                // Busy until the case's page replaces this one.
                Ok(()) => open(&key),
                Err(e) => {
                    error.set(Some(e.message));
                    busy.set(false);
                }
            }
        });
    });
    let recovered = Callback::new(move |key: CaseKey| {
        keep_new_code(&key);
        mark_reissued(&key.case_number);
        open(&key);
    });
    view! { <LookupForm number error busy look_up recovered /> }
}

/// Mark the case's code as just found again, for the case page to show once.
fn mark_reissued(case_number: &str) {
    if let Some(storage) = session() {
        let _ = storage.set_item(&reissued_name(case_number), "1");
    }
}

/// The form itself: `look_up` gets a key of the right shape; `recovered`
/// one with a code just issued.
#[component]
fn LookupForm(
    number: RwSignal<String>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    look_up: Callback<CaseKey>,
    recovered: Callback<CaseKey>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    view! {
        <p class="back">
            <a href="/">"返回首页"</a>
        </p>
        <h1>"查询办理进度"</h1>
        <p class="hint">"办件编号和查询码在提交申请后的回执上。"</p>
        <CaseKeyForm ids=("case-number", "query-code") action="查询" number code error busy send=look_up />
        <RecoverCode number found=move |key| recovered.run(key) />
        <KeptReceipts />
        <p class="hint">
            "用统一身份认证登录后，不用查询码也能在" <a href="/my">"我的办件"</a>
            "里查看全部办件。"
        </p>
    }
}

/// 本机提交的申请: the receipts this phone keeps, each opening its case
/// without typing the codes, and each can be forgotten (a shared phone).
#[component]
fn KeptReceipts() -> impl IntoView {
    let receipts =
        RwSignal::new(draft::kept_receipts().into_iter().filter_map(|n| application::receipt(&n)).collect::<Vec<_>>());
    let forget = move |case_number: String| {
        draft::remove(&format!("receipt.{case_number}"));
        receipts.update(|all| all.retain(|r| r.case_number != case_number));
        crate::shell::announce::say(&format!("已不在本机保存办件 {case_number}"));
        // Its button is gone: focus goes to the list's heading, or to the page when the list went too.
        request_animation_frame(|| {
            let target = document().get_element_by_id("kept-heading").or_else(|| document().get_element_by_id("main"));
            if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        });
    };
    move || {
        let list = receipts.get();
        (!list.is_empty()).then(|| {
            view! {
                <section aria-labelledby="kept-heading">
                    <h2 id="kept-heading" tabindex="-1">
                        "本机提交的申请"
                    </h2>
                    <ul class="facts kept-receipts">
                        {list
                            .into_iter()
                            .map(|r| {
                                let href = case_url(&r.case_number);
                                let when = beijing_time(&r.submitted_at).unwrap_or_default();
                                let number = r.case_number.clone();
                                let forget_label = format!("不在本机保存办件 {}", r.case_number);
                                view! {
                                    <li class="material-task">
                                        <p>
                                            <a href=href>{r.item_name.clone()}</a>
                                        </p>
                                        <p class="hint">{format!("办件编号 {} · {when} 提交", r.case_number)}</p>
                                        <button
                                            type="button"
                                            class="link-button"
                                            aria-label=forget_label
                                            on:click=move |_| forget(number.clone())
                                        >
                                            "不在本机保存"
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="hint">
                        "回执只保存在这部手机上。共用手机的，查看后可以选择不在本机保存。"
                    </p>
                </section>
            }
        })
    }
}
