//! The two alerts the pages show when something went wrong: a notice for the
//! page or form, and a problem next to one field. Both are read out at once.

use leptos::prelude::*;

/// A notice at the top of a page or form, while there is a message.
#[component]
pub fn ErrorNotice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="notice notice--error" role="alert">
                    {m}
                </p>
            }
        })
    }
}

/// A problem beside its field, while there is one.
#[component]
pub fn FieldAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <p class="field-error" role="alert">
                    {m}
                </p>
            }
        })
    }
}
