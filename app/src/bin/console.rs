//! The `console` bundle: the staff console (see `app::follow::render_staff`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    // Every citizen's page but search belongs to another bundle.
    app::find::render(&page).or_else(|| app::follow::render_staff(&page)).unwrap_or_else(app::shell::handover::reload)
}

fn main() {
    app::start(render);
}
