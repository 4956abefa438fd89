//! The `console` bundle: the staff console (see `app::follow::render_staff`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::follow::render_staff(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
}
