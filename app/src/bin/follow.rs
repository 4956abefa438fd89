//! The follow entry: a case after submission (status, supplements, rating),
//! the public figures and the staff console. Loaded on demand by the light app;
//! questionnaires and applying are in the `full` bundle.

use app::Page;
use app::pages::{
    case_status::CaseLookupPage,
    figures::FiguresPage,
    guide::Guide,
    home::Home,
    not_found::NotFound,
    staff::{StaffCasePage, StaffPage},
};
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    match page {
        Page::Home => view! { <Home/> }.into_any(),
        Page::Guide(code) => view! { <Guide code/> }.into_any(),
        Page::CaseStatus(case_number) => view! { <CaseLookupPage case_number/> }.into_any(),
        Page::Figures => view! { <FiguresPage/> }.into_any(),
        Page::Staff => view! { <StaffPage/> }.into_any(),
        Page::StaffCase(case_number) => view! { <StaffCasePage case_number/> }.into_any(),
        Page::NotFound => view! { <NotFound/> }.into_any(),
        // Questionnaires and applying: the other bundle's pages.
        _ => app::handover::reload(),
    }
}

fn main() {
    app::start(render);
}
