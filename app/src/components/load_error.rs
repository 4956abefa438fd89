//! A failed load, said plainly, with a way to try again.

use leptos::prelude::*;

use crate::api::ApiError;

#[component]
pub fn LoadError(error: ApiError, retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="notice notice--error" role="alert">
            <p>{error.message}</p>
            <button type="button" class="button button--secondary" on:click=move |_| retry()>
                "重新加载"
            </button>
        </div>
    }
}
