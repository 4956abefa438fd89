//! The `guide` bundle: guides, questionnaires and one-time notices (what a
//! shared link to a notice opens), with search.

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    // Search too: back from a guide to the results needs no reload.
    app::find::render_guide(&page)
        .or_else(|| app::find::render_home(&page))
        .or_else(|| app::apply::render_notice(&page))
        .unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
}
