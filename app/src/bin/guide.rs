//! The `guide` bundle: guides, questionnaires and one-time notices (what a
//! shared link to a notice opens), with search.

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    // Applying and following a case: the other bundles' pages.
    app::find::render(&page).or_else(|| app::apply::render_notice(&page)).unwrap_or_else(app::shell::handover::reload)
}

fn main() {
    app::start(render);
}
