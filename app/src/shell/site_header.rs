//! The header on every page: the name, and the elderly-mode switch; on the
//! staff console (for clerks: dense, at a desk) the console's name instead,
//! and elderly mode is not applied there.

use leptos::prelude::*;

use crate::shell::elderly;
use crate::shell::router::use_location;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let (elderly_on, set_elderly_on) = signal(elderly::is_on());
    let toggle = move |_| {
        let on = !elderly_on.get_untracked();
        elderly::set(on);
        set_elderly_on.set(on);
    };
    let location = use_location();
    let staff = Memo::new(move |_| location.with(|l| l.path == "/staff" || l.path.starts_with("/staff/")));
    // The clerk's pages keep their density; the applicant's choice comes back on leaving them.
    Effect::new(move |_| elderly::show(elderly_on.get() && !staff.get()));
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a href=move || if staff.get() { "/staff" } else { "/" } class="brand-link">
                    <span class="brand">"便民"</span>
                    <span class="brand-sub">
                        {move || if staff.get() { "工作人员办件台" } else { "政务服务网上办事" }}
                    </span>
                </a>
                <Show when=move || !staff.get()>
                    <button
                        type="button"
                        class="elderly-toggle"
                        aria-pressed=move || if elderly_on.get() { "true" } else { "false" }
                        on:click=toggle
                    >
                        // One name, its state in aria-pressed (a toggle that renames itself reads as two buttons).
                        "长辈模式（大字）"
                    </button>
                </Show>
            </div>
        </header>
    }
}
