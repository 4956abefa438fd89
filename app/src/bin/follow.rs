//! The `follow` bundle: a case's status (see `app::follow::render_status`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::follow::render_status(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
    // Who is signed in, and the token changes made with the session carry.
    app::shell::session::load();
}
