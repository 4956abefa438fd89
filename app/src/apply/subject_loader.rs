//! The pages of one application (details, task list, review) all start the
//! same way: load the item or bundle (cached), show loading or the error with a
//! retry, then render the page with it.

use leptos::prelude::*;

use crate::api;
use crate::components::load_error::LoadError;
use crate::shell::load::{Load, load};
use crate::subject::{Kind, Subject};

#[component]
pub fn SubjectLoader(kind: Kind, code: String, page: fn(Subject) -> AnyView) -> impl IntoView {
    let subject = load(move || api::subject(kind, code.clone()));
    view! {
        {move || match subject.state.get() {
            Load::Loading => view! { <p class="loading">"正在加载……"</p> }.into_any(),
            Load::Failed(error) => view! { <LoadError error retry=move || subject.retry() /> }.into_any(),
            Load::Loaded(subject) => page(subject),
        }}
    }
}
