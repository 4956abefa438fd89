//! Finding a service: the home page's search, the guides (办事指南) and the
//! page for addresses that lead nowhere. This is the light `app` bundle the home
//! page loads; every other bundle carries these pages too.

use leptos::prelude::*;

use crate::Page;

pub mod guide;
pub mod home;
pub mod not_found;
pub mod service_card;

/// This stage's page for `page`, if it is one of them.
pub fn render(page: &Page) -> Option<AnyView> {
    match page {
        Page::Guide(code) => Some(view! { <guide::Guide code=code.clone() /> }.into_any()),
        _ => render_home(page),
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
