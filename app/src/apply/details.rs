//! 网上申请: the applicant's details, checked in the browser on 检查并保存 with the
//! domain rules, then again by the server with the same code. Everything typed is
//! kept as a draft on this device at once.

use std::collections::BTreeMap;

use domain::apply::form::{
    Agent, Applicant, ApplicationForm, Delivery, Field, FieldError, FieldKind, Organisation, Person, PostalAddress,
    Rules, validate_application,
};
use domain::apply::parties::Party;
use domain::catalog::situation::{Answer, Answers};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api;
use crate::apply::draft_save::DraftSave;
use crate::apply::fields::{FieldMessages, Flagged, TextInput, error_at, field_class, fixed_at, input_id};
use crate::apply::parties::PartiesForm;
use crate::apply::subject_loader::SubjectLoader;
use crate::apply::verified::{LastForm, PrefillOffer, VerifiedIdentity};
use crate::shell::router::{navigate, use_location};
use crate::shell::set_title;
use crate::subject::{Kind, Subject, answers_from, query};

#[component]
pub fn ApplyPage(kind: Kind, code: String) -> impl IntoView {
    // While the applicant fills in the form, the next step's bundle loads.
    crate::shell::prefetch::prefetch(crate::shell::handover::Bundle::Tasks);
    view! { <SubjectLoader kind code page=|subject| view! { <ApplicantForm subject /> } /> }
}

fn empty_form(organisation: bool) -> ApplicationForm {
    ApplicationForm {
        applicant: if organisation {
            Applicant::Organisation(Organisation::default())
        } else {
            Applicant::Person(Person::default())
        },
        agent: None,
        fields: BTreeMap::new(),
        delivery: None,
        applicant_party: None,
        parties: BTreeMap::new(),
    }
}

