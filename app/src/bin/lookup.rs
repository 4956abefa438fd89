//! The `lookup` bundle: the empty look-up form, as light as the home page; a
//! case found hands over to the `follow` bundle (see `app::follow::render_lookup`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::follow::render_lookup(&page).unwrap_or_else(app::shell::handover::hand_over_here)
}

fn main() {
    app::start(render);
}
