//! The light entry: what the home page loads. Search and guides; any other page
//! hands over to the `full` or the `follow` bundle.

use app::Page;
use app::handover::{self, Bundle};
use app::pages::{guide::Guide, home::Home, not_found::NotFound};
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    match page {
        Page::Home => view! { <Home/> }.into_any(),
        Page::Guide(code) => view! { <Guide code/> }.into_any(),
        Page::NotFound => view! { <NotFound/> }.into_any(),
        Page::CaseStatus(_) | Page::Figures | Page::Staff | Page::StaffCase(_) => handover::hand_over(Bundle::Follow),
        _ => handover::hand_over(Bundle::Full),
    }
}

fn main() {
    app::start(render);
}
