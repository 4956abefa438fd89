//! The pages of one service item's application (details, task list, review)
//! all start the same way: load the item (cached), show loading or the error
//! with a retry, then render the page with it.

use domain::ServiceItem;
use leptos::prelude::*;

use crate::api;
use crate::components::load_error::LoadError;
use crate::shell::load::{Load, load};
use crate::subject::{Kind, Subject};

#[component]
pub fn ItemLoader(code: String, page: fn(ServiceItem) -> AnyView) -> impl IntoView {
    let subject = load(move || api::subject(Kind::Service, code.clone()));
    view! {
        {move || match subject.state.get() {
            Load::Loading => view! { <p class="loading">"正在加载……"</p> }.into_any(),
            Load::Failed(error) => view! { <LoadError error retry=move || subject.retry() /> }.into_any(),
            Load::Loaded(Subject::Item(item)) => page(item),
            Load::Loaded(_) => ().into_any(),
        }}
    }
}
