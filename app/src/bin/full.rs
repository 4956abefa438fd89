//! The full entry: questionnaires, notices and applying. Loaded on demand by the
//! light app; the pages after submission are in the `follow` bundle.

use app::Page;
use app::pages::{
    apply::ApplyPage, apply_soon::ApplySoon, bundle::BundleOverview, checklist::ChecklistPage, guide::Guide,
    home::Home, not_found::NotFound, receipt::ReceiptPage, resume::ResumePage, review::ReviewPage,
    situation::SituationPage, tasks::TasksPage,
};
use app::subject::Kind;
use leptos::prelude::*;

fn render(page: Page) -> AnyView {
    match page {
        Page::Home => view! { <Home/> }.into_any(),
        Page::Guide(code) => view! { <Guide code/> }.into_any(),
        Page::Apply(Kind::Service, code) => view! { <ApplyPage code/> }.into_any(),
        Page::Apply(kind, code) => view! { <ApplySoon kind code/> }.into_any(),
        Page::Resume => view! { <ResumePage/> }.into_any(),
        Page::Tasks(code) => view! { <TasksPage code/> }.into_any(),
        Page::Review(code) => view! { <ReviewPage code/> }.into_any(),
        Page::Receipt(case_number) => view! { <ReceiptPage case_number/> }.into_any(),
        // After submission: the other bundle's pages.
        Page::CaseStatus(_) | Page::Figures | Page::Staff | Page::StaffCase(_) => app::handover::reload(),
        Page::Bundle(code) => view! { <BundleOverview code/> }.into_any(),
        Page::Situation(kind, code, question) => view! { <SituationPage kind code question/> }.into_any(),
        Page::Checklist(kind, code) => view! { <ChecklistPage kind code/> }.into_any(),
        Page::NotFound => view! { <NotFound/> }.into_any(),
    }
}

fn main() {
    app::start(render);
}
