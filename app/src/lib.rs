//! Bianmin's browser app: Leptos, client-side rendered.
//!
//! Ten entry points share this library. `app` (src/main.rs) is what the home
//! page loads: search only. `guide`, `form`, `tasks`, `review`, `resume`, `lookup`, `follow`,
//! `mine` and `console` (src/bin/) carry the other pages; the light app loads the one a page
//! needs on demand ([`shell::handover`]), and the server answers a shared link
//! with that bundle's own page (see `domain::bundles`).

pub mod api;
pub mod application;
pub mod apply;
pub mod components;
pub mod find;
pub mod follow;
pub mod js_json;
pub mod photo;
pub mod shell;
pub mod subject;
pub mod tus;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

pub use shell::router::Page;
use shell::site_header::SiteHeader;

/// Talc instead of Rust's default dlmalloc: the same behaviour in half a
/// kilobyte less of every bundle (measured in BENCHMARKS.md). The pages run
/// on the browser's one thread, so no lock is needed.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The page for a route; each entry point passes its own, so the light build
/// links only the pages it can show.
pub type Render = fn(Page) -> AnyView;

#[component]
fn App(render: Render) -> impl IntoView {
    let location = shell::router::install();
    let page = Memo::new(move |_| Page::from_path(&location.read().path));
    // A new page starts at the top, with focus at its start for screen readers.
    Effect::new(move |previous: Option<Page>| {
        let current = page.get();
        if previous.is_some_and(|p| p != current) {
            window().scroll_to_with_x_and_y(0.0, 0.0);
            if let Some(main) =
                document().get_element_by_id("main").and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = main.focus();
            }
        }
        current
    });
    view! {
        <a class="skip-link" href="#main">
            "跳到主要内容"
        </a>
        <SiteHeader />
        <main id="main" class="page" tabindex="-1">
            {move || render(page.get())}
        </main>
        <footer class="site-footer">
            <p>
                <a href="/cases">"查询办理进度"</a>
                " · "
                <a href="/my">"我的办件"</a>
                " · "
                <a href="/figures">"数据公开"</a>
                " · "
                <a href="/staff">"工作人员入口"</a>
            </p>
            <p>"政务服务便民热线 " <a href="tel:12345">"12345"</a></p>
        </footer>
        <shell::announce::LiveRegions />
    }
}

/// Mount the app into `#app`, replacing what is there (index.html's skeleton, or
/// the light app that handed over).
///
/// A page's skeleton or first view is shown before the app takes its place:
/// with the wasm already at hand (the browser's cache, a fast line) the app
/// would otherwise replace it before the browser ever painted it, and the
/// first view would never be seen. So the app waits for
/// the next frame to be painted, one frame at most; a hidden tab paints none
/// and a hand-over has nothing to show first, so those start at once.
pub fn start(render: Render) {
    // Panic messages in the console while developing; the release build leaves
    // the hook (and the formatting it needs) out of the wasm.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    let first_view = document().get_element_by_id("boot-skeleton").is_some();
    if first_view && !document().hidden() {
        // A frame's callbacks run before its paint; the timeout after it.
        request_animation_frame(move || set_timeout(move || take_over(render), std::time::Duration::ZERO));
    } else {
        take_over(render);
    }
}

/// Replace what `#app` shows with the app.
fn take_over(render: Render) {
    let document = document();
    let root = document
        .get_element_by_id("app")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .unwrap_or_else(|| document.body().expect("page has a body"));
    // A hand-over replaces the page the applicant was on: where it had focus,
    // the new page's main region takes it (on a first load focus stays put).
    let had_focus = document.active_element().is_some_and(|e| root.contains(Some(&e)) && !root.is_same_node(Some(&e)));
    // The skeleton (or a first view) is this page already: taking over it moves nothing.
    let stay = document.get_element_by_id("boot-skeleton").is_some().then(|| window().scroll_y().unwrap_or(0.0));
    root.set_inner_html("");
    // Old drafts and receipts go before any page reads them.
    shell::draft::forget_old();
    shell::handover::keep(leptos::mount::mount_to(root, move || view! { <App render /> }));
    let focus = had_focus || shell::handover::focus_after_reload();
    if focus
        && let Some(main) = document.get_element_by_id("main").and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
        if let Some(y) = stay {
            window().scroll_to_with_x_and_y(0.0, y);
        }
    }
}
