//! The `feedback` bundle: rating a case and complaining about it (see `app::follow::render_feedback`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::follow::render_feedback(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
    // Who is signed in: an owner's case opens without its code, and the rating carries the token.
    app::shell::session::load();
}
