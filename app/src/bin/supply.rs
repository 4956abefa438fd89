//! The `supply` bundle: uploading what a case was asked for (see `app::follow::render_supply`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::follow::render_supply(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
    // Who is signed in: an owner's case opens without its code, and the upload carries the token.
    app::shell::session::load();
}
