//! 核对申请内容: every answer, detail and file once more, each part with 修改
//! (which comes back here), then 提交申请 with the application's one
//! `Idempotency-Key`. Whatever the server still finds wrong is shown in place.

use domain::api::NoticeChannels;
use domain::apply::form::{ApplicationForm, delivery_text};
use domain::apply::identity::mask_mobile;
use domain::apply::materials::{is_uploaded, size_text};
use domain::apply::submission::{Submission, SubmissionProblems};
use domain::catalog::applying::Applying;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, SubmitError};
use crate::application;
use crate::apply::checklist::answer_text;
use crate::apply::draft_save::DraftSave;
use crate::apply::phone_proof::{self, PhoneProof};
use crate::apply::subject_loader::SubjectLoader;
use crate::components::fact::changeable_fact;
use crate::components::masked::Masked;
use crate::shell::load::{Load, load};
use crate::shell::router::{navigate, use_location};
use crate::shell::set_title;
use crate::subject::{Kind, Subject, answers_from, query};

/// The review page: first what this centre can send notices by (so the
/// choices below appear with the page, not after it), then the item or bundle.
#[component]
pub fn ReviewPage(kind: Kind, code: String) -> impl IntoView {
    let channels = load(api::notice_channels);
    move || {
        let offered = match channels.state.get() {
            Load::Loading => return view! { <p class="loading">"正在加载……"</p> }.into_any(),
            Load::Loaded(offered) => offered,
            // Unknown: offer none; the status page always works.
            Load::Failed(_) => NoticeChannels::default(),
        };
        provide_context(offered);
        let code = code.clone();
        view! { <SubjectLoader kind code page=|subject| view! { <Review subject /> } /> }.into_any()
    }
}

/// The applicant's details in rows, in full: 请逐项核对 needs the ID and phone
/// numbers as typed, the two most often mistyped (the receipt and notices mask them).
fn applicant_rows(form: &ApplicationForm, applying: Applying<'_>) -> Vec<(String, String)> {
    let mut rows = applying.people_rows(form);
    rows.extend(applying.field_rows(form));
    rows
}

