//! The `resume` bundle: resuming a draft with its code, light; the draft found
//! hands over to the form or the task list (see `app::apply::render_resume`).

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::apply::render_resume(&page).unwrap_or_else(app::shell::handover::hand_over_here)
}

fn main() {
    app::start(render);
}
