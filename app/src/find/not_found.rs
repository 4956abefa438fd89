//! Any address the app does not know.

use leptos::prelude::*;

use crate::shell::set_title;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("页面不存在");
    view! {
        <h1>"页面不存在"</h1>
        <p>"您要找的页面不存在，可能是网址输入有误，或页面已经调整。"</p>
        <p>
            <a href="/">"返回查找事项"</a>
        </p>
    }
}
