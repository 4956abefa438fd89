//! Following a case after submission: the look-up form (the `lookup`
//! bundle), the status page (the `follow` bundle), the uploads a 补正 or
//! 容缺 asks for (the `supply` bundle), the rating and complaints (the
//! `feedback` bundle), 我的办件 for who signed in and
//! the public figures (the `mine` bundle), and the
//! staff console (the `console` bundle, which no citizen downloads). An
//! applicant filling in a form downloads neither.

use leptos::prelude::*;

use crate::Page;

pub mod case_feedback;
pub mod case_page;
pub mod case_status;
pub mod decision;
pub mod documents;
pub mod feedback;
pub mod figures;
pub mod lookup;
pub mod my_cases;
pub mod my_data;
pub mod recover;
pub mod staff;
pub mod staff_application;
pub mod staff_clock;
pub mod staff_decision;
pub mod staff_feedback;
pub mod staff_file;
pub mod staff_ledger;
pub mod staff_list;
pub mod staff_pad;
pub mod staff_session;
pub mod staff_supplement;
pub mod supply;

/// The `lookup` bundle's page: the look-up form, light (a case found is the
/// `follow` bundle's).
pub fn render_lookup(page: &Page) -> Option<AnyView> {
    Some(match page {
        Page::CaseStatus(None) => view! { <lookup::LookupPage /> }.into_any(),
        _ => return None,
    })
}

/// The `follow` bundle's page: a case's status.
pub fn render_status(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::CaseStatus(Some(case_number)) => view! { <case_status::CasePage case_number /> }.into_any(),
        _ => return None,
    })
}

/// The `supply` bundle's page: uploading what a case was asked for.
pub fn render_supply(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::CaseSupply(case_number) => view! { <supply::SupplyPage case_number /> }.into_any(),
        _ => return None,
    })
}

/// The `feedback` bundle's page: rating a case and complaining about it.
pub fn render_feedback(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::CaseFeedback(case_number) => view! { <feedback::FeedbackPage case_number /> }.into_any(),
        _ => return None,
    })
}

/// The `mine` bundle's pages: 我的办件, and the public figures.
pub fn render_mine(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::MyCases => view! { <my_cases::MyCasesPage /> }.into_any(),
        Page::Figures => view! { <figures::FiguresPage /> }.into_any(),
        _ => return None,
    })
}

/// The staff console's page for `page` (the `console` bundle), if it is one of them.
pub fn render_staff(page: &Page) -> Option<AnyView> {
    Some(match page.clone() {
        Page::Staff => view! { <staff_list::StaffPage /> }.into_any(),
        Page::StaffCase(case_number) => view! { <staff::StaffCasePage case_number /> }.into_any(),
        Page::StaffPad => view! { <staff_pad::StaffPadPage /> }.into_any(),
        _ => return None,
    })
}
