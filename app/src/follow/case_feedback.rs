//! 好差评 and 投诉: the rating of a case (five levels, the online
//! indicators, a reason when unhappy) and a complaint, each checked in the
//! browser with the same `domain` rules the server applies. The forms of the
//! feedback page (`feedback`); the window's pad shares the five levels.

use std::collections::BTreeMap;

use domain::apply::form::FieldError;
use domain::case::rating::{Channel, Stage};
use domain::case::view::{
    CaseKey, ComplaintBody, INDICATORS, LEVELS, Rating, RatingBody, check_complaint, check_rating,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, SubmitError};
use crate::components::alert::FieldAlert;

fn message_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
}

/// The heading of a rating: 受理 (once accepted or refused) or 办结; `again`
/// after the department answered an unhappy rating.
pub(crate) fn rating_title(stage: Stage, again: bool) -> &'static str {
    match (stage, again) {
        (Stage::Acceptance, _) => "评价受理服务",
        (Stage::Completion, false) => "评价这次服务",
        (Stage::Completion, true) => "部门已答复，欢迎再次评价",
    }
}

/// What the rating of `stage` is about, in a sentence.
pub(crate) fn rating_hint(stage: Stage) -> &'static str {
    match stage {
        Stage::Acceptance => "申请已经受理（或作出不予受理决定）。请对受理环节评价，办结后还可以对办理结果评价。",
        Stage::Completion => "请对这次办事评价：选总体评价就可以提交，各项指标可以不选。",
    }
}

