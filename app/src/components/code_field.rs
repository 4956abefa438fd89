//! A labelled one-line input for a code or a token: the case number, the query
//! code, a department's token. Nothing to autofill; codes are upper case.

use leptos::prelude::*;

/// The field, bound to `value`; `kind` is `password` for a token.
#[component]
pub fn CodeField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    let capitalize = (kind == "text").then_some("characters");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type=kind
                autocomplete="off"
                autocapitalize=capitalize
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
