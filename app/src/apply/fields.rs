//! What every input of the application form shares: its id from the error
//! path, its error beside it, the green 已改好 once a flagged error is fixed,
//! and the plain text input bound to a path of the form.

use domain::apply::form::{ApplicationForm, FieldError};
use leptos::prelude::*;

/// The fields the last failed 保存并继续 found wrong: each is rechecked as it
/// changes and shows 已改好 once it is right, without sending the form again.
#[derive(Clone, Copy)]
pub struct Flagged(pub RwSignal<Vec<String>>);

/// Whether `path` was flagged and is now right.
pub fn fixed_at(errors: RwSignal<Vec<FieldError>>, path: String) -> Signal<bool> {
    let flagged = use_context::<Flagged>().map(|f| f.0);
    Signal::derive(move || {
        flagged.is_some_and(|f| f.read().contains(&path)) && !errors.read().iter().any(|e| e.field == path)
    })
}

/// The message of the problem at `path`, if there is one.
pub fn error_at(errors: RwSignal<Vec<FieldError>>, path: String) -> Signal<Option<String>> {
    Signal::derive(move || errors.read().iter().find(|e| e.field == path).map(|e| e.message.clone()))
}

/// Input ids follow the error paths: `applicant.id_number` → `applicant-id_number`.
pub fn input_id(path: &str) -> String {
    path.replace('.', "-")
}

/// A field's frame: red while wrong, green once a flagged error is fixed.
pub fn field_class(error: bool, fixed: bool) -> &'static str {
    match (error, fixed) {
        (true, _) => "field field--error",
        (false, true) => "field field--fixed",
        (false, false) => "field",
    }
}

/// The error under a field's label, and 已改好 once a flagged one is fixed.
#[component]
pub fn FieldMessages(error: Signal<Option<String>>, fixed: Signal<bool>, error_id: String) -> impl IntoView {
    view! {
        {move || {
            error
                .get()
                .map(|m| {
                    view! {
                        <p class="field-error" id=error_id.clone()>
                            {m}
                        </p>
                    }
                })
        }}
        {move || fixed.get().then(|| view! { <p class="field-fixed">"已改好"</p> })}
    }
}

/// One text input bound to the part of the form at `path` (the path its errors
/// carry, see `ApplicationForm::text`), with its error beside it.
#[component]
pub fn TextInput(
    #[prop(into)] label: String,
    #[prop(into)] hint: String,
    #[prop(into)] path: String,
    form: RwSignal<ApplicationForm>,
    errors: RwSignal<Vec<FieldError>>,
    /// The phone's keyboard: `tel` for phone numbers (digits, no Chinese keyboard).
    #[prop(default = "text")]
    inputmode: &'static str,
    /// What the browser may fill in (`name`, `tel`, `street-address`, `organization`).
    #[prop(default = "off")]
    autocomplete: &'static str,
) -> impl IntoView {
    let error = error_at(errors, path.clone());
    let fixed = fixed_at(errors, path.clone());
    let id = input_id(&path);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = !hint.is_empty();
    let described = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    let (read, write) = (path.clone(), path);
    view! {
        <div class=move || field_class(error.get().is_some(), fixed.get())>
            <label for=id.clone()>{label}</label>
            {has_hint
                .then(|| {
                    view! {
                        <p class="hint" id=hint_id.clone()>
                            {hint}
                        </p>
                    }
                })}
            <FieldMessages error fixed error_id />
            <input
                id=id
                type="text"
                inputmode=inputmode
                autocomplete=autocomplete
                aria-required="true"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=move || form.with(|f| f.text(&read).to_owned())
                on:input=move |ev| form.update(|f| f.set_text(&write, event_target_value(&ev)))
            />
        </div>
    }
}