/// The five levels (非常满意 … 非常不满意) as one radio group named `name`.
#[component]
pub fn LevelChoices(overall: RwSignal<u8>, name: &'static str, class: &'static str) -> impl IntoView {
    view! {
        <div class=class>
            {LEVELS
                .iter()
                .map(|(level, label)| {
                    let level = *level;
                    let id = format!("{name}-{level}");
                    view! {
                        <div class="choice">
                            <input
                                type="radio"
                                name=name
                                id=id.clone()
                                prop:checked=move || overall.get() == level
                                on:change=move |_| overall.set(level)
                            />
                            <label for=id>{*label}</label>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// Where this rating is given: from the receipt's QR code (the case's page
/// opened with `?from=qr` in this session), a phone-sized screen, or a computer.
fn channel(case_number: &str) -> Channel {
    if crate::follow::lookup::from_qr(case_number) {
        return Channel::QrCode;
    }
    let width = window().inner_width().ok().and_then(|w| w.as_f64()).unwrap_or(1024.0);
    if width < 768.0 { Channel::Mobile } else { Channel::Pc }
}

/// The rating of one stage: 受理 (once accepted or refused) or 办结; `again`
/// after the department answered an unhappy rating; `done` once recorded.
#[component]
pub fn RatingForm(key: CaseKey, stage: Stage, again: bool, done: Callback<()>) -> impl IntoView {
    let overall = RwSignal::new(0u8);
    let indicators = RwSignal::new(BTreeMap::<String, u8>::new());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let sending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let rating = Rating {
            overall: overall.get_untracked(),
            indicators: indicators.get_untracked(),
            reason: reason.get_untracked(),
        };
        let found = check_rating(&rating);
        if !found.is_empty() {
            errors.set(found);
            return;
        }
        let body = RatingBody { key: key.clone(), rating, stage, channel: channel(&key.case_number) };
        sending.set(true);
        spawn_local(async move {
            match api::case_rate(&body).await {
                // Busy until the status page replaces this one.
                Ok(_) => return done.run(()),
                Err(SubmitError::Invalid(_, problems)) => errors.set(problems.fields),
                Err(SubmitError::Other(message)) => errors.set(vec![FieldError { field: "overall".into(), message }]),
            }
            sending.set(false);
        });
    };
    let error = move |field: &'static str| move || errors.with(|e| message_for(e, field));
    view! {
        <section class="rating" aria-labelledby="rating-title">
            <h2 id="rating-title">{rating_title(stage, again)}</h2>
            <p class="hint">{rating_hint(stage)}</p>
            <form on:submit=submit novalidate>
                <fieldset class=move || if error("overall")().is_some() { "field field--error" } else { "field" }>
                    <legend>"总体评价"</legend>
                    <FieldAlert message=Signal::derive(error("overall")) />
                    <LevelChoices overall name="overall" class="choices choices--inline" />
                </fieldset>
                <div class="indicator-grid">
                    {INDICATORS
                        .iter()
                        .map(|(id, label)| {
                            let id = *id;
                            let input = format!("indicator-{id}");
                            view! {
                                <div class="field">
                                    <label for=input.clone()>{format!("{label}（可不选）")}</label>
                                    <select
                                        id=input
                                        on:change=move |ev| {
                                            let value: u8 = event_target_value(&ev).parse().unwrap_or(0);
                                            indicators
                                                .update(|all| {
                                                    if value == 0 {
                                                        all.remove(id);
                                                    } else {
                                                        all.insert(id.to_owned(), value);
                                                    }
                                                });
                                        }
                                    >
                                        <option value="0">"不评价"</option>
                                        {LEVELS
                                            .iter()
                                            .map(|(level, name)| {
                                                view! { <option value=level.to_string()>{*name}</option> }
                                            })
                                            .collect_view()}
                                    </select>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
                <div class=move || if error("reason")().is_some() { "field field--error" } else { "field" }>
                    <label for="rating-reason">"原因或建议"</label>
                    <p class="hint" id="rating-reason-hint">
                        "选“不满意”或“非常不满意”的，请写下原因，我们会在 15 个工作日内答复。"
                    </p>
                    <FieldAlert message=Signal::derive(error("reason")) />
                    <textarea
                        id="rating-reason"
                        rows="3"
                        aria-describedby="rating-reason-hint"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    ></textarea>
                </div>
                <button type="submit" class="button" disabled=move || sending.get()>
                    "提交评价"
                </button>
            </form>
        </section>
    }
}

#[component]
pub fn ComplaintForm(key: Option<CaseKey>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let done = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ComplaintBody { case: key.clone(), text: text.get_untracked(), phone: phone.get_untracked() };
        let found = check_complaint(&body);
        if !found.is_empty() {
            errors.set(found);
            return;
        }
        spawn_local(async move {
            match api::complain(&body).await {
                Ok(received) => done.set(Some(received.reference)),
                Err(SubmitError::Invalid(_, problems)) => errors.set(problems.fields),
                Err(SubmitError::Other(message)) => errors.set(vec![FieldError { field: "text".into(), message }]),
            }
        });
    };
    let error = move |field: &'static str| move || errors.with(|e| message_for(e, field));
    view! {
        <section class="complaint" aria-labelledby="complaint">
            <h2 id="complaint" tabindex="-1">
                "我要投诉"
            </h2>
            <p class="hint">"办理中遇到推诿、刁难、超时等问题，可以在这里投诉。"</p>
            {move || match done.get() {
                Some(reference) => {
                    view! {
                        <p class="notice notice--ok" role="status">
                            {format!("投诉已收到，编号 {reference}。我们会尽快核实处理。")}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <form on:submit=submit.clone() novalidate>
                            <div class=move || if error("text")().is_some() { "field field--error" } else { "field" }>
                                <label for="complaint-text">"投诉内容"</label>
                                <FieldAlert message=Signal::derive(error("text")) />
                                <textarea
                                    id="complaint-text"
                                    rows="4"
                                    prop:value=move || text.get()
                                    on:input=move |ev| text.set(event_target_value(&ev))
                                ></textarea>
                            </div>
                            <div class=move || if error("phone")().is_some() { "field field--error" } else { "field" }>
                                <label for="complaint-phone">"联系电话（可不填）"</label>
                                <FieldAlert message=Signal::derive(error("phone")) />
                                <input
                                    id="complaint-phone"
                                    type="tel"
                                    autocomplete="tel"
                                    prop:value=move || phone.get()
                                    on:input=move |ev| phone.set(event_target_value(&ev))
                                />
                            </div>
                            <button type="submit" class="button button--secondary">
                                "提交投诉"
                            </button>
                        </form>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
