//! The `mine` bundle: 我的办件 and the public figures (see `app::follow::render_mine`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::follow::render_mine(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
    // Who is signed in, and the token changes made with the session carry.
    app::shell::session::load();
}
