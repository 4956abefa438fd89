//! On the review page, under "发短信告诉我办理进度": prove the number with a
//! one-time code (获取验证码, then 验证) before any progress SMS goes to it.
//! The limits and the code rule are `domain::apply::phone_code`'s; the server
//! checks the proof again when the application is submitted.

use domain::apply::identity::{mask_mobile, normalise_mobile};
use domain::apply::phone_code::{code_problem, normalise_code};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::masked::Masked;
use crate::{api, application, shell};

/// Whether this device already proved `phone` for the application of `code`.
pub fn remembered(code: &str, phone: &str) -> bool {
    shell::draft::load::<String>(&application::proven_key(code)).is_some_and(|p| p == normalise_mobile(phone))
}

/// Ask for a code, type it back; `proven` turns true when the server took it.
/// `error` is shared with the page, which sets it when 提交申请 finds no proof.
#[component]
pub fn PhoneProof(
    code: String,
    phone: String,
    proven: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let masked = mask_mobile(&phone);
    let (sent_to, wait, typed, busy) =
        (RwSignal::new(None::<String>), RwSignal::new(0u32), RwSignal::new(String::new()), RwSignal::new(false));
    let (ask_code, ask_phone) = (code.clone(), phone.clone());
    let ask = move |_| {
        if busy.get_untracked() || wait.get_untracked() > 0 {
            return;
        }
        busy.set(true);
        error.set(None);
        let (code, phone) = (ask_code.clone(), ask_phone.clone());
        spawn_local(async move {
            let result = match application::application_key(&code).await {
                Some(key) => api::send_phone_code(&key, &phone).await.map_err(|e| e.message),
                None => Err("网络连接不稳定，验证码没有发出。请检查网络后再试。".to_owned()),
            };
            busy.set(false);
            match result {
                Ok(sent) => {
                    sent_to.set(Some(sent.to));
                    count_down(wait, sent.resend_secs).await;
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let verify = move |_| {
        if busy.get_untracked() {
            return;
        }
        let entered = typed.get_untracked();
        if let Some(problem) = code_problem(&entered) {
            error.set(Some(problem.to_owned()));
            return;
        }
        busy.set(true);
        error.set(None);
        let (code, phone) = (code.clone(), phone.clone());
        let entered = normalise_code(&entered).unwrap_or(entered);
        spawn_local(async move {
            let result = match application::application_key(&code).await {
                Some(key) => api::check_phone_code(&key, &phone, &entered).await.map_err(|e| e.message),
                None => Err("网络连接不稳定，没有验证成功。请检查网络后再试。".to_owned()),
            };
            busy.set(false);
            match result {
                Ok(_) => {
                    shell::draft::save(&application::proven_key(&code), &normalise_mobile(&phone));
                    proven.set(true);
                }
                Err(message) => error.set(Some(message)),
            }
        });
    };
    let (for_status, for_hint) = (masked.clone(), masked.clone());
    view! {
        <div class="phone-proof" id="sms-proof">
            // Announced when it changes: the code went out, or the number is proven.
            <p class="hint" role="status">
                {move || {
                    if proven.get() {
                        view! {
                            "手机号码 "
                            <Masked shown=for_status.clone() />
                            " 已验证，办理进度会发短信到这个号码。"
                        }
                            .into_any()
                    } else {
                        sent_to
                            .get()
                            .map(|to| {
                                view! {
                                    "验证码已发到 "
                                    <Masked shown=to />
                                    "，10 分钟内有效。"
                                }
                            })
                            .into_any()
                    }
                }}
            </p>
            <Show when=move || !proven.get()>
                <p class="hint" id="sms-code-hint">
                    "为确认 "
                    <Masked shown=for_hint.clone() />
                    " 是您的号码，请先获取验证码，收到短信后填在下面。"
                </p>
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || { busy.get() || wait.get() != 0 }
                    on:click=ask.clone()
                >
                    {move || match (wait.get(), sent_to.get().is_some()) {
                        (0, false) => "获取验证码".to_owned(),
                        (0, true) => "重新获取验证码".to_owned(),
                        (secs, _) => format!("重新获取（{secs} 秒）"),
                    }}
                </button>
                <div class=move || if error.get().is_some() { "field field--error" } else { "field" }>
                    <label for="sms-code">"短信验证码"</label>
                    {move || {
                        error
                            .get()
                            .map(|m| {
                                view! {
                                    <p class="field-error" id="sms-code-error">
                                        {m}
                                    </p>
                                }
                            })
                    }}
                    <input
                        id="sms-code"
                        type="text"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        aria-describedby=move || {
                            if error.get().is_some() { "sms-code-hint sms-code-error" } else { "sms-code-hint" }
                        }
                        prop:value=move || typed.get()
                        on:input=move |ev| {
                            typed.set(event_target_value(&ev));
                            error.set(None);
                        }
                    />
                </div>
                <button type="button" class="button" disabled=move || busy.get() on:click=verify.clone()>
                    "验证"
                </button>
            </Show>
        </div>
    }
}

/// Count `secs` down to 0, a second at a time (the resend button's wait).
async fn count_down(wait: RwSignal<u32>, secs: u32) {
    wait.set(secs);
    // The page may be left meanwhile: a disposed signal ends the count.
    while wait.try_get_untracked().unwrap_or(0) > 0 {
        shell::timer::sleep(1000).await;
        if wait.try_update(|w| *w = w.saturating_sub(1)).is_none() {
            break;
        }
    }
}
