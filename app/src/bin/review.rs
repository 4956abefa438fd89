//! The `review` bundle: the review and the submission (see `app::apply::render_review`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::apply::render_review(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
    // Who is signed in, and the token changes made with the session carry.
    app::shell::session::load();
}