#[component]
fn Review(subject: Subject) -> impl IntoView {
    let applying = subject.applying();
    let name = applying.name().to_owned();
    set_title(&format!("核对申请内容：{name}"));
    let location = use_location();
    let questions = applying.questions();
    let answers = answers_from(&location.get_untracked().pairs(), &questions);
    let base = subject.base();
    let kind = subject.kind();
    let here = query(&answers, &[]);
    let back_here = query(&answers, &[("return", "review")]);
    let tasks_url = format!("{base}/tasks{here}");
    let Some(form) = application::form(applying.code()) else {
        // Just submitted from here (back from the receipt): the receipt again, not an empty page.
        if let Some(case_number) = application::submitted(applying.code())
            && application::has_receipt(&case_number)
        {
            let url = format!("/receipts/{}", js_sys::encode_uri_component(&case_number));
            request_animation_frame(move || crate::shell::router::replace(&url));
            return view! { <p class="loading">"正在打开回执……"</p> }.into_any();
        }
        return view! {
            <h1>"还没有填写申请"</h1>
            <p>
                <a class="button" href=tasks_url>
                    "去填写"
                </a>
            </p>
        }
        .into_any();
    };
    // While the applicant checks, the receipt's bundle loads: it opens once submitted.
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Receipt);
    let materials = application::materials(applying.code());
    let checklist = applying.checklist(&answers);
    let (draft_item, draft_answers) = (applying.code().to_owned(), answers.clone());
    let (shown, effective) = domain::catalog::situation::walk(&questions, &answers);
    let apply_url = format!("{base}/apply{back_here}");

    let situation_rows = shown
        .iter()
        .filter_map(|q| effective.get(&q.id).map(|a| (*q, a)))
        .map(|(q, a)| {
            changeable_fact(q.text.clone(), answer_text(q, a), format!("{base}/situation/{}{back_here}", q.id))
        })
        .collect_view();
    let detail_rows = applicant_rows(&form, applying)
        .into_iter()
        .map(|(label, value)| changeable_fact(label, value, apply_url.clone()))
        .collect_view();
    let material_rows = checklist
        .entries
        .iter()
        .filter(|e| is_uploaded(&e.material))
        .map(|entry| {
            let id = &entry.material.id;
            let value = if materials.later.contains(id) {
                "容缺后补".to_owned()
            } else {
                match materials.files.get(id) {
                    Some(files) if !files.is_empty() => files
                        .iter()
                        .map(|f| format!("{}（{}）", f.name, size_text(f.size)))
                        .collect::<Vec<_>>()
                        .join("、"),
                    _ => "没有上传".to_owned(),
                }
            };
            changeable_fact(entry.title(), value, format!("{tasks_url}#material-{id}"))
        })
        .collect_view();

    let problems = RwSignal::new(None::<(String, SubmissionProblems)>);
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let summary = NodeRef::<leptos::html::Div>::new();
    let focus_summary = move || {
        request_animation_frame(move || {
            if let Some(el) = summary.get_untracked() {
                let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
        })
    };
    let code = applying.code().to_owned();
    let submission = Submission {
        answers: answers.clone(),
        form: form.clone(),
        files: materials.upload_ids(),
        reused: materials.reused_ids(),
        later: materials.later.clone(),
        pledge_accepted: materials.pledge_accepted,
        email: String::new(),
        sms: false,
    };
    // Progress by email besides the status page: optional, kept on this device like the rest.
    let email_key = format!("{code}.email");
    let email = RwSignal::new(crate::shell::draft::load::<String>(&email_key).unwrap_or_default());
    Effect::new(move |_| email.with(|e| crate::shell::draft::save(&email_key, e)));
    let email_error = RwSignal::new(None::<&'static str>);
    // Progress by SMS to the form's mobile number: on unless turned off, kept on this device.
    let offered = use_context::<NoticeChannels>().unwrap_or_default();
    let sms_key = format!("{code}.sms");
    // Progress by SMS only to a number proven with a one-time code (`phone_proof`); off until asked for.
    let sms = RwSignal::new(crate::shell::draft::load::<bool>(&sms_key).unwrap_or(false));
    Effect::new(move |_| sms.with(|on| crate::shell::draft::save(&sms_key, on)));
    let phone = mask_mobile(form.notice_phone());
    let proven = RwSignal::new(phone_proof::remembered(&code, form.notice_phone()));
    let proof_error = RwSignal::new(None::<String>);
    let (proof_code, proof_phone) = (code.clone(), form.notice_phone().to_owned());
    // The code field, where the page sends an applicant who has not proved the number.
    let focus_proof = move || {
        request_animation_frame(move || {
            let field = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("sms-code"));
            if let Some(field) = field {
                let _ = field.unchecked_ref::<web_sys::HtmlElement>().focus();
            }
        })
    };
    let submit = move |_| {
        if sending.get_untracked() {
            return;
        }
        // An address kept from before counts only where the centre sends email.
        let typed = if offered.email { email.get_untracked().trim().to_owned() } else { String::new() };
        let problem = (!typed.is_empty()).then(|| domain::apply::identity::email_problem(&typed)).flatten();
        email_error.set(problem);
        if problem.is_some() {
            return;
        }
        let wants_sms = offered.sms && sms.get_untracked();
        if wants_sms && !proven.get_untracked() {
            proof_error.set(Some(domain::apply::phone_code::UNPROVEN.to_owned()));
            focus_proof();
            return;
        }
        sending.set(true);
        failure.set(None);
        problems.set(None);
        let (code, mut submission) = (code.clone(), submission.clone());
        submission.email = typed;
        submission.sms = wants_sms;
        let key = application::idempotency_key(&code);
        spawn_local(async move {
            let Some(application_key) = application::application_key(&code).await else {
                failure.set(Some("网络连接不稳定，没有提交成功。请检查网络后再试一次，不会重复提交。".to_owned()));
                sending.set(false);
                return;
            };
            match api::submit(kind, &code, &key, &application_key, &submission).await {
                Ok(sent) => {
                    application::finish(&code, &sent.case_number, &sent.receipt);
                    navigate(&format!("/receipts/{}", js_sys::encode_uri_component(&sent.case_number)));
                }
                Err(SubmitError::Invalid(message, found)) => {
                    // The server no longer counts the proof (a day passed): ask again.
                    if found.fields.iter().any(|f| f.field == "sms") {
                        proven.set(false);
                    }
                    problems.set(Some((message, found)));
                    focus_summary();
                }
                Err(SubmitError::Other(message)) => {
                    failure.set(Some(message));
                    focus_summary();
                }
            }
            sending.set(false);
        });
    };
    let fix_field = apply_url.clone();
    let fix_material = tasks_url.clone();

    view! {
        <p class="back">
            <a href=tasks_url.clone()>"返回上传材料"</a>
        </p>
        <p class="caption">{name}</p>
        <h1>"核对申请内容"</h1>
        <p class="hint">"请逐项核对。需要改的，点“修改”，改好后会回到这里。"</p>
        {move || {
            problems
                .get()
                .map(|(message, found)| {
                    let fields = found
                        .fields
                        .into_iter()
                        .map(|e| {
                            let href = if e.field == "sms" { "#sms-proof".to_owned() } else { fix_field.clone() };
                            view! {
                                <li>
                                    <a href=href>{e.message}</a>
                                </li>
                            }
                        });
                    let files = found
                        .materials
                        .into_iter()
                        .map(|e| {
                            let href = format!("{}#material-{}", fix_material, e.material);
                            view! {
                                <li>
                                    <a href=href>{e.message}</a>
                                </li>
                            }
                        });
                    view! {
                        <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                            <h2 class="error-summary__title">{message}</h2>
                            <ul>{fields.collect_view()}{files.collect_view()}</ul>
                        </div>
                    }
                })
        }}
        {move || {
            failure
                .get()
                .map(|message| {
                    view! {
                        <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                            <h2 class="error-summary__title">"还没有提交成功"</h2>
                            <p>{message}</p>
                        </div>
                    }
                })
        }}
        <h2>"办理情形"</h2>
        <dl class="answers">{situation_rows}</dl>
        <h2>"申请人信息"</h2>
        <dl class="answers">{detail_rows}</dl>
        <h2>"领取方式"</h2>
        <dl class="answers">{changeable_fact("领取方式".to_owned(), delivery_text(&form), apply_url.clone())}</dl>
        <h2>"申请材料"</h2>
        <dl class="answers">{material_rows}</dl>
        {(!materials.later.is_empty() && materials.pledge_accepted)
            .then(|| {
                view! {
                    <p class="hint">"您已同意容缺受理承诺书，容缺材料请在受理后按期补交。"</p>
                }
            })}
        <h2>"办理进度通知"</h2>
        {(!offered.sms && !offered.email)
            .then(|| {
                view! {
                    <p class="hint">"提交后，请用回执上的办件编号和查询码查看办理进度。"</p>
                }
            })}
        {offered
            .sms
            .then(|| {
                view! {
                    <div class="checkbox">
                        <input
                            type="checkbox"
                            id="notice-sms"
                            prop:checked=move || sms.get()
                            on:change=move |ev| sms.set(event_target_checked(&ev))
                        />
                        <label for="notice-sms">
                            "发短信告诉我办理进度（发到 " <Masked shown=phone.clone() /> "）"
                        </label>
                    </div>
                    <Show when=move || sms.get()>
                        <PhoneProof code=proof_code.clone() phone=proof_phone.clone() proven error=proof_error />
                    </Show>
                }
            })}
        {offered
            .email
            .then(|| {
                view! {
                    <div class=move || if email_error.get().is_some() { "field field--error" } else { "field" }>
                        <label for="notice-email">"发邮件告诉我办理进度（可不填）"</label>
                        <p class="hint" id="notice-email-hint">
                            "受理、需要补正、办结时发到这个邮箱。不填的，请用办件编号和查询码查看进度。"
                        </p>
                        {move || {
                            email_error
                                .get()
                                .map(|m| {
                                    view! {
                                        <p class="field-error" id="notice-email-error">
                                            {m}
                                        </p>
                                    }
                                })
                        }}
                        <input
                            id="notice-email"
                            type="email"
                            inputmode="email"
                            autocomplete="email"
                            aria-describedby=move || {
                                if email_error.get().is_some() {
                                    "notice-email-hint notice-email-error"
                                } else {
                                    "notice-email-hint"
                                }
                            }
                            prop:value=move || email.get()
                            on:input=move |ev| email.set(event_target_value(&ev))
                        />
                    </div>
                }
            })}
        <h2>"提交申请"</h2>
        <p>
            "提交即表示您承诺所填信息和所传材料真实、有效。提交后会得到办件编号和查询码。"
        </p>
        <button type="button" class="button" disabled=move || sending.get() on:click=submit>
            {move || if sending.get() { "正在提交……" } else { "提交申请" }}
        </button>
        <DraftSave item=draft_item answers=draft_answers />
    }
    .into_any()
}