#[component]
fn ApplicantForm(subject: Subject) -> impl IntoView {
    let applying = subject.applying();
    set_title(&format!("填写申请：{}", applying.name()));
    let location = use_location();
    let questions = applying.questions();
    let answers: Answers = answers_from(&location.get_untracked().pairs(), &questions);
    let organisation = matches!(answers.get("applicant_type"), Some(Answer::Choice(c)) if c == "company")
        || !applying.accepts(domain::ApplicantType::Individual);
    let needs_agent = domain::apply::form::needs_agent(&answers);
    let draft_name = applying.code().to_owned();
    let mut initial = crate::application::form(&draft_name).unwrap_or_else(|| empty_form(organisation));
    if matches!(initial.applicant, Applicant::Organisation(_)) != organisation {
        initial.applicant = empty_form(organisation).applicant;
    }
    if needs_agent && initial.agent.is_none() {
        initial.agent = Some(Agent::default());
    }
    let form = RwSignal::new(initial);
    // Signed in: the verified name and ID number, filled in and locked.
    let verified = crate::apply::verified::fill_from_session(form);
    let unlocked = move |path: &'static str| {
        move || verified.with(|v| v.as_ref().is_none_or(|(_, l)| l.name != path && l.number != path))
    };
    // Saved at once on every change: a reload inside WeChat loses nothing.
    Effect::new(move |_| form.with(|f| crate::application::save_form(&draft_name, f)));

    let errors = RwSignal::new(Vec::<FieldError>::new());
    let has_errors = Memo::new(move |_| !errors.read().is_empty());
    let flagged = RwSignal::new(Vec::<String>::new());
    provide_context(Flagged(flagged));
    let saved = RwSignal::new(false);
    let checking = RwSignal::new(false);
    let summary = NodeRef::<leptos::html::Div>::new();
    let rules_fields = applying.plain_fields();
    let parties = applying.parties();
    let kind = subject.kind();
    let code = applying.code().to_owned();
    let submit_answers = answers.clone();
    let check = {
        let (fields, parties, questions, answers) =
            (rules_fields.clone(), parties.clone(), questions.clone(), answers.clone());
        move |f: &ApplicationForm| {
            let rules = Rules { fields: &fields, parties: &parties, questions: &questions };
            validate_application(f, rules, &answers, needs_agent, crate::application::today())
        }
    };
    // After a failed attempt every change is checked again at once: a flagged
    // error goes (and the field says 已改好) as soon as the value is right.
    Effect::new({
        let check = check.clone();
        move |_| {
            let mut found = form.with(|f| check(f));
            // Only what the attempt flagged: a field not tried yet is not marked wrong while being filled.
            flagged.with_untracked(|flagged| found.retain(|e| flagged.contains(&e.field)));
            if !flagged.read_untracked().is_empty() && errors.with_untracked(|e| *e != found) {
                errors.set(found);
            }
        }
    });
    // Saved details lead on to the task list, or back to the review page when
    // the applicant came from there to change something.
    let next_page =
        if location.get_untracked().param("return").as_deref() == Some("review") { "review" } else { "tasks" };
    let next_url = format!("{}/{next_page}{}", subject.base(), query(&answers, &[]));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let current = form.get_untracked();
        let found = check(&current);
        let focus_summary = move || {
            request_animation_frame(move || {
                if let Some(el) = summary.get_untracked() {
                    let _ = el.unchecked_ref::<web_sys::HtmlElement>().focus();
                }
            })
        };
        if !found.is_empty() {
            flagged.set(found.iter().map(|e| e.field.clone()).collect());
            errors.set(found);
            focus_summary();
            return;
        }
        // The browser found nothing; the server checks again with the same rules.
        checking.set(true);
        let (code, answers, next_url) = (code.clone(), submit_answers.clone(), next_url.clone());
        spawn_local(async move {
            match api::check_form(kind, &code, &answers, &current).await {
                Ok(server_errors) if server_errors.is_empty() => {
                    errors.set(Vec::new());
                    saved.set(true);
                    navigate(&next_url);
                }
                Ok(server_errors) => {
                    flagged.set(server_errors.iter().map(|e| e.field.clone()).collect());
                    errors.set(server_errors);
                    focus_summary();
                }
                Err(error) => {
                    errors.set(vec![FieldError { field: String::new(), message: error.message }]);
                    focus_summary();
                }
            }
            checking.set(false);
        });
    };
    let back = format!("{}/checklist{}", subject.base(), query(&answers, &[]));

    let applicant_fields = if organisation {
        view! {
            <VerifiedIdentity
                verified
                form
                at="applicant.name"
                name_label="单位名称"
                number_label="统一社会信用代码"
            />
            <Show when=unlocked("applicant.name")>
                <TextInput
                    label="单位名称"
                    hint="与营业执照上的名称一致"
                    path="applicant.name"
                    autocomplete="organization"
                    form
                    errors
                />
                <TextInput
                    label="统一社会信用代码"
                    hint="18位，在营业执照上"
                    path="applicant.credit_code"
                    form
                    errors
                />
            </Show>
            <TextInput
                label="法定代表人（负责人）"
                hint=""
                path="applicant.legal_representative"
                form
                errors
            />
            <TextInput label="联系人" hint="" path="applicant.contact_name" autocomplete="name" form errors />
            <TextInput
                label="联系人手机号码"
                hint="工作人员会用这个号码联系您"
                path="applicant.phone"
                inputmode="tel"
                autocomplete="tel"
                form
                errors
            />
            <TextInput
                label="单位地址"
                hint="写到门牌号"
                path="applicant.address"
                autocomplete="street-address"
                form
                errors
            />
        }
        .into_any()
    } else {
        view! {
            <VerifiedIdentity verified form at="applicant.name" name_label="姓名" number_label="身份证号码" />
            <Show when=unlocked("applicant.name")>
                <TextInput
                    label="姓名"
                    hint="与身份证一致"
                    path="applicant.name"
                    autocomplete="name"
                    form
                    errors
                />
                <TextInput
                    label="身份证号码"
                    hint="18位，最后一位可能是X"
                    path="applicant.id_number"
                    form
                    errors
                />
            </Show>
            <TextInput
                label="手机号码"
                hint="工作人员会用这个号码联系您"
                path="applicant.phone"
                inputmode="tel"
                autocomplete="tel"
                form
                errors
            />
            <TextInput
                label="联系地址"
                hint="写到门牌号"
                path="applicant.address"
                autocomplete="street-address"
                form
                errors
            />
        }
        .into_any()
    };
    let agent_fields = needs_agent.then(|| {
        view! {
            <h2>"代理人"</h2>
            <VerifiedIdentity
                verified
                form
                at="agent.name"
                name_label="代理人姓名"
                number_label="代理人身份证号码"
            />
            <Show when=unlocked("agent.name")>
                <TextInput label="代理人姓名" hint="" path="agent.name" autocomplete="name" form errors />
                <TextInput label="代理人身份证号码" hint="" path="agent.id_number" form errors />
            </Show>
            <TextInput
                label="代理人手机号码"
                hint=""
                path="agent.phone"
                inputmode="tel"
                autocomplete="tel"
                form
                errors
            />
        }
    });
    let (_, effective) = domain::catalog::situation::walk(&questions, &answers);
    let active_parties: Vec<Party> =
        domain::apply::parties::active(&parties, &effective).into_iter().cloned().collect();
    let item_fields: Vec<domain::catalog::applying::FormField> =
        applying.fields().into_iter().filter(|f| f.field.when.as_ref().is_none_or(|c| c.holds(&effective))).collect();
    // A bundle's fields come under the name of the item that asks them; shared ones first.
    let mut groups: Vec<(String, Vec<Field>)> = Vec::new();
    for f in item_fields {
        match groups.last_mut() {
            Some((group, fields)) if *group == f.group => fields.push(f.field),
            _ => groups.push((f.group, vec![f.field])),
        }
    }
    let item_fields_view = (!groups.is_empty()).then(|| {
        view! {
            <h2>"申请事项信息"</h2>
            {groups
                .into_iter()
                .map(|(group, fields)| {
                    view! {
                        {(!group.is_empty()).then(|| view! { <h3>{group}</h3> })}
                        {fields.into_iter().map(|field| view! { <ItemField field form errors /> }).collect_view()}
                    }
                })
                .collect_view()}
        }
    });

    view! {
        <p class="back">
            <a href=back>"返回材料清单"</a>
        </p>
        <p class="caption">{applying.name().to_owned()}</p>
        <h1>"填写申请人信息"</h1>
        <p class="hint">
            "填写的内容会自动保存在本手机上，刷新页面或退出微信后再打开也不会丢失。"
        </p>
        <SignInHint />
        <PrefillOffer />
        <LastForm code=applying.code().to_owned() form />
        // The summary stays while problems remain (its list shrinks as they are fixed), so it is announced once.
        {move || {
            has_errors
                .get()
                .then(|| {
                    view! {
                        <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                            <h2 class="error-summary__title">"有以下问题，请修改后再继续"</h2>
                            <ul>
                                {move || {
                                    errors
                                        .get()
                                        .into_iter()
                                        .map(|e| {
                                            view! {
                                                <li>
                                                    <a href=format!("#{}", input_id(&e.field))>{e.message}</a>
                                                </li>
                                            }
                                        })
                                        .collect_view()
                                }}
                            </ul>
                        </div>
                    }
                })
        }}
        <form class="application" on:submit=submit novalidate>
            <h2>{if organisation { "申请单位" } else { "申请人" }}</h2>
            {applicant_fields}
            {agent_fields}
            <PartiesForm active=active_parties form errors />
            {item_fields_view}
            <DeliveryChoice form errors />
            <button type="submit" class="button" disabled=move || checking.get()>
                "保存并继续"
            </button>
        </form>
        <DraftSave item=applying.code().to_owned() answers=answers.clone() />
        {move || {
            saved
                .get()
                .then(|| {
                    view! {
                        <p class="notice notice--ok" role="status">
                            "申请人信息已检查并保存。"
                        </p>
                    }
                })
        }}
    }
}

