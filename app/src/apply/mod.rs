//! Applying: the situation questions and the checklist, joint applications,
//! the applicant's details, the task list with uploads, the review, the receipt
//! and resuming a draft. The questionnaire, the checklist and the 一件事
//! overview are in the `guide` bundle; resuming a draft is the light `resume`
//! bundle; the rest is three bundles, one per step (`form`, `tasks`,
//! `review`), each prefetched by the step before it, and the receipt the
//! light `receipt` bundle, which the review prefetches.

use leptos::prelude::*;

use crate::Page;

pub mod bundle;
pub mod checklist;
pub mod details;
pub mod draft_save;
pub mod earlier_files;
mod fields;
mod parties;
pub mod phone_proof;
pub mod receipt;
mod receipt_image;
pub mod resume;
pub mod review;
pub mod situation;
pub mod subject_loader;
pub mod tasks;
pub mod verified;

/// Whether the current page is a bundle's (`/bundles/…`) or an item's.
fn kind_here() -> crate::subject::Kind {
    let bundle = crate::shell::router::use_location().get_untracked().path.starts_with("/bundles/");
    if bundle { crate::subject::Kind::Bundle } else { crate::subject::Kind::Service }
}

/// The `form` bundle's page: the form.
pub fn render_form(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::Apply(kind, code) => view! { <details::ApplyPage kind code /> }.into_any(),
        _ => return None,
    })
}

/// Resuming a draft with its code, the light `resume` bundle: the draft
/// found hands the page over to the form or the task list.
pub fn render_resume(page: &Page) -> Option<AnyView> {
    Some(match page {
        Page::Resume => view! { <resume::ResumePage /> }.into_any(),
        _ => return None,
    })
}

/// The `tasks` bundle's page: the task list with uploads.
pub fn render_tasks(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::Tasks(code) => view! { <tasks::TasksPage kind=kind_here() code /> }.into_any(),
        _ => return None,
    })
}

/// The `review` bundle's page: the review with the submission.
pub fn render_review(page: &Page) -> Option<AnyView> {
    Some(match page {
        Page::Review(code) => view! { <review::ReviewPage kind=kind_here() code=code.clone() /> }.into_any(),
        _ => return None,
    })
}

/// The light `receipt` bundle's page: the receipt kept on this phone, which
/// the review loads afresh once submitted (its picture and print code stay
/// out of the review's download).
pub fn render_receipt(page: &Page) -> Option<AnyView> {
    Some(match page {
        Page::Receipt(case_number) => view! { <receipt::ReceiptPage case_number=case_number.clone() /> }.into_any(),
        _ => return None,
    })
}

/// The `guide` bundle's part of this stage: a joint application's overview,
/// the questionnaire and the one-time notice, which a shared link opens.
pub fn render_notice(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::Bundle(code) => view! { <bundle::BundleOverview code /> }.into_any(),
        Page::Situation(kind, code, question) => view! { <situation::SituationPage kind code question /> }.into_any(),
        Page::Checklist(kind, code) => view! { <checklist::ChecklistPage kind code /> }.into_any(),
        _ => return None,
    })
}
