//! The staff console's sign-in: the department's token, kept for this
//! browser tab only (sessionStorage), checked against `/api/staff/me`.

use domain::api::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::staff as api;
use crate::components::alert::ErrorNotice;
use crate::components::code_field::CodeField;

const TOKEN: &str = "bianmin.staff-token";

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn token() -> Option<String> {
    session()?.get_item(TOKEN).ok().flatten()
}

pub fn set_token(token: Option<&str>) {
    if let Some(storage) = session() {
        let _ = match token {
            Some(t) => storage.set_item(TOKEN, t),
            None => storage.remove_item(TOKEN),
        };
    }
}

#[component]
pub fn SignIn(signed_in: RwSignal<Option<Me>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let token = typed.get_untracked().trim().to_owned();
        spawn_local(async move {
            match api::me(&token).await {
                Ok(me) => {
                    set_token(Some(&token));
                    signed_in.set(Some(me));
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    view! {
        <h1>"工作人员办件台"</h1>
        <p class="hint">
            "用本部门的令牌登录。令牌只保存在这个浏览器标签页里，关闭后需要重新登录。"
        </p>
        <ErrorNotice message=error />
        <form on:submit=submit novalidate>
            <CodeField id="staff-token" label="部门令牌" value=typed kind="password" />
            <button type="submit" class="button">
                "登录"
            </button>
        </form>
    }
}

/// The sign-in check shared by the console's pages.
pub fn signed_in() -> RwSignal<Option<Me>> {
    let department = RwSignal::new(None::<Me>);
    if let Some(token) = token() {
        spawn_local(async move {
            match api::me(&token).await {
                Ok(me) => department.set(Some(me)),
                Err(_) => set_token(None),
            }
        });
    }
    department
}

/// Who is signed in, as the console's pages say it: the department and the token's holder.
pub fn who(me: &Me) -> String {
    if me.label.trim().is_empty() { me.department.clone() } else { format!("{} · {}", me.department, me.label.trim()) }
}
