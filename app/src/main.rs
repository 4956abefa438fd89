//! The light entry: what the home page loads. Search and guides; any other page
//! hands over to the full app.

use app::pages::{guide::Guide, home::Home, not_found::NotFound};
use app::{handover, Page};
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    match page {
        Page::Home => view! { <Home/> }.into_any(),
        Page::Guide(code) => view! { <Guide code/> }.into_any(),
        Page::NotFound => view! { <NotFound/> }.into_any(),
        _ => handover::hand_over(),
    }
}

fn main() {
    app::start(render);
}
