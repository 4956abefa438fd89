//! The `receipt` bundle: the receipt kept on this phone after submitting (see
//! `app::apply::render_receipt`), light: any other page loads afresh.

use app::Page;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::apply::render_receipt(&page).unwrap_or_else(|| app::find::elsewhere(&page))
}

fn main() {
    app::start(render);
}
