//! The header on every page: the name, and the elderly-mode switch.

use leptos::prelude::*;

use crate::shell::elderly;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let (elderly_on, set_elderly_on) = signal(elderly::is_on());
    let toggle = move |_| {
        let on = !elderly_on.get_untracked();
        elderly::set(on);
        set_elderly_on.set(on);
    };
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a href="/" class="brand-link">
                    <span class="brand">"便民"</span>
                    <span class="brand-sub">"政务服务网上办事"</span>
                </a>
                <button
                    type="button"
                    class="elderly-toggle"
                    aria-pressed=move || if elderly_on.get() { "true" } else { "false" }
                    on:click=toggle
                >
                    {move || if elderly_on.get() { "标准模式" } else { "长辈模式（大字）" }}
                </button>
            </div>
        </header>
    }
}
