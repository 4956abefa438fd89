//! The light bundle the home page loads: search. Any other page hands over to
//! the bundle that has it (see `domain::bundles`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::find::render_home(&page).unwrap_or_else(app::shell::handover::hand_over_here)
}

fn main() {
    app::start(render);
}
