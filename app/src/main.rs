//! The light bundle the home page loads: finding a service (search and
//! guides). Any other page hands over to the bundle that has it.

use app::Page;
use app::shell::handover::{self, Bundle};
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    app::find::render(&page).unwrap_or_else(|| match page {
        Page::CaseStatus(_) | Page::Figures | Page::Staff | Page::StaffCase(_) => handover::hand_over(Bundle::Follow),
        _ => handover::hand_over(Bundle::Full),
    })
}

fn main() {
    app::start(render);
}