/// Not signed in, where the centre offers it: signing in fills the name and ID number.
#[component]
fn SignInHint() -> impl IntoView {
    let state = crate::shell::session::state();
    move || {
        state.get().filter(|s| s.sign_in && !s.signed_in).map(|_| {
            let here = window().location();
            let path = [here.pathname().unwrap_or_default(), here.search().unwrap_or_default()].concat();
            view! {
                <p class="notice">
                    <a href=crate::shell::session::sign_in_url(&path)>"用统一身份认证登录"</a>
                    "，姓名和身份证号自动填好；不登录也可以直接填写。"
                </p>
            }
        })
    }
}

/// One of the item's own fields from the catalog.
#[component]
fn ItemField(field: Field, form: RwSignal<ApplicationForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let path = format!("fields.{}", field.id);
    let id = input_id(&path);
    let fixed = fixed_at(errors, path.clone());
    let error = error_at(errors, path);
    let required = field.required.to_string();
    let error_id = format!("{id}-error");
    let (read_id, write_id) = (field.id.clone(), field.id.clone());
    let value = Memo::new(move |_| form.with(|f| f.fields.get(&read_id).cloned().unwrap_or_default()));
    let write = move |v: String| {
        form.update(|f| {
            f.fields.insert(write_id.clone(), v);
        })
    };
    let hint = (!field.hint.is_empty()).then(|| view! { <p class="hint">{field.hint.clone()}</p> });
    let control = match field.kind {
        FieldKind::Choice => view! {
            <select
                id=id.clone()
                aria-required=required.clone()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=move || error.get().map(|_| error_id.clone())
                on:change=move |ev| write(event_target_value(&ev))
            >
                <option value="" selected=move || value.read().is_empty()>
                    "请选择"
                </option>
                {field
                    .options
                    .iter()
                    .map(|o| {
                        let (option_id, selected_id) = (o.id.clone(), o.id.clone());
                        view! {
                            <option value=option_id selected=move || *value.read() == selected_id>
                                {o.label.clone()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        kind => view! {
            <input
                id=id.clone()
                type="text"
                autocomplete="off"
                inputmode=if kind == FieldKind::Number { "numeric" } else { "text" }
                aria-required=required.clone()
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=move || error.get().map(|_| error_id.clone())
                prop:value=move || value.get()
                on:input=move |ev| write(event_target_value(&ev))
            />
        }
        .into_any(),
    };
    view! {
        <div class=move || field_class(error.get().is_some(), fixed.get())>
            <label for=id.clone()>{field.label.clone()}</label>
            {hint}
            <FieldMessages error fixed error_id=format!("{id}-error") />
            {control}
        </div>
    }
}

/// 领取方式: at the window, or by post with an address.
#[component]
fn DeliveryChoice(form: RwSignal<ApplicationForm>, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let error = error_at(errors, "delivery.method".to_owned());
    let by_post = Memo::new(move |_| form.with(|f| matches!(f.delivery, Some(Delivery::Post(_)))));
    let at_window = Memo::new(move |_| form.with(|f| matches!(f.delivery, Some(Delivery::Window))));
    let choose_window = move |_| form.update(|f| f.delivery = Some(Delivery::Window));
    let choose_post = move |_| {
        form.update(|f| {
            if !matches!(f.delivery, Some(Delivery::Post(_))) {
                f.delivery = Some(Delivery::Post(PostalAddress::default()));
            }
        })
    };
    // Most results go to the applicant: one tap instead of typing name, phone and address again.
    let same_as_applicant = move |_| {
        form.update(|f| {
            let (name, phone, address) = match &f.applicant {
                Applicant::Person(p) => (p.name.clone(), p.phone.clone(), p.address.clone()),
                Applicant::Organisation(o) => (o.contact_name.clone(), o.phone.clone(), o.address.clone()),
            };
            f.delivery = Some(Delivery::Post(PostalAddress { recipient: name, phone, address }));
        })
    };
    view! {
        <h2>"领取方式"</h2>
        <div class=move || if error.get().is_some() { "field field--error" } else { "field" }>
            <fieldset>
                <legend class="visually-hidden">"领取方式"</legend>
                {move || error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                <div class="choices">
                    <div class="choice">
                        <input
                            id="delivery-method"
                            type="radio"
                            name="delivery"
                            prop:checked=move || at_window.get()
                            on:change=choose_window
                        />
                        <label for="delivery-method">
                            "到窗口领取"
                            <span class="choice__hint">"办结后凭身份证到办理窗口领取"</span>
                        </label>
                    </div>
                    <div class="choice">
                        <input
                            id="delivery-post"
                            type="radio"
                            name="delivery"
                            prop:checked=move || by_post.get()
                            on:change=choose_post
                        />
                        <label for="delivery-post">
                            "免费邮寄"<span class="choice__hint">"办结后用快递寄到您填写的地址"</span>
                        </label>
                    </div>
                </div>
            </fieldset>
        </div>
        <Show when=move || by_post.get()>
            <button type="button" class="button button--secondary button--small" on:click=same_as_applicant>
                "收件人同申请人"
            </button>
            <TextInput label="收件人" hint="" path="delivery.recipient" autocomplete="name" form errors />
            <TextInput
                label="收件人手机号码"
                hint="快递员会打这个电话"
                path="delivery.phone"
                inputmode="tel"
                autocomplete="tel"
                form
                errors
            />
            <TextInput
                label="邮寄地址"
                hint="写到门牌号"
                path="delivery.address"
                autocomplete="street-address"
                form
                errors
            />
        </Show>
    }
}
