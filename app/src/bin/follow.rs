//! The `follow` bundle: finding, and following a case (see `app::follow::render`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    // Questionnaires and applying: the other bundle's pages.
    app::find::render(&page).or_else(|| app::follow::render(&page)).unwrap_or_else(app::shell::handover::reload)
}

fn main() {
    app::start(render);
    // Who is signed in, and the token changes made with the session carry.
    app::shell::session::load();
}
