//! 我的办件: after signing in with the province's identity service, every case
//! of the person's on any device — status, light and what is due — each
//! opening without its query code; 认领 binds a case made without signing in
//! (with its number and query code); signing out here or everywhere.
//! Signed out, the page says what signing in gives and that it is optional.

use domain::account::identity::{IdentityView, SubjectKind};
use domain::case::view::{CaseKey, CaseView};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::alert::ErrorNotice;
use crate::components::case_key_form::CaseKeyForm;
use crate::follow::case_status::light_class;
use crate::follow::my_data::MyData;
use crate::shell::session;
use crate::shell::set_title;

#[component]
pub fn MyCasesPage() -> impl IntoView {
    set_title("我的办件");
    let state = session::state();
    view! {
        <p class="back">
            <a href="/">"返回首页"</a>
        </p>
        <h1>"我的办件"</h1>
        {move || match state.get() {
            None => view! { <p class="hint">"正在读取登录状态……"</p> }.into_any(),
            Some(s) => {
                match (s.signed_in, s.identity) {
                    (true, Some(identity)) => view! { <SignedIn identity /> }.into_any(),
                    _ => {
                        let wechat = s.wechat && crate::shell::wechat::is_wechat();
                        view! { <SignInOffer available=s.sign_in wechat /> }.into_any()
                    }
                }
            }
        }}
    }
}

/// Signed out: what signing in gives, and that nothing needs it; inside
/// WeChat, its sign-in too (that WeChat's cases, no form filled in).
#[component]
fn SignInOffer(available: bool, wechat: bool) -> impl IntoView {
    view! {
        <p>
            "登录后，在手机、电脑上都能看到您的全部办件；填写申请时，姓名和身份证号会自动填好。"
        </p>
        {wechat
            .then(|| {
                view! {
                    <p>
                        <a class="button button--secondary" href=session::wechat_sign_in_url("/my")>
                            "用微信登录"
                        </a>
                    </p>
                    <p class="hint">
                        "用微信登录只能查看在这个微信里办理的办件，不会自动填写姓名和身份证号。"
                    </p>
                }
            })}
        {available
            .then(|| {
                view! {
                    <p>
                        <a class="button" href=session::sign_in_url("/my")>
                            "用统一身份认证登录"
                        </a>
                    </p>
                }
            })}
        {(!available && !wechat)
            .then(|| view! { <p class="notice">"本中心暂未开通统一身份认证登录。"</p> })}
        <p class="hint">
            "不登录也能办事：用回执上的办件编号和查询码" <a href="/cases">"查询办理进度"</a>
            "。"
        </p>
    }
}

/// Who this is, as the provider verified it, masked.
fn who(identity: &IdentityView) -> String {
    let name = match identity.kind {
        SubjectKind::Person => identity.name.clone(),
        SubjectKind::LegalPerson => identity.organisation.clone().or_else(|| identity.name.clone()),
    };
    let mut line = name.unwrap_or_else(|| "已登录".to_owned());
    if let Some(id) = &identity.id_number {
        line.push_str("（身份证号 ");
        line.push_str(id);
        line.push('）');
    }
    line
}

#[component]
fn SignedIn(identity: IdentityView) -> impl IntoView {
    let cases = RwSignal::new(None::<Result<Vec<CaseView>, String>>);
    let reload = move || {
        spawn_local(async move {
            cases.set(Some(api::get_json::<Vec<CaseView>>("/api/my/cases").await.map_err(|e| e.message)));
        });
    };
    reload();
    let leaving = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let sign_out = move |everywhere: bool| {
        leaving.set(true);
        spawn_local(async move {
            match session::sign_out(everywhere).await {
                Ok(()) => crate::shell::announce::say(if everywhere {
                    "已在所有设备上退出登录"
                } else {
                    "已退出登录"
                }),
                Err(e) => error.set(Some(e.message)),
            }
            leaving.set(false);
        });
    };
    view! {
        <p class="signed-in">
            <strong>{who(&identity)}</strong>
            <br />
            <span class="hint">
                {format!("已通过统一身份认证登录，认证级别 {} 级", identity.level)}
            </span>
        </p>
        <ErrorNotice message=error />
        {move || match cases.get() {
            None => view! { <p class="hint">"正在加载办件……"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="notice notice--error">{message}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => {
                view! {
                    <p>
                        "还没有办件。登录后提交的申请会出现在这里；登录前提交的，可以在下面认领。"
                    </p>
                }
                    .into_any()
            }
            Some(Ok(list)) => view! { <CaseList list /> }.into_any(),
        }}
        <Claim claimed=reload />
        <MyData />
        <h2>"退出登录"</h2>
        <p class="hint">"在共用的手机或电脑上办完事，请退出登录。"</p>
        <div class="actions">
            <button
                type="button"
                class="button button--secondary"
                disabled=move || leaving.get()
                on:click=move |_| sign_out(false)
            >
                "退出登录"
            </button>
            <button
                type="button"
                class="button button--secondary"
                disabled=move || leaving.get()
                on:click=move |_| sign_out(true)
            >
                "在所有设备上退出"
            </button>
        </div>
    }
}

/// Each case: its item, number, status and light, what is due, and the way in.
#[component]
fn CaseList(list: Vec<CaseView>) -> impl IntoView {
    view! {
        <ul class="facts my-cases">
            {list
                .into_iter()
                .map(|case| {
                    let href = format!("/cases/{}", js_sys::encode_uri_component(&case.case_number));
                    let due = match (case.supply_by, case.due) {
                        (Some(by), _) => Some(format!("请在 {} 前补正材料", by.chinese())),
                        (None, Some(due)) => Some(format!("承诺 {} 前办结", due.chinese())),
                        (None, None) => None,
                    };
                    view! {
                        <li class="material-task">
                            <p>
                                <a href=href>{case.item_name}</a>
                            </p>
                            <p class="hint">{format!("办件编号 {}", case.case_number)}</p>
                            {case.on_behalf.map(|who| view! { <p class="hint">{who}</p> })}
                            <p>
                                <strong>{case.status_label}</strong>
                                {case
                                    .light
                                    .map(|light| {
                                        view! {
                                            " "
                                            <span class=light_class(light)>{light.label()}</span>
                                        }
                                    })}
                            </p>
                            {due.map(|d| view! { <p class="hint">{d}</p> })}
                            <p class="hint">{case.next_step}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// 认领: bind a case submitted before signing in, proven with its codes.
#[component]
fn Claim(claimed: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let claim = Callback::new(move |key: CaseKey| {
        busy.set(true);
        spawn_local(async move {
            match api::post_json::<_, CaseView>("/api/my/cases/claim", &key).await {
                Ok(case) => {
                    error.set(None);
                    number.set(String::new());
                    code.set(String::new());
                    crate::shell::announce::say(&format!("已认领办件 {}", case.case_number));
                    claimed();
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    });
    view! {
        <h2>"认领登录前提交的办件"</h2>
        <p class="hint">"输入回执上的办件编号和查询码，办件就会出现在我的办件里。"</p>
        <CaseKeyForm ids=("claim-number", "claim-code") action="认领" number code error busy send=claim />
    }
}
