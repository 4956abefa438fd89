//! The verified identity on the form: signed in with the province's identity
//! service, the name and ID number (an organisation's name and credit code)
//! are filled in and locked, shown masked, with 不是我 for the person using
//! someone else's signed-in phone. The server puts the same values in the
//! case whatever the page sends (`Prefill::fill`, one rule for both).

use domain::account::consent::Purpose;
use domain::account::session::{Locked, Prefill};
use domain::apply::form::ApplicationForm;
use domain::apply::identity::{mask_id, mask_name};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::apply::fields::input_id;
use crate::components::masked::Masked;
use crate::shell::session;

/// The filled values and the fields they locked, once the server has answered.
pub type Verified = RwSignal<Option<(Prefill, Locked)>>;

/// Fill `form` from the signed-in identity as soon as the session is known.
pub fn fill_from_session(form: RwSignal<ApplicationForm>) -> Verified {
    let verified: Verified = RwSignal::new(None);
    Effect::new(move |asked: Option<bool>| {
        if asked == Some(true) || !session::agreed(Purpose::Prefill) {
            return asked.unwrap_or(false);
        }
        spawn_local(async move {
            // Signed in without a verified name (WeChat): the person fills the form in.
            let Ok(prefill) = crate::api::get_json::<Prefill>("/api/session/prefill").await else { return };
            let mut filled = form.get_untracked();
            if let Some(locked) = prefill.fill(&mut filled) {
                form.set(filled);
                verified.set(Some((prefill, locked)));
            }
        });
        true
    });
    verified
}

/// Signed in, not yet agreed to prefill: the offer, asked once per purpose.
#[component]
pub fn PrefillOffer() -> impl IntoView {
    let state = session::state();
    let busy = RwSignal::new(false);
    let agree = move |_| {
        busy.set(true);
        spawn_local(async move {
            let _ = session::set_consent(Purpose::Prefill, true).await;
            busy.set(false);
        });
    };
    move || {
        // Only a sign-in that verified a real name has one to fill in (not WeChat's openid).
        let verified = |s: &domain::account::session::SessionState| {
            s.identity.as_ref().is_some_and(|i| i.level >= domain::account::session::REAL_NAME_LEVEL)
        };
        state.get().filter(|s| s.signed_in && verified(s) && !s.consents.contains(&Purpose::Prefill)).map(|_| {
            view! {
                <div class="notice">
                    <p>
                        "用统一身份认证核验过的姓名和身份证号自动填写？填好后不能修改。"
                    </p>
                    <button type="button" class="button" disabled=move || busy.get() on:click=agree>
                        "同意并自动填写"
                    </button>
                    <p class="hint">"不同意也可以自己填写。在“我的办件”里可以随时撤回。"</p>
                </div>
            }
        })
    }
}

/// The locked name and number in place of their inputs, and 不是我.
#[component]
pub fn VerifiedIdentity(
    verified: Verified,
    form: RwSignal<ApplicationForm>,
    /// The name's path this block stands in for (`applicant.name`, `agent.name`).
    at: &'static str,
    #[prop(into)] name_label: String,
    #[prop(into)] number_label: String,
) -> impl IntoView {
    let leaving = RwSignal::new(false);
    let not_me = move |_| {
        leaving.set(true);
        spawn_local(async move {
            if session::sign_out(false).await.is_ok()
                && let Some((_, locked)) = verified.get_untracked()
            {
                form.update(|f| {
                    f.set_text(locked.name, String::new());
                    f.set_text(locked.number, String::new());
                });
                verified.set(None);
                crate::shell::announce::say("已退出登录，请填写您自己的信息");
                request_animation_frame(move || {
                    if let Some(input) = document()
                        .get_element_by_id(&input_id(locked.name))
                        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                    {
                        let _ = input.focus();
                    }
                });
            }
            leaving.set(false);
        });
    };
    move || {
        verified.get().filter(|(_, locked)| locked.name == at).map(|(prefill, locked)| {
            let number =
                if prefill.id_number.is_empty() { prefill.credit_code.clone() } else { mask_id(&prefill.id_number) };
            view! {
                <div class="verified" id=input_id(locked.name)>
                    <dl class="facts">
                        <dt>{name_label.clone()}</dt>
                        <dd>{mask_name(&prefill.name)}</dd>
                        <dt>{number_label.clone()}</dt>
                        <dd>
                            <Masked shown=number />
                        </dd>
                    </dl>
                    <p class="hint">"已通过统一身份认证核验，不能修改。"</p>
                    <button type="button" class="link-button" disabled=move || leaving.get() on:click=not_me>
                        "不是我（退出登录后自己填写）"
                    </button>
                </div>
            }
        })
    }
}

/// 用上次申请的内容填写: the person's last application of this item, on
/// request, over the form — contact details, the item's own fields and the
/// delivery choice; never the verified name and number, which stay locked.
#[component]
pub fn LastForm(code: String, form: RwSignal<ApplicationForm>) -> impl IntoView {
    let note = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let fill = move |_| {
        busy.set(true);
        let url = format!("/api/my/last-form?item={}", js_sys::encode_uri_component(&code));
        spawn_local(async move {
            match crate::api::get_json::<ApplicationForm>(&url).await {
                Ok(last) => {
                    form.update(|f| take_from_last(f, last));
                    let said = "已用上次申请的内容填写，请逐项核对";
                    crate::shell::announce::say(said);
                    note.set(Some(said.to_owned()));
                }
                Err(e) => note.set(Some(e.message)),
            }
            busy.set(false);
        });
    };
    move || {
        session::agreed(Purpose::Prefill).then(|| {
            view! {
                <p>
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || busy.get()
                        on:click=fill.clone()
                    >
                        "用上次申请的内容填写"
                    </button>
                </p>
                {move || {
                    note.get()
                        .map(|n| {
                            view! {
                                <p class="hint" role="status">
                                    {n}
                                </p>
                            }
                        })
                }}
            }
        })
    }
}

/// What a new form takes from the last one: the same kind of applicant's
/// contact details, the item's fields and the delivery choice.
fn take_from_last(form: &mut ApplicationForm, last: ApplicationForm) {
    use domain::apply::form::Applicant;
    match (&mut form.applicant, last.applicant) {
        (Applicant::Person(now), Applicant::Person(then)) => {
            now.phone = then.phone;
            now.address = then.address;
        }
        (Applicant::Organisation(now), Applicant::Organisation(then)) => {
            now.legal_representative = then.legal_representative;
            now.contact_name = then.contact_name;
            now.phone = then.phone;
            now.address = then.address;
        }
        // A person then, a company now (or the other way): nothing of the applicant carries over.
        (Applicant::Person(_), Applicant::Organisation(_)) | (Applicant::Organisation(_), Applicant::Person(_)) => {}
    }
    form.fields.extend(last.fields);
    if last.delivery.is_some() {
        form.delivery = last.delivery;
    }
}
