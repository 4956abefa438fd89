//! A number of working days typed by a clerk (an extension, a 补正 deadline):
//! a labelled text field with the numeric keyboard and its hint, checked by
//! the caller with the same `domain` bounds the server applies.

use leptos::prelude::*;

#[component]
pub fn DaysField(
    id: &'static str,
    label: &'static str,
    #[prop(into)] hint: String,
    value: RwSignal<String>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <p class="hint" id=hint_id.clone()>
                {hint}
            </p>
            <input
                id=id
                type="text"
                inputmode="numeric"
                autocomplete="off"
                aria-describedby=hint_id
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
