//! Bianmin's browser app: Leptos, client-side rendered.

mod api;
mod components;
mod elderly;
mod pages;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::JsCast;

use components::site_header::SiteHeader;
use pages::{apply_soon::ApplySoon, guide::Guide, home::Home, not_found::NotFound};

#[component]
fn App() -> impl IntoView {
    view! {
        <Router>
            <a class="skip-link" href="#main">"跳到主要内容"</a>
            <SiteHeader/>
            <main id="main" class="page" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home/>
                    <Route path=path!("/services/:code") view=Guide/>
                    <Route path=path!("/services/:code/apply") view=ApplySoon/>
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"政务服务便民热线 " <a href="tel:12345">"12345"</a></p>
            </footer>
        </Router>
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
