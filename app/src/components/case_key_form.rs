//! A case's number and query code, typed as the receipt prints them: the
//! look-up form and 认领 on 我的办件 ask for the same two codes.

use domain::case::view::CaseKey;
use leptos::prelude::*;

use crate::components::alert::ErrorNotice;
use crate::components::code_field::CodeField;

/// The two fields and the button; a key of the wrong shape is refused here
/// (`CaseKey::typed_problem`), one of the right shape goes to `send`.
#[component]
pub fn CaseKeyForm(
    /// The inputs' ids, unique on the page.
    ids: (&'static str, &'static str),
    /// The button's words.
    action: &'static str,
    number: RwSignal<String>,
    code: RwSignal<String>,
    error: RwSignal<Option<String>>,
    busy: RwSignal<bool>,
    send: Callback<CaseKey>,
) -> impl IntoView {
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let key = CaseKey { case_number: number.get_untracked(), query_code: code.get_untracked() };
        match key.typed_problem() {
            Some(problem) => error.set(Some(problem.to_owned())),
            None => send.run(key),
        }
    };
    view! {
        <ErrorNotice message=error />
        <form on:submit=submit novalidate>
            <CodeField id=ids.0 label="办件编号" value=number />
            <CodeField id=ids.1 label="查询码" value=code />
            <button type="submit" class="button" disabled=move || busy.get()>
                {action}
            </button>
        </form>
    }
}
