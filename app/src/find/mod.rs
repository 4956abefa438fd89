//! Finding a service: the home page's search, the guides (办事指南) and the
//! page for addresses that lead nowhere. Search is the light `app` bundle the
//! home page loads, the guide is in the `guide` bundle; every bundle shows the
//! page for addresses that lead nowhere.

use leptos::prelude::*;

use crate::Page;

pub mod guide;
pub mod home;
pub mod not_found;
pub mod service_card;

/// The guide (the `guide` bundle's, with the questionnaire and the notice).
pub fn render_guide(page: &Page) -> Option<AnyView> {
    match page {
        Page::Guide(code) => Some(view! { <guide::Guide code=code.clone() /> }.into_any()),
        _ => None,
    }
}

/// The home page's bundle: search, and the page for addresses that lead nowhere.
pub fn render_home(page: &Page) -> Option<AnyView> {
    Some(match page {
        Page::Home => view! { <home::Home /> }.into_any(),
        Page::NotFound => view! { <not_found::NotFound /> }.into_any(),
        _ => return None,
    })
}

/// A page the bundle does not show: the page for addresses that lead nowhere,
/// or a reload that brings the bundle that shows it (every bundle but the home
/// page's ends with this, so none carries search or the guide it does not need).
pub fn elsewhere(page: &Page) -> AnyView {
    if matches!(page, Page::NotFound) {
        view! { <not_found::NotFound /> }.into_any()
    } else {
        crate::shell::handover::reload()
    }
}
