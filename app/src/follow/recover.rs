//! 找回查询码: the case number and the phone the application gave, a one-time
//! SMS code, and a new query code (the old one stops working). Without the
//! code an applicant could not supply 补正 or 容缺 materials, and the case
//! would end at its deadline.

use domain::case::recovery::{RecoveryCheck, RecoveryRequest, sent_words};
use domain::case::view::CaseKey;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::alert::ErrorNotice;

/// The recovery form; `found(key)` opens the case with its new code.
#[component]
pub fn RecoverCode(
    /// The case number typed above, shared with the look-up form.
    number: RwSignal<String>,
    found: impl Fn(CaseKey) + Clone + 'static,
) -> impl IntoView {
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let ask = move |_| {
        let request = RecoveryRequest { case_number: number.get_untracked(), phone: phone.get_untracked() };
        busy.set(true);
        spawn_local(async move {
            match api::recovery_code(&request).await {
                Ok(reply) => {
                    error.set(None);
                    let words = sent_words(&reply.to);
                    crate::shell::announce::say(&words);
                    sent.set(Some(words));
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let check = RecoveryCheck {
            case_number: number.get_untracked(),
            phone: phone.get_untracked(),
            code: code.get_untracked(),
        };
        let found = found.clone();
        busy.set(true);
        spawn_local(async move {
            match api::recover(&check).await {
                Ok(key) => {
                    error.set(None);
                    found(key);
                }
                Err(e) => error.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="recover">
            <summary>"查询码丢了？用手机号码找回"</summary>
            <p class="hint">
                "先在上面填写办件编号，再填写提交申请时的手机号码，我们会发短信验证码。验证后给您一个新的查询码，旧的查询码随即作废。"
            </p>
            <form on:submit=check novalidate>
                <div class="field">
                    <label for="recover-phone">"提交申请时填写的手机号码"</label>
                    <input
                        id="recover-phone"
                        type="text"
                        inputmode="tel"
                        autocomplete="tel"
                        prop:value=move || phone.get()
                        on:input=move |ev| phone.set(event_target_value(&ev))
                    />
                </div>
                <button type="button" class="button button--secondary" disabled=move || busy.get() on:click=ask>
                    "获取验证码"
                </button>
                {move || sent.get().map(|words| view! { <p class="hint">{words}</p> })}
                <div class="field">
                    <label for="recover-code">"短信验证码"</label>
                    <input
                        id="recover-code"
                        type="text"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev))
                    />
                </div>
                <ErrorNotice message=error />
                <button type="submit" class="button" disabled=move || busy.get()>
                    "找回查询码"
                </button>
            </form>
        </details>
    }
}
