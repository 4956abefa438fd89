//! 我的数据与授权 on 我的办件: consent per purpose (given and withdrawn one by
//! one), the export (JSON and a page to read or print), and deleting the
//! account's data — confirmed first, since it cannot be undone.

use domain::account::consent::{Consent, Purpose};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::alert::ErrorNotice;
use crate::shell::session;

#[component]
pub fn MyData() -> impl IntoView {
    let consents = RwSignal::new(Vec::<Consent>::new());
    let error = RwSignal::new(None::<String>);
    spawn_local(async move {
        match api::get_json::<Vec<Consent>>("/api/my/consents").await {
            Ok(all) => consents.set(all),
            Err(e) => error.set(Some(e.message)),
        }
    });
    let change = move |purpose: Purpose, given: bool| {
        spawn_local(async move {
            match session::set_consent(purpose, given).await {
                Ok(all) => {
                    consents.set(all);
                    error.set(None);
                    crate::shell::announce::say(if given { "已同意" } else { "已撤回" });
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h2>"我的数据与授权"</h2>
        <ErrorNotice message=error />
        <ul class="facts consents">
            {move || {
                consents
                    .get()
                    .into_iter()
                    .map(|c| {
                        let state = if c.given { "已同意" } else { "未同意" };
                        let button = match c.purpose {
                            Purpose::SignIn => None,
                            Purpose::Prefill | Purpose::MaterialReuse => {
                                let (purpose, given) = (c.purpose, !c.given);
                                let label = if c.given { "撤回" } else { "同意" };
                                Some(
                                    // Signing in itself ends by deleting the account's data, below.
                                    view! {
                                        <button
                                            type="button"
                                            class="button button--secondary"
                                            aria-label=format!("{label}：{}", c.purpose.label())
                                            on:click=move |_| change(purpose, given)
                                        >
                                            {label}
                                        </button>
                                    },
                                )
                            }
                        };
                        view! {
                            <li class="material-task">
                                <p>{c.purpose.label()}</p>
                                <p>
                                    <strong>{state}</strong>
                                </p>
                                {button}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        <p>
            "导出我的数据：" <a href="/api/my/data" download="我的数据.json">
                "数据文件（JSON）"
            </a> " · " <a href="/api/my/data/readable" download="我的数据.html">
                "可阅读、打印的版本"
            </a>
        </p>
        <DeleteAccount />
    }
}

/// Focus an element once the view that has it is drawn.
fn focus_later(id: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
        {
            let _ = el.focus();
        }
    });
}

/// 删除账号数据, after a confirmation that says what stays.
#[component]
fn DeleteAccount() -> impl IntoView {
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let delete = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::post_empty("/api/my/account/delete").await {
                Ok(()) => {
                    api::set_csrf(None);
                    session::load();
                    crate::shell::announce::say("账号数据已删除，已在所有设备上退出登录");
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <ErrorNotice message=error />
        {move || {
            if asking.get() {
                view! {
                    <div class="notice notice--warn" role="group" aria-labelledby="delete-heading">
                        <p id="delete-heading" tabindex="-1">
                            <strong>"确定删除账号数据吗？"</strong>
                        </p>
                        <p>
                            "删除后会在所有设备上退出登录，授权记录一并删除，办件不再与您关联。办件本身按规定保留，仍可以用回执上的办件编号和查询码查询。"
                        </p>
                        <div class="actions">
                            <button type="button" class="button" disabled=move || busy.get() on:click=delete>
                                "确定删除"
                            </button>
                            <button
                                type="button"
                                class="button button--secondary"
                                on:click=move |_| {
                                    asking.set(false);
                                    focus_later("delete-account");
                                }
                            >
                                "取消"
                            </button>
                        </div>
                    </div>
                }
                    .into_any()
            } else {
                view! {
                    <p>
                        <button
                            type="button"
                            id="delete-account"
                            class="button button--secondary"
                            on:click=move |_| {
                                asking.set(true);
                                focus_later("delete-heading");
                            }
                        >
                            "删除账号数据"
                        </button>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}
