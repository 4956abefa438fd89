//! Bianmin's browser app: Leptos, client-side rendered.

mod api;
mod components;
mod elderly;
mod load;
mod pages;
mod router;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use components::site_header::SiteHeader;
use pages::{apply_soon::ApplySoon, guide::Guide, home::Home, not_found::NotFound};
use router::Page;

#[component]
fn App() -> impl IntoView {
    let location = router::install();
    let page = Memo::new(move |_| Page::from_path(&location.read().path));
    // A new page starts at the top, with focus at its start for screen readers.
    Effect::new(move |previous: Option<Page>| {
        let current = page.get();
        if previous.is_some_and(|p| p != current) {
            window().scroll_to_with_x_and_y(0.0, 0.0);
            if let Some(main) = document().get_element_by_id("main").and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = main.focus();
            }
        }
        current
    });
    view! {
        <a class="skip-link" href="#main">"跳到主要内容"</a>
        <SiteHeader/>
        <main id="main" class="page" tabindex="-1">
            {move || match page.get() {
                Page::Home => view! { <Home/> }.into_any(),
                Page::Guide(code) => view! { <Guide code/> }.into_any(),
                Page::Apply(code) => view! { <ApplySoon code/> }.into_any(),
                Page::NotFound => view! { <NotFound/> }.into_any(),
            }}
        </main>
        <footer class="site-footer">
            <p>"政务服务便民热线 " <a href="tel:12345">"12345"</a></p>
        </footer>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    let document = document();
    // Replace the static loading skeleton of index.html with the app.
    let root = document
        .get_element_by_id("app")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .unwrap_or_else(|| document.body().expect("page has a body"));
    root.set_inner_html("");
    leptos::mount::mount_to(root, App).forget();
}
